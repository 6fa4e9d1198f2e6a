import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type DbProbe, openDbProbe } from "../tests/helpers/db";
import { dataAtSize } from "./live/dataAtSize";
import { measureLcp, throttlingText } from "./live/lcp";
import { ClientPool } from "./live/pool";
import { median, rssBytes } from "./live/proc";
import { now } from "./live/protocol";
import { Report, type Row, grouped, table, targetText, verdict } from "./live/report";
import {
  type Block,
  FLOOD,
  acknowledged,
  NOTE_TAKERS,
  WATCHERS,
  profileWindows,
  captureStream,
  connect,
  disconnect,
  fanOut,
  rawInsertRate,
  settle,
  storm,
  voteBurst,
  voteFlood,
  warmVotes,
  watchCaptureSession,
} from "./live/scenarios";
import { seedDatabase } from "./live/seed";
import { type RunningServer, SESSION_SECRET, freePort, startProcess } from "./live/servers";
import type { BenchResult, Figure } from "./run";

/**
 * `npm run bench -- live`: the app live for a full hall (issue 9, section 4).
 *
 * The production build on a temporary SQLite database built through the
 * app's schema (bench/live/seed.ts), and in the same run a bare Socket.IO
 * server (bench/live/bareServer.ts) that sends the same messages to the same
 * clients: the floor. Attendees are socket.io-client connections in child
 * processes (bench/live/clientProcess.ts) that follow the event as the app's
 * pages do (bench/live/liveClient.ts).
 *
 * In order: page weight (bench/page-weight.bench.ts) and the event page's
 * LCP throttled, with nobody connected; then at each size (500, then 2,000
 * attendees) the floor's block and the app's: connect, change fan-out, vote
 * burst, (largest size only) vote flood and capture stream, then a reconnect
 * storm (and at the largest size one with a change missed while the server
 * was down); then raw inserts of the flood's rows, and last the data-at-size
 * requests against /healthz. Every figure is measured three times (the
 * table shows each run and the medians), the storm with a missed change
 * once. The three runs of fan-out, burst, flood and capture always happen
 * (they take seconds) unless the live phase passed 7 minutes; each block
 * gets a share of the time for its storms: the first storm always happens,
 * the others only while the share lasts (the notes say which were left out;
 * a storm costs a restart and up to half a minute of reconnecting), and the
 * run stops by itself before 10 minutes. Memory per
 * client is one RSS sample per block. Results go to
 * bench/results/latest.json (not tracked: it changes on every run and
 * machine; docs/performance.md holds the
 * reference figures).
 *
 * Knobs (environment): BENCH_LIVE_SIZES (default "500,2000"),
 * BENCH_LIVE_REPEATS (3), BENCH_LIVE_STORMS (3), BENCH_LIVE_PROCESSES (2, at
 * most 3), BENCH_LIVE_TRANSPORTS ("polling,websocket": the browser's default,
 * as the app's pages connect), BENCH_LIVE_SKIP (comma list of: weight, lcp,
 * data, live); for development BENCH_LIVE_ONLY (fanout, burst, flood,
 * capture, storm), BENCH_LIVE_SERVERS ("bare" or "app"), and
 * BENCH_LIVE_PROFILE / BENCH_LIVE_SERVER_PROFILE (a directory for V8 CPU
 * profiles of the client processes / the servers).
 */

const root = resolve(import.meta.dirname, "..");
/** The whole benchmark stops by itself before this. */
const HARD_LIMIT_MS = 9.5 * 60_000;
/** Live repeats beyond the first are skipped once this much has passed (the data-at-size phase follows). */
const LIVE_SOFT_LIMIT_MS = 7 * 60_000;
/** Data-at-size repeats beyond the first are skipped once this much has passed. */
const DATA_SOFT_LIMIT_MS = 8.75 * 60_000;

const env = process.env;
const SIZES = (env.BENCH_LIVE_SIZES ?? "500,2000").split(",").map(Number);
const REPEATS = Number(env.BENCH_LIVE_REPEATS ?? 3);
const PROCESSES = Math.min(3, Math.max(1, Number(env.BENCH_LIVE_PROCESSES ?? 2)));
const TRANSPORTS = (env.BENCH_LIVE_TRANSPORTS ?? "polling,websocket").split(",");
const SKIP = new Set((env.BENCH_LIVE_SKIP ?? "").split(",").filter(Boolean));
/** Plain reconnect storms per block; those after the first only while the block's time lasts. */
const STORMS = Number(env.BENCH_LIVE_STORMS ?? REPEATS);
/** Development only: run just these live scenarios (fanout, burst, flood, capture, storm). */
const ONLY = new Set((env.BENCH_LIVE_ONLY ?? "").split(",").filter(Boolean));
const wanted = (scenario: string) => ONLY.size === 0 || ONLY.has(scenario);
/** Development only: BENCH_LIVE_SERVERS=bare (or app) runs one side. */
const SERVERS = (env.BENCH_LIVE_SERVERS ?? "bare,app").split(",") as Array<"bare" | "app">;

/** Lifted for the run: every client shares 127.0.0.1, and the default per-IP limit would refuse a hall's votes. */
const LIMITS_LIFTED = { WRITES_PER_MINUTE_PER_ATTENDEE: "100000000", WRITES_PER_MINUTE_PER_IP: "100000000" };

function fileLimits(): { soft: number; hard: number } {
  const out = execFileSync("sh", ["-c", "ulimit -n; ulimit -Hn"], { encoding: "utf8" }).trim().split("\n");
  const read = (v: string | undefined) => (v === "unlimited" ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: read(out[0]), hard: read(out[1]) };
}

export async function run(): Promise<BenchResult> {
  const started = now();
  const elapsed = () => now() - started;
  const clock = () => `${(elapsed() / 1000).toFixed(0)} s in, load ${loadavg()[0]?.toFixed(1)}`;
  const report = new Report();
  const load = loadavg();
  console.log(
    `\nlive: sizes ${SIZES.join(", ")}, ${REPEATS} runs per figure, ${PROCESSES} client processes, transports ${TRANSPORTS.join("+")}; load average ${load.map((l) => l.toFixed(2)).join(" ")}`,
  );

  const limits = fileLimits();
  const biggest = Math.max(...SIZES);
  const needed = biggest + 512;
  const nofile = Math.min(limits.hard, Math.max(limits.soft, needed));
  const limitLine = `open files (ulimit -n): soft ${limits.soft}, hard ${limits.hard}; servers and client processes start with ulimit -n ${nofile} (the server needs about ${needed} at ${biggest} attendees)`;
  console.log(`  ${limitLine}`);
  if (nofile < needed) throw new Error(`ulimit -n cannot be raised to ${needed} here (hard limit ${limits.hard})`);
  report.notes.push(limitLine);

  const dir = mkdtempSync(join(tmpdir(), "unconf-live-bench-"));
  const dbPath = join(dir, "unconf.sqlite");
  const stateFile = join(dir, "bare-state.json");
  let app: RunningServer | null = null;
  let bare: RunningServer | null = null;
  let pool: ClientPool | null = null;
  let probe: DbProbe | null = null;
  const blocks: Block[] = [];

  const cleanup = async () => {
    await pool?.close().catch(() => {});
    for (const b of blocks) await b.server.stop().catch(() => {});
    await app?.stop().catch(() => {});
    await bare?.stop().catch(() => {});
    probe?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const guard = setTimeout(() => {
    console.error(`\nlive: the ${HARD_LIMIT_MS / 60_000}-minute limit is reached; stopping with what was measured.`);
    finish(report, started, true);
    cleanup().finally(() => process.exit(2));
  }, HARD_LIMIT_MS);

  try {
    const seedStarted = now();
    const { hall, suggest } = await seedDatabase(dbPath, SESSION_SECRET);
    console.log(`  database built in ${((now() - seedStarted) / 1000).toFixed(1)} s (${dbPath})`);
    const appPort = await freePort();
    const barePort = await freePort();
    const appEnv = { DATABASE_URL: dbPath, ...LIMITS_LIFTED };
    const bareEnv = { STATE_FILE: stateFile };
    app = await startProcess("app", appPort, appEnv, nofile);
    bare = await startProcess("bare", barePort, bareEnv, nofile);
    probe = openDbProbe(dbPath);

    // Warm the app (route modules, SQLite caches), then give the floor the same event.
    const someone = hall.attendeeCookies[0] as string;
    for (let i = 0; i < 3; i++) {
      for (const path of [`/e/${hall.slug}/state.json`, `/e/${hall.slug}`, `/e/${hall.slug}/grid`]) {
        await (await fetch(`${app.url}${path}`, { headers: { Cookie: someone } })).arrayBuffer();
      }
    }
    const snapshot = await (
      await fetch(`${app.url}/e/${hall.slug}/state.json`, { headers: { Cookie: someone } })
    ).text();
    const seeded = await fetch(`${bare.url}/bare/seed`, { method: "POST", body: snapshot });
    if (!seeded.ok) throw new Error(`bare seed answered ${seeded.status}`);
    report.add("memory", null, "server RSS idle after start and warm-up", "MB", "app", rssOf(app.pid));
    report.add("memory", null, "server RSS idle after start and warm-up", "MB", "floor", rssOf(bare.pid));

    // --- Nobody connected yet: page weight and the event page's first load ----------------------
    if (!SKIP.has("weight")) {
      console.log(`\n-- page weight (bench/page-weight.bench.ts) [${clock()}]`);
      const weight = (await import("./page-weight.bench")) as { run(): Promise<BenchResult> };
      const result = await weight.run();
      for (const f of result.figures) {
        if (!f.label.endsWith(": gzipped JS") || f.label.startsWith("start page")) continue;
        // The budget (130 KB) is for what phones download; the organiser's desktop grid is shown without one.
        const target = f.label.includes("desktop") ? undefined : { max: 130 };
        report.add("page weight", null, f.label, f.unit, "app", f.value, target);
        console.log(`  ${f.label}: ${f.value.toFixed(1)} ${f.unit}`);
      }
    }
    if (!SKIP.has("lcp")) {
      console.log(`\n-- event page LCP: ${throttlingText()} [${clock()}]`);
      report.notes.push(`LCP settings: ${throttlingText()}; median of ${REPEATS}.`);
      await measureLcp(`${app.url}/e/${hall.slug}`, hall.attendeeCookies[1] as string, report, REPEATS);
    }

    // --- Live: the floor, then the app, at each size -----------------------------------------
    if (!SKIP.has("live")) {
      pool = new ClientPool(PROCESSES, nofile);
      report.notes.push(
        `Load generator: ${PROCESSES} client processes (attendee i in process i mod ${PROCESSES}), socket.io-client with transports ${TRANSPORTS.join(" then ")} (polling over fetch); 2 CPU cores shared by the servers, the clients and anything else running (load average at start ${load.map((l) => l.toFixed(2)).join(" ")}).`,
      );
      const appFlood: number[] = [];
      // Each block gets a share of the live phase's time (a 2,000 block three times a 500 one): the first run of
      // every scenario and one storm always happen; repeats run while the block's share lasts.
      const plan = SIZES.flatMap((n) => SERVERS.map(() => Math.max(1, n / 700)));
      let planLeft = plan.reduce((a, b) => a + b, 0);
      let blockIndex = 0;
      for (const [sizeIndex, n] of SIZES.entries()) {
        const largest = sizeIndex === SIZES.length - 1;
        for (const kind of SERVERS) {
          const server = kind === "app" ? app : bare;
          if (!server) throw new Error("server missing");
          const weight = plan[blockIndex++] ?? 1;
          const deadline = now() + (Math.max(0, LIVE_SOFT_LIMIT_MS - elapsed()) * weight) / planLeft;
          planLeft -= weight;
          const block: Block = {
            kind,
            who: kind === "app" ? "app" : "floor",
            server,
            pool,
            report,
            hall,
            n,
            sizeIndex,
            probe: kind === "app" ? probe : null,
            restart: { port: server.port, env: kind === "app" ? appEnv : bareEnv, nofile, dbPath, stateFile },
            transports: TRANSPORTS,
          };
          blocks.push(block);
          console.log(
            `\n-- ${kind === "app" ? "app" : "floor (bare Socket.IO)"}, ${n} attendees [${clock()}; this block until ${((deadline - started) / 1000).toFixed(0)} s]`,
          );
          // One scenario failing (a timeout on an overloaded machine, say) is noted; the others still run.
          const attempt = async (what: string, step: () => Promise<unknown>) => {
            try {
              await step();
            } catch (error) {
              report.note(
                `${what} at ${n} (${kind}) failed: ${error instanceof Error ? error.message.split("\n")[0] : error}`,
              );
            }
          };
          const skipped: string[] = [];
          const scenarios: Array<{ name: string; first(): Promise<void>; run(r: number): Promise<void> }> = [];
          if (wanted("fanout")) {
            scenarios.push({
              name: "change fan-out",
              first: async () => {
                await fanOut(block, -1);
                await fanOut(block, 0);
              },
              run: (r) => fanOut(block, r),
            });
          }
          if (wanted("burst")) {
            scenarios.push({
              name: "vote burst",
              first: async () => {
                await warmVotes(block);
                await voteBurst(block, 0);
              },
              run: (r) => voteBurst(block, r),
            });
          }
          // Votes stored per second, and the capture stream (200 watchers whatever the hall's size): largest size only.
          if (wanted("flood") && largest) {
            const flood = async (r: number) => {
              const rate = await voteFlood(block, r);
              if (kind === "app") appFlood.push(rate);
            };
            scenarios.push({ name: "vote flood", first: () => flood(0), run: flood });
          }
          if (wanted("capture") && largest) {
            scenarios.push({
              name: "capture stream",
              first: async () => {
                await watchCaptureSession(block);
                await captureStream(block, 0);
              },
              run: (r) => captureStream(block, r),
            });
          }
          await connect(block);
          for (const scenario of scenarios) await attempt(scenario.name, scenario.first);
          for (let r = 1; r < REPEATS; r++) {
            for (const scenario of scenarios) {
              // The repeats of the quick scenarios always run (3 runs of each key figure), unless the live
              // phase as a whole is out of time; the storms get what is left of the block's share.
              if (elapsed() > LIVE_SOFT_LIMIT_MS) {
                skipped.push(`${scenario.name} run ${r + 1}`);
                continue;
              }
              await attempt(scenario.name, () => scenario.run(r));
            }
          }
          if (wanted("capture") && largest) await settle(block, "the capture stream");
          // Storms cost the most wall time (a restart, then up to half a minute of reconnecting): the first always,
          // the others and (largest size) the storm with a change missed while down while the block's time lasts.
          if (wanted("storm")) {
            await attempt("reconnect storm", async () => {
              for (let r = 0; r < STORMS; r++) {
                if (r > 0 && now() > deadline) {
                  skipped.push(`reconnect storm run ${r + 1}`);
                  continue;
                }
                await storm(block, r, false);
              }
              if (largest) {
                if (now() < deadline) await storm(block, 0, true);
                else skipped.push("reconnect storm with a change missed while down");
              }
            });
          }
          if (skipped.length) {
            report.note(`at ${n} (${kind}), left out to stay within the time limit: ${skipped.join(", ")}`);
          }
          await disconnect(block);
          if (kind === "app") app = block.server;
          else bare = block.server;
        }
      }
      const usage = await pool.usage();
      report.add(
        "load generator",
        null,
        "client processes CPU, whole run",
        "s",
        "app",
        usage.reduce((n, u) => n + u.cpuSeconds, 0),
      );
      const badPushes = usage.reduce((n, u) => n + u.badPushes, 0);
      if (badPushes) report.note(`${badPushes} pushes failed the app's zod schema in the clients`);
      await pool.close();
      pool = null;

      // Raw inserts of the same rows, on a copy of the database (the app stopped first, so the copy is whole).
      if (appFlood.length && app) {
        await app.stop();
        const copy = join(dir, "raw-copy.sqlite");
        copyFileSync(dbPath, copy);
        app = await startProcess("app", app.port, appEnv, nofile);
        const n = Math.max(...SIZES);
        for (let r = 0; r < appFlood.length; r++) {
          const raw = rawInsertRate(copy, hall, Math.min(FLOOD, n), 173 + r);
          const s = `vote flood (${Math.min(FLOOD, n)} votes at once)`;
          report.add(s, n, "raw better-sqlite3 inserts of the same rows", "votes/s", "app", raw);
          report.add(s, n, "vote:set stored/s divided by raw inserts/s", "x", "app", (appFlood[r] as number) / raw, {
            min: 0.5,
          });
        }
      }
    }

    // --- Data at size, last: every request at least once, repeats while the clock allows ------
    if (!SKIP.has("data") && app) {
      console.log(`\n-- data at size, each request against GET /healthz in a loop [${clock()}]`);
      await dataAtSize(app.url, hall, suggest, report, REPEATS, () => DATA_SOFT_LIMIT_MS - elapsed());
    }

    // Over the whole run: the database holds at least every vote the app acknowledged (more only where an
    // acknowledgement timed out; the per-run rows above check each acknowledged vote one by one).
    if (probe && acknowledged.app > 0) {
      const stored = probe.count("votes", hall.eventId) - hall.seededVotes;
      report.add(
        "votes, whole run",
        null,
        "stored minus acknowledged (SQLite, read-only)",
        "",
        "app",
        stored - acknowledged.app,
        {
          min: 0,
        },
      );
      console.log(`\n  votes: ${acknowledged.app} acknowledged by the app over the run, ${stored} stored`);
    }
    const serverErrors = [...blocks.map((b) => b.server), app, bare].flatMap((s) => s?.log.errors ?? []);
    if (serverErrors.length) report.note(`server logged errors: ${[...new Set(serverErrors)].slice(0, 3).join(" | ")}`);
  } catch (error) {
    // Whatever was measured still gets printed and written, then the failure goes to bench/run.ts.
    report.note(`stopped by an error: ${error instanceof Error ? error.message.split("\n")[0] : error}`);
    clearTimeout(guard);
    await cleanup();
    finish(report, started, true);
    throw error;
  }
  clearTimeout(guard);
  await cleanup();
  return finish(report, started, false);
}

function rssOf(pid: number): number {
  return (rssBytes(pid) ?? Number.NaN) / 2 ** 20;
}

/** Prints the table, writes bench/results/latest.json, and returns the key figures for bench/run.ts. */
function finish(report: Report, started: number, partial: boolean): BenchResult {
  const seconds = (now() - started) / 1000;
  console.log(`\n== live: figures (${seconds.toFixed(0)} s${partial ? ", stopped early" : ""})\n`);
  console.log(table(report.rows));
  const missed = report.rows.filter((r) => verdict(r) === "MISSED");
  const notRun = report.rows.filter((r) => verdict(r) === "not run").length;
  console.log(
    `\ntargets: ${report.rows.filter((r) => verdict(r) === "met").length} met, ${missed.length} missed${notRun ? `, ${notRun} not run (time limit)` : ""}`,
  );
  for (const row of missed) {
    console.log(
      `  missed: ${row.section}${row.n ? ` at ${row.n}` : ""}: ${row.label} (${targetText(row.target, row.unit)})`,
    );
  }
  for (const note of report.notes) console.log(`  note: ${note}`);

  const results = join(root, "bench/results");
  mkdirSync(results, { recursive: true });
  const json = {
    bench: "live",
    finishedAt: new Date().toISOString(),
    seconds: Math.round(seconds),
    partial,
    settings: { sizes: SIZES, repeats: REPEATS, processes: PROCESSES, transports: TRANSPORTS },
    machine: { cpus: 2, loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))) },
    rows: grouped(report.rows).map((r: Row) => ({
      section: r.section,
      n: r.n,
      label: r.label,
      unit: r.unit,
      app: r.app.map(round),
      floor: r.floor?.map(round),
      appMedian: round(median(r.app)),
      floorMedian: r.floor?.length ? round(median(r.floor)) : undefined,
      target: r.target ? targetText(r.target, r.unit) : undefined,
      verdict: verdict(r) || undefined,
    })),
    notes: report.notes,
  };
  writeFileSync(join(results, "latest.json"), `${JSON.stringify(json, null, 1)}\n`);
  console.log(`\n  written: bench/results/latest.json`);
  const profiles = env.BENCH_LIVE_SERVER_PROFILE;
  if (profiles) {
    for (const kind of ["app", "bare"]) {
      mkdirSync(join(profiles, kind), { recursive: true });
      writeFileSync(join(profiles, kind, "windows.json"), JSON.stringify(profileWindows));
    }
    console.log(
      `  server CPU profiles: ${profiles}/{app,bare}, with windows.json (summary: npx tsx bench/profile-summary.ts ${profiles}/app --only .0.001. --window "app ${Math.max(...SIZES)} vote burst")`,
    );
  }

  const figures: Figure[] = report.rows
    .filter((r) => r.target)
    .map((r) => ({
      label: `${r.section}${r.n ? ` (${r.n})` : ""}: ${r.label} [${verdict(r)}]`,
      value: median(r.app),
      unit: r.unit || "",
    }));
  return {
    name: "live",
    description: `The production build and a bare Socket.IO floor, driven by ${SIZES.join(" and ")} socket.io-client attendees in ${PROCESSES} processes that behave as the app's pages do; the medians of ${REPEATS} runs of each figure that has a target (the full table is above).`,
    figures,
    notes: [
      `${missed.length} target(s) missed; ${NOTE_TAKERS} note-takers and ${WATCHERS} watchers for the capture stream.`,
    ],
  };
}

function round(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null;
}
