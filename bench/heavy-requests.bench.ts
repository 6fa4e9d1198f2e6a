import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Worker } from "node:worker_threads";
import { closeDatabase, openDatabase } from "../db/client";
import { HttpClient } from "../tests/helpers/http";
import { writeLargeEvent } from "../tests/helpers/largeEvent";
import { type BenchResult, type Figure, percentile } from "./run";

/**
 * Requests whose work grows with the event, at issue 9's size (200 pitches,
 * 2,000 attendees x 3 votes, 10 rooms x 8 slots, 60 sessions with 3,000
 * notes of varied Markdown), against the production build: each request alone,
 * three times, while a probe in its own thread asks for /healthz every 10 ms.
 * For each: the median answer time, and the longest /healthz wait while it
 * ran (the stall it caused; an idle server answers in 1-3 ms).
 *
 * `UNCONF_ROOT=/path/to/another/checkout npx tsx bench/heavy-requests.bench.ts`
 * measures another build (e.g. an older commit) with the same event.
 */

const REPEATS = 3;

interface Running {
  url: string;
  stop(): Promise<void>;
}

async function startBuild(root: string, dbPath: string): Promise<Running> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: dbPath,
      SESSION_SECRET: "bench-secret-bench-secret-bench-secret-0",
      DEMO: "off",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.resume();
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error("server did not start in 60 s")), 60_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      const port = /"port":(\d+)/.exec(line)?.[1];
      if (port && line.includes('"listening"')) {
        clearTimeout(timer);
        done(`http://127.0.0.1:${port}`);
      }
    });
    child.once("exit", (code) => fail(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** /healthz back to back, 10 ms apart, from its own thread, once it is running; `stop` returns the latencies in ms. */
async function startProbe(base: string): Promise<{ stop(): Promise<number[]> }> {
  const worker = new Worker(
    `const { parentPort, workerData } = require("node:worker_threads");
     const latencies = []; let running = true;
     parentPort.on("message", () => { running = false; });
     (async () => {
       await (await fetch(workerData.url)).arrayBuffer();
       parentPort.postMessage("ready");
       while (running) {
         const start = performance.now();
         // A server blocked past its keep-alive timeout resets the reused connection: ask again, the wait counts.
         let response;
         for (let tries = 0; !response; tries++) {
           try { response = await fetch(workerData.url); } catch (error) { if (tries >= 3) throw error; }
         }
         await response.arrayBuffer();
         latencies.push(performance.now() - start);
         await new Promise((r) => setTimeout(r, 10));
       }
       parentPort.postMessage(latencies);
     })();`,
    { eval: true, workerData: { url: `${base}/healthz` } },
  );
  await new Promise((ready) => worker.once("message", ready));
  return {
    stop: () =>
      new Promise((done) => {
        worker.once("message", (latencies: number[]) => {
          void worker.terminate();
          done(latencies);
        });
        worker.postMessage("stop");
      }),
  };
}

export async function run(): Promise<BenchResult> {
  const root = resolve(process.env.UNCONF_ROOT ?? resolve(import.meta.dirname, ".."));
  const dir = mkdtempSync(join(tmpdir(), "unconf-bench-heavy-"));
  const dbPath = join(dir, "large.sqlite");
  const db = openDatabase(dbPath);
  const large = writeLargeEvent(db.$client, {}, { slug: "large-camp" });
  closeDatabase(db);
  const server = await startBuild(root, dbPath);
  const figures: Figure[] = [];
  const notes: string[] = [`build measured: ${root}`];
  try {
    const visitor = new HttpClient(server.url);
    const organiser = new HttpClient(server.url);
    await organiser.get(`/e/${large.slug}/admin?key=${large.organiserKey}`);
    const base = `/e/${large.slug}`;
    // Wait for any start-up work (a backfill of stored HTML) to finish: about 15 s at most here.
    const idle = await startProbe(server.url);
    await new Promise((r) => setTimeout(r, 15_000));
    const idleLatencies = await idle.stop();
    notes.push(`idle /healthz during the first 15 s (start-up work): max ${Math.round(Math.max(...idleLatencies))} ms`);

    const requests: Array<[string, () => Promise<Response>]> = [
      ["export.wxr", () => visitor.get(`${base}/export.wxr`)],
      ["export.zip", () => visitor.get(`${base}/export.zip`)],
      ["export.md", () => visitor.get(`${base}/export.md`)],
      ["export.json", () => organiser.get(`${base}/export.json`)],
      ["schedule.xml", () => visitor.get(`${base}/schedule.xml`)],
      ["stories page", () => visitor.get(`${base}/stories`)],
      [`session page (busiest session)`, () => visitor.get(`${base}/s/${large.busiestPitchId}`)],
      ["session export.md", () => visitor.get(`${base}/s/${large.busiestPitchId}/export.md`)],
      ["grid page", () => visitor.get(`${base}/grid`)],
      ["Suggest a grid", () => organiser.post(`${base}/grid`, { intent: "suggest" })],
    ];
    // Warm-up: each once, untimed (first use compiles code in the server and its worker).
    for (const [, request] of requests) await (await request()).arrayBuffer();
    for (const [name, request] of requests) {
      const probe = await startProbe(server.url);
      await new Promise((r) => setTimeout(r, 50));
      const times: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const start = performance.now();
        const response = await request();
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${name} answered ${response.status}`);
        times.push(performance.now() - start);
      }
      const latencies = await probe.stop();
      figures.push({ label: `${name}: answer (median of ${REPEATS})`, value: percentile(times, 50), unit: "ms" });
      figures.push({ label: `${name}: longest /healthz wait`, value: Math.max(...latencies), unit: "ms" });
    }
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    name: "heavy requests at a large event",
    description:
      "Each request alone, 3 times, against the production build holding 200 pitches, 2,000 attendees x 3 votes, 10 rooms x 8 slots and 60 sessions with 3,000 notes; /healthz probed every 10 ms from another thread.",
    figures,
    notes,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await run();
  const width = Math.max(...result.figures.map((f) => f.label.length));
  console.log(`== ${result.name}\n${result.description}`);
  for (const f of result.figures) console.log(`  ${f.label.padEnd(width)}  ${Math.round(f.value)} ${f.unit}`);
  for (const n of result.notes ?? []) console.log(`  note: ${n}`);
}
