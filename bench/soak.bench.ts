import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type HttpClient, createEvent, joinAs } from "../tests/helpers/http";
import { startServer } from "../tests/helpers/server";
import type { BenchResult } from "./run";

/**
 * Soak (issue 10, operations): SOAK_CLIENTS people (default 500) in
 * SOAK_PROCESSES child processes (bench/soak-client.ts) use one event for
 * SOAK_MINUTES minutes (default 10), each acting about every
 * SOAK_INTERVAL_S seconds (default 10: a vote or unvote, a note in a session
 * with its page watched, now and then a pitch or a page load), against the
 * production server with the write limits lifted. The server's resident
 * memory is sampled every SOAK_SAMPLE_S seconds (default 30): the figures
 * are the first sample once everyone has joined, the last, and the slope of a
 * least-squares line through the samples from then on. Memory that keeps
 * growing shows as a slope that does not fall towards zero on a longer run.
 *
 * Runs only when asked for by name, `npm run bench -- soak`, since it takes
 * minutes; `SOAK_MINUTES=3 SOAK_CLIENTS=200 npm run bench -- soak` for a
 * shorter one.
 */

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

function rssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(status.match(/^VmRSS:\s+(\d+)/m)?.[1]);
  return kb / 1024;
}

/** Least-squares slope of y over x. */
function slope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export async function run(): Promise<BenchResult> {
  const name = "soak";
  if (!process.argv.slice(2).some((arg) => arg.includes("soak"))) {
    return {
      name,
      description: "Skipped: the soak takes minutes; run it by name, `npm run bench -- soak`.",
      figures: [],
    };
  }
  const minutes = num("SOAK_MINUTES", 10);
  const clients = num("SOAK_CLIENTS", 500);
  const processes = Math.min(clients, num("SOAK_PROCESSES", 10));
  const intervalS = num("SOAK_INTERVAL_S", 10);
  const sampleS = num("SOAK_SAMPLE_S", 30);

  const server = await startServer({
    WRITES_PER_MINUTE_PER_IP: "10000000",
    WRITES_PER_MINUTE_PER_ATTENDEE: "100000",
  });
  try {
    const { organiser, slug } = await createEvent(server.url, { name: "Soak Camp" });
    const admin = (fields: Record<string, string>) => organiser.post(`/e/${slug}/admin`, fields);
    await admin({ intent: "voting-settings", votesPerAttendee: "3" });
    await admin({ intent: "open-voting" });
    const pitchers: HttpClient[] = [];
    for (let i = 0; i < 5; i++) pitchers.push(await joinAs(server.url, slug, `Pitcher ${i}`));
    for (let i = 0; i < 30; i++) {
      await (pitchers[i % 5] as HttpClient).post(`/e/${slug}/pitch?index`, {
        title: `Soak session ${i + 1}`,
        description: "A session of the soak.",
        tags: "soak",
      });
    }
    const page = await (await organiser.get(`/e/${slug}`)).text();
    const pitchIds = [...new Set([...page.matchAll(/\/e\/[^/"]+\/s\/([A-Za-z0-9_-]{10,})/g)].map((m) => m[1]))];
    if (pitchIds.length === 0) throw new Error("the soak found no pitches on the event page");

    const started = Date.now();
    const until = started + minutes * 60_000;
    const samples: Array<{ t: number; mb: number }> = [{ t: 0, mb: rssMb(server.pid) }];
    const children = Array.from({ length: processes }, (_, p) => {
      const count = Math.floor(clients / processes) + (p < clients % processes ? 1 : 0);
      const child = spawn(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "soak-client.ts")], {
        env: {
          ...process.env,
          SOAK_BASE: server.url,
          SOAK_SLUG: slug,
          SOAK_COUNT: String(count),
          SOAK_UNTIL: String(until),
          SOAK_INTERVAL_MS: String(intervalS * 1000),
          SOAK_PITCHES: JSON.stringify(pitchIds),
          SOAK_TAG: String(p),
        },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      return new Promise<Record<string, number> & { reasons?: Record<string, number> }>((done) => {
        child.on("exit", () => {
          try {
            done(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, number>);
          } catch {
            done({ failed: count });
          }
        });
      });
    });
    while (Date.now() < until) {
      await sleep(Math.min(sampleS * 1000, Math.max(0, until - Date.now())));
      const t = (Date.now() - started) / 1000;
      const mb = rssMb(server.pid);
      samples.push({ t, mb });
      console.log(`  soak: ${Math.round(t)} s, server RSS ${mb.toFixed(1)} MB`);
    }
    const results = await Promise.all(children);
    const total = (key: string) => results.reduce((n, r) => n + (r[key] ?? 0), 0);
    // Memory from once everyone has arrived (arrivals spread over the first minute, soak-client.ts), to the end.
    const settled = samples.filter((s) => s.t >= Math.max(60, intervalS) + intervalS);
    const first = settled[0] ?? samples[0];
    const last = samples.at(-1);
    const perMinute = slope(settled.map((s) => ({ x: s.t / 60, y: s.mb }))) || 0;
    const votes = server.errors.length;
    return {
      name,
      description: `${clients} people in ${processes} processes for ${minutes} min, one action each about every ${intervalS} s; server RSS sampled every ${sampleS} s.`,
      figures: [
        { label: "people joined", value: total("joined"), unit: "" },
        { label: "commands acknowledged", value: total("acked"), unit: "" },
        { label: "commands refused", value: total("refused"), unit: "" },
        { label: "failures (timeouts, errors)", value: total("failed"), unit: "" },
        { label: "pitches made", value: total("pitches"), unit: "" },
        { label: "server RSS at start (idle)", value: samples[0]?.mb ?? Number.NaN, unit: "MB" },
        {
          label: `server RSS once all joined (${Math.round(first?.t ?? 0)} s)`,
          value: first?.mb ?? Number.NaN,
          unit: "MB",
        },
        { label: `server RSS at end (${Math.round(last?.t ?? 0)} s)`, value: last?.mb ?? Number.NaN, unit: "MB" },
        { label: "server RSS peak", value: Math.max(...samples.map((s) => s.mb)), unit: "MB" },
        { label: "RSS slope once all joined", value: perMinute, unit: "MB/min" },
        { label: "server errors logged", value: votes, unit: "" },
      ],
      notes: [
        `join failures by reason: ${JSON.stringify(
          results.reduce<Record<string, number>>((all, r) => {
            for (const [reason, n] of Object.entries(r.reasons ?? {})) all[reason] = (all[reason] ?? 0) + n;
            return all;
          }, {}),
        )}`,
        ...server.errors.slice(0, 5).map((line) => `server error: ${line.slice(0, 400)}`),
        `samples (s: MB): ${samples.map((s) => `${Math.round(s.t)}: ${s.mb.toFixed(0)}`).join(", ")}`,
      ],
    };
  } finally {
    await server.stop();
  }
}
