import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { type BrowserContext, type Page, chromium } from "playwright-core";

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface Person {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * One person with their own browser profile (cookies and storage): Debian's
 * Chromium with the flags this machine needs (DESIGN.md, section 5).
 */
export async function openBrowser(
  size: "phone" | "desktop" = "desktop",
  /** The browser's own time zone (Europe/London unless a test says otherwise). */
  options: { timezoneId?: string } = {},
): Promise<Person> {
  const dir = mkdtempSync(join(tmpdir(), "unconf-chromium-"));
  const phone = size === "phone";
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: phone ? PHONE : DESKTOP,
    isMobile: phone,
    hasTouch: phone,
    locale: "en-GB",
    timezoneId: options.timezoneId ?? "Europe/London",
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (
      message.type() === "error" &&
      !/Failed to load resource|ERR_INTERNET_DISCONNECTED|WebSocket connection/.test(message.text())
    ) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  return {
    context,
    page,
    async close() {
      // Requests cut off by closing the browser are not the page's errors: judge what came before.
      const seen = [...problems];
      await context.close();
      rmSync(dir, { recursive: true, force: true });
      if (seen.length) throw new Error(`the page reported errors:\n${seen.join("\n")}`);
    },
  };
}

export interface AxeFinding {
  url: string;
  id: string;
  impact: string | null | undefined;
  nodes: number;
}

/** Every axe finding seen in this test process, for the run's summary. */
export const axeFindings: AxeFinding[] = [];

/**
 * Runs axe-core (WCAG 2.0, 2.1 and 2.2 A and AA rules) on the page as it is now; fails on
 * any serious or critical violation and records the lesser ones.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
    .analyze();
  for (const v of results.violations) {
    const finding = { url: page.url(), id: v.id, impact: v.impact, nodes: v.nodes.length };
    axeFindings.push(finding);
    // Kept for the run's summary (test-results/axe-findings.jsonl), minor ones included.
    mkdirSync("test-results", { recursive: true });
    appendFileSync("test-results/axe-findings.jsonl", `${JSON.stringify(finding)}\n`);
  }
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) {
    const detail = bad
      .map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`)
      .join("\n");
    throw new Error(`axe found ${bad.length} serious/critical violation(s) on ${page.url()}:\n${detail}`);
  }
}
