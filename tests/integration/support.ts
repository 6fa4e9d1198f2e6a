import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { TestServer } from "../helpers/server";

/**
 * Small helpers shared by the integration tests (not a test file itself).
 */

/**
 * An HTML answer with React's entity escapes and text separators (`<!-- -->`)
 * undone, so messages can be matched as people read them.
 */
export function decodeHtml(html: string): string {
  return html
    .replaceAll("<!-- -->", "")
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** Reads a response body as decoded HTML text. */
export async function htmlOf(response: Response): Promise<string> {
  return decodeHtml(await response.text());
}

/** The value of the `unconf` identity cookie a response sets, or undefined. */
export function identityCookieSet(response: Response): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith("unconf="));
}

export interface LoggedServer extends TestServer {
  /** Every line the server wrote to stdout and stderr, in order. */
  lines: string[];
}

const root = resolve(import.meta.dirname, "../..");

/**
 * Starts the production build like tests/helpers/server.ts does, but keeps
 * every log line (not just errors), so a test can check what was logged.
 */
export async function startLoggedServer(env: Record<string, string> = {}): Promise<LoggedServer> {
  const dir = mkdtempSync(join(tmpdir(), "unconf-test-logs-"));
  const dbPath = join(dir, "unconf.sqlite");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: dbPath,
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      DEMO: "off",
      LOG_LEVEL: "trace",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const errors: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => lines.push(line));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${lines.join("\n")}`)), 30_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      lines.push(line);
      if (!line.startsWith("{")) return;
      try {
        const entry = JSON.parse(line) as { level: number; msg: string; port?: number };
        if (entry.level >= 50) errors.push(line);
        if (entry.msg === "listening" && entry.port) {
          clearTimeout(timer);
          resolveUrl(`http://127.0.0.1:${entry.port}`);
        }
      } catch {
        // not a log line
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${lines.join("\n")}`));
    });
  });

  return {
    url,
    dbPath,
    errors,
    lines,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
