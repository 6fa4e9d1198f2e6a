import { setTimeout as sleep } from "node:timers/promises";
import { distribution } from "./proc";
import { now } from "./protocol";
import type { Report } from "./report";
import type { HallEvent, SuggestEvent } from "./seed";

/**
 * Requests at the largest event: each one timed while a parallel loop sends
 * `GET /healthz` back to back, so whatever blocks the server's event loop
 * shows up as a health check that waited. The stall of a request is the
 * slowest health check that overlapped it.
 */

interface Probe {
  sentAt: number;
  ms: number;
}

function healthLoop(base: string) {
  const samples: Probe[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const sentAt = now();
      try {
        const response = await fetch(`${base}/healthz`);
        await response.arrayBuffer();
      } catch {
        // a refused check counts as long as it took
      }
      samples.push({ sentAt, ms: now() - sentAt });
      await sleep(5);
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await done;
    },
    /** The slowest check that overlapped [from, to]. */
    worstDuring(from: number, to: number): number {
      let worst = 0;
      for (const s of samples) if (s.sentAt <= to && s.sentAt + s.ms >= from) worst = Math.max(worst, s.ms);
      return worst;
    },
  };
}

interface Measured {
  label: string;
  request(): Promise<Response>;
}

export async function dataAtSize(
  base: string,
  hall: HallEvent,
  suggest: SuggestEvent,
  report: Report,
  repeats: number,
  timeLeft: () => number,
): Promise<void> {
  const attendee = hall.attendeeCookies[hall.attendeeCookies.length - 1] as string;
  const get = (path: string, cookie: string) => () => fetch(`${base}${path}`, { headers: { Cookie: cookie } });
  const requests: Measured[] = [
    { label: "event page (200 pitches)", request: get(`/e/${hall.slug}`, attendee) },
    { label: "grid page (10 rooms x 8 slots)", request: get(`/e/${hall.slug}/grid`, attendee) },
    { label: "session page (200 items)", request: get(`/e/${hall.slug}/s/${hall.bigSessionId}`, attendee) },
    {
      label: "export.zip (60 sessions, 3,000 items)",
      request: get(`/e/${hall.slug}/export.zip`, hall.organiserCookie),
    },
    {
      label: "export.wxr (60 sessions, 3,000 items)",
      request: get(`/e/${hall.slug}/export.wxr`, hall.organiserCookie),
    },
    {
      label: "Suggest a grid (60 pitches, 10 x 6, 500 attendees)",
      request: () =>
        fetch(`${base}/e/${suggest.slug}/grid.data`, {
          method: "POST",
          body: new URLSearchParams({ intent: "suggest" }),
          headers: { Cookie: suggest.organiserCookie, "Content-Type": "application/x-www-form-urlencoded" },
        }),
    },
  ];

  // Idle health checks first: the baseline.
  const idle = healthLoop(base);
  await sleep(1000);
  await idle.stop();
  const base50 = distribution(idle.samples.map((s) => s.ms));
  report.add("data at size", null, "GET /healthz alone, p50", "ms", "app", base50.p50);
  report.add("data at size", null, "GET /healthz alone, max", "ms", "app", base50.max);

  const health = healthLoop(base);
  try {
    for (const { label, request } of requests) {
      for (let run = 0; run < repeats; run++) {
        if (run > 0 && timeLeft() < 0) {
          report.note(`data at size: ${label} measured ${run} time(s) only, to stay within the time limit`);
          break;
        }
        const sent = now();
        const response = await request();
        const bytes = (await response.arrayBuffer()).byteLength;
        const done = now();
        if (!response.ok) throw new Error(`${label} answered ${response.status}`);
        await sleep(100);
        const stall = health.worstDuring(sent, done);
        report.add("data at size", null, `${label}: time`, "ms", "app", done - sent);
        report.add("data at size", null, `${label}: worst /healthz during it`, "ms", "app", stall, { max: 100 });
        if (run === 0) report.add("data at size", null, `${label}: body`, "KB", "app", bytes / 1024);
        console.log(
          `  ${label} run ${run + 1}: ${(done - sent).toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KB, worst /healthz ${stall.toFixed(0)} ms`,
        );
      }
    }
  } finally {
    await health.stop();
  }
}
