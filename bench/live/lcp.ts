import { openBrowser } from "../../tests/helpers/browser";
import type { Report } from "./report";

/**
 * The event page's Largest Contentful Paint on a throttled phone: Debian's
 * Chromium (tests/helpers/browser.ts, phone size, a fresh profile each run so
 * nothing is cached), network and CPU throttled through the DevTools
 * protocol with Lighthouse's mobile "slow 4G" figures applied as they are
 * (Lighthouse's own simulated throttling would instead model them).
 */
export const THROTTLING = {
  /** Round trip added to every request, ms. */
  latencyMs: 150,
  /** Lighthouse's 1.6 Mbit/s (1.6 x 1024 kbit/s), in bytes per second as CDP wants it. */
  downloadBytesPerSecond: Math.round((1.6 * 1024 * 1024) / 8),
  /** 750 kbit/s. */
  uploadBytesPerSecond: Math.round((750 * 1024) / 8),
  cpuSlowdown: 4,
};

export function throttlingText(): string {
  const t = THROTTLING;
  return `Chromium ${"390x844"} phone profile, CDP Network.emulateNetworkConditions latency ${t.latencyMs} ms, down ${((t.downloadBytesPerSecond * 8) / 1024).toFixed(1)} kbit/s, up ${((t.uploadBytesPerSecond * 8) / 1024).toFixed(0)} kbit/s; Emulation.setCPUThrottlingRate ${t.cpuSlowdown}x; cold cache`;
}

export async function measureLcp(url: string, cookie: string, report: Report, repeats: number): Promise<void> {
  const [name, value] = [cookie.slice(0, cookie.indexOf("=")), cookie.slice(cookie.indexOf("=") + 1)];
  for (let run = 0; run < repeats; run++) {
    const person = await openBrowser("phone");
    try {
      await person.context.addCookies([{ name, value, url }]);
      const cdp = await person.context.newCDPSession(person.page);
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: THROTTLING.latencyMs,
        downloadThroughput: THROTTLING.downloadBytesPerSecond,
        uploadThroughput: THROTTLING.uploadBytesPerSecond,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: THROTTLING.cpuSlowdown });
      await person.page.goto(url, { waitUntil: "load", timeout: 60_000 });
      await person.page.waitForTimeout(1500);
      const figures = await person.page.evaluate(
        () =>
          new Promise<{ lcp: number; html: number; htmlDecoded: number; domContentLoaded: number }>((resolve) => {
            let lcp = 0;
            new PerformanceObserver((list) => {
              for (const entry of list.getEntries()) lcp = entry.startTime;
            }).observe({ type: "largest-contentful-paint", buffered: true });
            const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
            setTimeout(
              () =>
                resolve({
                  lcp,
                  html: nav?.encodedBodySize ?? 0,
                  htmlDecoded: nav?.decodedBodySize ?? 0,
                  domContentLoaded: nav?.domContentLoadedEventEnd ?? 0,
                }),
              200,
            );
          }),
      );
      report.add("first load (throttled)", null, "event page LCP (200 pitches)", "ms", "app", figures.lcp, {
        max: 2500,
      });
      report.add("first load (throttled)", null, "event page DOMContentLoaded", "ms", "app", figures.domContentLoaded);
      if (run === 0) {
        report.add("first load (throttled)", null, "event page HTML, transferred", "KB", "app", figures.html / 1024);
        report.add("first load (throttled)", null, "event page HTML, decoded", "KB", "app", figures.htmlDecoded / 1024);
      }
      console.log(
        `  LCP run ${run + 1}: ${figures.lcp.toFixed(0)} ms (DOMContentLoaded ${figures.domContentLoaded.toFixed(0)} ms, HTML ${(figures.html / 1024).toFixed(0)} KB transferred, ${(figures.htmlDecoded / 1024).toFixed(0)} KB decoded)`,
      );
    } finally {
      await person.close();
    }
  }
}
