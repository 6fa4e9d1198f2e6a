import { readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import type { EventFacts, PitchFact } from "../../app/realtime/facts";
import { newId } from "../../app/services/ids.server";
import type { DbProbe } from "../../tests/helpers/db";
import { HttpClient } from "../../tests/helpers/http";
import type { ClientPool } from "./pool";
import { cpuSeconds, distribution, median, rssBytes } from "./proc";
import {
  type CaptureResult,
  type CaptureSend,
  type ClientSpec,
  type ConnectResult,
  type ExpectResult,
  type Expectation,
  type StormResult,
  type TallyResult,
  type VoteOrder,
  type VoteRecord,
  now,
} from "./protocol";
import type { Report } from "./report";
import type { HallEvent } from "./seed";
import { type RunningServer, startProcess } from "./servers";

/**
 * The live scenarios, run once per (server, attendee count) block against
 * either the app or the bare floor: the same clients, the same changes, the
 * same measurement. Labels are shared so that each app figure sits beside its
 * floor in the table.
 */

export interface Block {
  kind: "app" | "bare";
  who: "app" | "floor";
  server: RunningServer;
  pool: ClientPool;
  report: Report;
  hall: HallEvent;
  n: number;
  /** 0 for the first size, 1 for the second: picks fresh pitches and cells. */
  sizeIndex: number;
  /** Read-only view of the app's database (app only). */
  probe: DbProbe | null;
  /** To restart the server the same way. */
  restart: { port: number; env: Record<string, string>; nofile: number; dbPath?: string; stateFile?: string };
  transports: string[];
}

/**
 * The measured spans, on the monotonic clock V8's CPU profiles stamp their
 * samples with, for BENCH_LIVE_SERVER_PROFILE: live.bench.ts writes them to
 * windows.json beside the profiles, and `bench/profile-summary.ts <dir>
 * --window "app 2000 vote burst"` counts only the samples inside them.
 */
export const profileWindows: Array<{ label: string; start: number; end: number }> = [];
const micros = () => Number(process.hrtime.bigint() / 1000n);

async function measured<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = micros();
  try {
    return await run();
  } finally {
    profileWindows.push({ label, start, end: micros() });
  }
}

const FANOUT_TIMEOUT_MS = 20_000;
const VOTE_TIMEOUT_MS = 30_000;
const STORM_TIMEOUT_MS = 30_000;

/** Pitches reserved for vote bursts: 5 per (size, run), from index 140 (they start with no votes). */
const burstPitches = (hall: HallEvent, sizeIndex: number, run: number) =>
  Array.from({ length: 5 }, (_, j) => hall.pitchIds[140 + (sizeIndex * 3 + run) * 5 + j] as string);

function client(base: string, cookie: string): HttpClient {
  const http = new HttpClient(base);
  const eq = cookie.indexOf("=");
  http.cookies.set(cookie.slice(0, eq), cookie.slice(eq + 1));
  return http;
}

async function loadUsage(b: Block): Promise<number> {
  const usage = await b.pool.usage();
  const self = process.cpuUsage();
  return usage.reduce((n, u) => n + u.cpuSeconds, 0) + (self.user + self.system) / 1e6;
}

function serverCpu(b: Block): number {
  return cpuSeconds(b.server.pid) ?? Number.NaN;
}

function specs(b: Block): ClientSpec[] {
  return b.hall.attendeeCookies.slice(0, b.n).map((cookie, index) => ({ index, cookie }));
}

// --- Connecting, and memory ------------------------------------------------------------------

export async function connect(b: Block): Promise<void> {
  const rssIdle = rssBytes(b.server.pid) ?? Number.NaN;
  const shares = b.pool.share(specs(b));
  const started = now();
  const results = await b.pool.each<ConnectResult>((p) => ({
    cmd: "connect",
    base: b.server.url,
    slug: b.hall.slug,
    clients: shares[p] ?? [],
    transports: b.transports,
    concurrency: 50,
  }));
  const ms = now() - started;
  const connected = results.reduce((n, r) => n + r.connected, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  if (failed) {
    throw new Error(
      `${failed} of ${b.n} clients could not join the ${b.kind} server: ${results.find((r) => r.firstError)?.firstError}`,
    );
  }
  await sleep(2000);
  const rssConnected = rssBytes(b.server.pid) ?? Number.NaN;
  const s = "memory";
  b.report.add(s, b.n, "server RSS before connecting", "MB", b.who, rssIdle / 2 ** 20);
  b.report.add(s, b.n, "server RSS with all connected", "MB", b.who, rssConnected / 2 ** 20);
  b.report.add(s, b.n, "server RSS per connected client", "KB", b.who, (rssConnected - rssIdle) / 1024 / b.n, {
    ratioMax: 1.5,
  });
  b.report.add("connect", b.n, "all clients connected and joined", "s", b.who, ms / 1000);
  console.log(
    `  ${b.kind}: ${connected} clients connected and joined in ${(ms / 1000).toFixed(1)} s; server RSS ${(rssIdle / 2 ** 20).toFixed(0)} -> ${(rssConnected / 2 ** 20).toFixed(0)} MB`,
  );
}

export async function disconnect(b: Block): Promise<void> {
  await b.pool.all({ cmd: "disconnect" });
  await sleep(1000);
}

// --- Change fan-out ----------------------------------------------------------------------------

type ChangeKind = "pitch" | "place" | "setting";

const DESCRIPTION =
  "A fan-out test pitch: *one* paragraph, a [link](https://example.org/fanout), and a short list.\n\n- one\n- two";
const DESCRIPTION_HTML =
  '<p>A fan-out test pitch: <em>one</em> paragraph, a <a href="https://example.org/fanout">link</a>, and a short list.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>';

/**
 * What one change is, and how to send it the way the app's pages do (or, for
 * the floor, the same change pushed by the bare server). Built before sending
 * so the clients know what to look for when the push lands.
 */
function changeOf(b: Block, kind: ChangeKind, k: number): { expectation: Expectation; send(): Promise<void> } {
  const bare = async (body: unknown) => {
    const response = await fetch(`${b.server.url}/bare/change`, { method: "POST", body: JSON.stringify(body) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`bare change answered ${response.status}`);
  };
  const organiser = client(b.server.url, b.hall.organiserCookie);
  if (kind === "pitch") {
    const title = `Fan-out pitch ${b.kind} N${b.n} #${k} ${Math.random().toString(36).slice(2, 8)}`;
    return {
      expectation: { kind: "pitch", title },
      async send() {
        if (b.kind === "bare") {
          const pitch: PitchFact = {
            id: newId(),
            title,
            descriptionHtml: DESCRIPTION_HTML,
            tags: [],
            pitcherName: "Bench pitcher",
            coHostNames: [],
            goingCap: null,
            status: "open",
            mergedIntoId: null,
            createdAt: new Date().toISOString(),
            span: 1,
            needs: [],
            remoteUrl: null,
          };
          return bare({ kind, pitch });
        }
        // The pitch form without JavaScript, as tests/helpers/http.ts posts it.
        const response = await client(b.server.url, b.hall.pitcherCookie).post(`/e/${b.hall.slug}/pitch?index`, {
          title,
          description: DESCRIPTION,
          tags: "",
          clientId: `fanout-${newId()}`,
        });
        await response.arrayBuffer();
        if (response.status !== 302) throw new Error(`pitching answered ${response.status}`);
      },
    };
  }
  if (kind === "place") {
    const cell = b.hall.freeCells[k] as { roomId: string; slotId: string };
    const pitchId = b.hall.pitchIds[60 + k] as string;
    return {
      expectation: { kind: "placement", pitchId, ...cell },
      async send() {
        if (b.kind === "bare") return bare({ kind, pitchId, ...cell });
        // The organiser's grid with JavaScript: a fetcher posting to the route's .data URL.
        const response = await organiser.post(`/e/${b.hall.slug}/grid.data`, { intent: "place", pitchId, ...cell });
        const text = await response.text();
        if (response.status !== 200 || text.includes('"error",')) {
          throw new Error(`place answered ${response.status}: ${text.slice(0, 200)}`);
        }
      },
    };
  }
  const votesPerAttendee = b.hall.votesPerAttendee + 1 + k;
  return {
    expectation: { kind: "setting", votesPerAttendee },
    async send() {
      if (b.kind === "bare") return bare({ kind, votesPerAttendee });
      // The organiser console's voting settings form (blind voting and shuffle stay off).
      const response = await organiser.post(`/e/${b.hall.slug}/admin.data`, {
        intent: "voting-settings",
        votesPerAttendee: String(votesPerAttendee),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`voting-settings answered ${response.status}`);
    },
  };
}

const CHANGE_LABEL: Record<ChangeKind, string> = {
  pitch: "change fan-out: pitch posted",
  place: "change fan-out: session placed",
  setting: "change fan-out: setting changed",
};

/**
 * One pitch, one placement, one setting, each timed from the send to the
 * moment every client holds it. `run` -1 is the block's warm-up round (the
 * same three changes, not recorded): JIT and caches, in the server and in the
 * clients, before anything counts.
 */
export async function fanOut(b: Block, run: number): Promise<void> {
  const warmUp = run < 0;
  // Fresh cells and values per (size, run): 0..5 measured, 6..7 for the two warm-ups.
  const k = warmUp ? 6 + b.sizeIndex : b.sizeIndex * 3 + run;
  for (const kind of ["pitch", "place", "setting"] as const) {
    const key = `${kind}-${k}-${b.n}`;
    const change = changeOf(b, kind, k);
    await b.pool.all({ cmd: "expect", key, expectation: change.expectation });
    const snapshotsBefore = b.server.log.snapshotRequests;
    const cpuBefore = serverCpu(b);
    const loadBefore = await loadUsage(b);
    const sent = now();
    let httpMs = 0;
    const results = await measured(`${b.kind} ${b.n} change fan-out ${kind}${warmUp ? " warm-up" : ""}`, async () => {
      await change.send();
      httpMs = now() - sent;
      return b.pool.all<ExpectResult>({ cmd: "awaitExpect", key, timeoutMs: FANOUT_TIMEOUT_MS });
    });
    const done = now();
    await sleep(300);
    const cpu = serverCpu(b) - cpuBefore;
    const load = (await loadUsage(b)) - loadBefore;
    const times = results.flatMap((r) => r.times);
    const missing = times.filter((t) => t === null).length;
    const latencies = times.filter((t): t is number => t !== null).map((t) => t - sent);
    const d = distribution(latencies);
    const s = CHANGE_LABEL[kind];
    if (warmUp) {
      console.log(`  ${b.kind} N=${b.n} warm-up ${kind}: max ${d.max.toFixed(0)} ms, ${missing} missing`);
      await sleep(200);
      continue;
    }
    const target = { max: 500, ratioMax: 2 };
    b.report.add(s, b.n, "send to client holding it, p50", "ms", b.who, d.p50);
    b.report.add(s, b.n, "send to client holding it, p95", "ms", b.who, d.p95);
    b.report.add(s, b.n, "send to client holding it, p99", "ms", b.who, d.p99, target);
    b.report.add(s, b.n, "send to last client holding it (max)", "ms", b.who, missing ? Number.NaN : d.max);
    b.report.add(s, b.n, "clients that never held it", "", b.who, missing, { equals: 0 });
    b.report.add(s, b.n, "HTTP answer to the sender", "ms", b.who, httpMs);
    if (b.kind === "app") {
      b.report.add(
        s,
        b.n,
        "state.json requests (server log)",
        "",
        b.who,
        b.server.log.snapshotRequests - snapshotsBefore,
      );
    }
    b.report.add(s, b.n, "server CPU for the change", "ms", b.who, cpu * 1000);
    b.report.add(s, b.n, "load generator CPU", "ms", b.who, load * 1000);
    console.log(
      `  ${b.kind} N=${b.n} run ${run + 1} ${kind}: p50 ${d.p50.toFixed(0)} p99 ${d.p99.toFixed(0)} max ${d.max.toFixed(0)} ms, ${missing} missing, HTTP ${httpMs.toFixed(0)} ms, server CPU ${(cpu * 1000).toFixed(0)} ms, wall ${(done - sent).toFixed(0)} ms`,
    );
    await sleep(200);
  }
}

// --- Vote burst ----------------------------------------------------------------------------------

function storedVotes(b: Block): number | null {
  return b.probe?.get<{ n: number }>("select count(*) as n from votes where event_id = ?", b.hall.eventId)?.n ?? null;
}

/**
 * Lets the server finish what it still has queued (the app: until its stored
 * vote count stops moving) and every client get back to joined with its state
 * current, so one scenario's backlog is not the next one's measurement.
 */
export async function settle(b: Block, what: string): Promise<void> {
  const until = now() + 30_000;
  if (b.probe) {
    let last = storedVotes(b);
    for (;;) {
      await sleep(500);
      const current = storedVotes(b);
      if (current === last || now() > until) break;
      last = current;
    }
  }
  const notReady = (await b.pool.all<number>({ cmd: "settle", timeoutMs: Math.max(1000, until - now()) })).reduce(
    (n, x) => n + x,
    0,
  );
  if (notReady) b.report.note(`after ${what} at ${b.n} (${b.kind}): ${notReady} clients not joined again within 30 s`);
}

interface Storage {
  /** Acknowledged votes that are not in the database: lost. */
  missing: number;
  /** Votes in the database whose acknowledgement never came (timed out): stored, not lost. */
  unacknowledged: number;
}

/** Every acknowledged vote of the run, looked up in the database (read-only), once the server settled. */
function checkStorage(b: Block, records: VoteRecord[]): Storage | null {
  if (!b.probe) return null;
  const pitchIds = [...new Set(records.map((r) => r.pitchId))];
  const rows = b.probe.all<{ p: string; a: string }>(
    `select pitch_id as p, attendee_id as a from votes where event_id = ? and pitch_id in (${pitchIds.map(() => "?").join(",")})`,
    b.hall.eventId,
    ...pitchIds,
  );
  const stored = new Set(rows.map((r) => `${r.p}|${r.a}`));
  const key = (r: VoteRecord) => `${r.pitchId}|${b.hall.attendeeIds[r.index]}`;
  const acked = new Set(records.filter((r) => r.ok).map(key));
  let missing = 0;
  for (const k of acked) if (!stored.has(k)) missing++;
  let unacknowledged = 0;
  for (const k of stored) if (!acked.has(k)) unacknowledged++;
  return { missing, unacknowledged };
}

interface VoteRun {
  records: VoteRecord[];
  tallies: TallyResult[];
  firstSent: number;
  lastAck: number;
  cpu: number;
  load: number;
  storage: Storage | null;
}

/** Votes the app acknowledged over the whole run (warm-ups included), to check against the database at the end. */
export const acknowledged = { app: 0 };

async function castVotes(b: Block, orders: VoteOrder[], pitchIds: string[], label: string): Promise<VoteRun> {
  await b.pool.all({ cmd: "trackTallies", pitchIds });
  const cpuBefore = serverCpu(b);
  const loadBefore = await loadUsage(b);
  const shares: VoteOrder[][] = Array.from({ length: b.pool.size }, () => []);
  for (const order of orders) shares[b.pool.processOf(order.index)]?.push(order);
  const { records, tallies } = await measured(`${b.kind} ${b.n} ${label}`, async () => {
    const records = (
      await b.pool.each<VoteRecord[]>((p) => ({ cmd: "vote", orders: shares[p] ?? [], timeoutMs: VOTE_TIMEOUT_MS }))
    ).flat();
    // Wait until every client holds the final count of every pitch (or the timeout).
    const finals: Record<string, number> = {};
    for (const r of records)
      if (r.ok && r.votes !== null) finals[r.pitchId] = Math.max(finals[r.pitchId] ?? 0, r.votes);
    const tallies = await b.pool.all<TallyResult>({ cmd: "collectTallies", finals, timeoutMs: VOTE_TIMEOUT_MS });
    return { records, tallies };
  });
  const cpu = serverCpu(b) - cpuBefore;
  const load = (await loadUsage(b)) - loadBefore;
  await settle(b, "votes");
  if (b.kind === "app") acknowledged.app += records.filter((r) => r.ok).length;
  return {
    records,
    tallies,
    firstSent: Math.min(...records.map((r) => r.sentAt)),
    lastAck: Math.max(...records.map((r) => r.ackAt ?? 0)),
    cpu,
    load,
    storage: checkStorage(b, records),
  };
}

/** For each vote: when the last client (of all processes) first held a tally that includes it. */
function lastClientTimes(run: VoteRun): Array<number | null> {
  return run.records.map((r) => {
    if (!r.ok || r.votes === null) return null;
    let last = 0;
    for (const t of run.tallies) {
      const seen = t.lastSeen[r.pitchId]?.[r.votes];
      if (seen === undefined) return null;
      last = Math.max(last, seen);
    }
    return last;
  });
}

/** Unrecorded: up to 100 attendees vote within 200 ms, so the first burst does not pay for JIT and caches. */
export async function warmVotes(b: Block): Promise<void> {
  const pitchId = b.hall.pitchIds[176 + b.sizeIndex] as string;
  const count = Math.min(100, b.n);
  const start = now() + 200;
  const orders = Array.from({ length: count }, (_, i) => ({ index: i, pitchId, at: start + (i / count) * 200 }));
  const result = await castVotes(b, orders, [pitchId], "vote warm-up");
  const errors = result.records.filter((r) => !r.ok);
  if (errors.length) throw new Error(`warm-up votes refused: ${errors[0]?.error}`);
  await sleep(300);
}

export async function voteBurst(b: Block, run: number): Promise<void> {
  const pitchIds = burstPitches(b.hall, b.sizeIndex, run);
  const start = now() + 500;
  // Every attendee votes once, spread evenly over one second.
  const orders: VoteOrder[] = Array.from({ length: b.n }, (_, i) => ({
    index: i,
    pitchId: pitchIds[i % pitchIds.length] as string,
    at: start + (i / b.n) * 1000,
  }));
  const result = await castVotes(b, orders, pitchIds, "vote burst");
  const seen = lastClientTimes(result);
  const latencies: number[] = [];
  let unseen = 0;
  result.records.forEach((r, i) => {
    const t = seen[i];
    if (r.ok && t !== null && t !== undefined) latencies.push(t - r.sentAt);
    else if (r.ok) unseen++;
  });
  const acked = result.records.filter((r) => r.ok).length;
  const errors = result.records.filter((r) => !r.ok);
  const acks = result.records.filter((r) => r.ackAt !== null).map((r) => (r.ackAt as number) - r.sentAt);
  const d = distribution(latencies);
  const a = distribution(acks);
  const messages = result.tallies.flatMap((t) => t.messages);
  const s = "vote burst (all vote within 1 s)";
  b.report.add(s, b.n, "send to last client seeing it, p50", "ms", b.who, d.p50);
  b.report.add(s, b.n, "send to last client seeing it, p95", "ms", b.who, d.p95);
  b.report.add(s, b.n, "send to last client seeing it, p99", "ms", b.who, d.p99, { max: 500, ratioMax: 2 });
  b.report.add(s, b.n, "send to last client seeing it, max", "ms", b.who, unseen ? Number.NaN : d.max);
  b.report.add(s, b.n, "send to ack, p50", "ms", b.who, a.p50);
  b.report.add(s, b.n, "send to ack, p99", "ms", b.who, a.p99);
  b.report.add(s, b.n, "votes acknowledged", "", b.who, acked);
  b.report.add(s, b.n, "votes refused or timed out", "", b.who, errors.length, { equals: 0 });
  b.report.add(s, b.n, "acknowledged votes no client saw", "", b.who, unseen, { equals: 0 });
  if (result.storage) {
    b.report.add(s, b.n, "acknowledged votes not in SQLite", "", b.who, result.storage.missing, { equals: 0 });
    b.report.add(s, b.n, "stored votes whose ack timed out", "", b.who, result.storage.unacknowledged);
  }
  b.report.add(s, b.n, "tally messages per client, median", "", b.who, median(messages));
  b.report.add(s, b.n, "tally messages per client, min", "", b.who, Math.min(...messages));
  b.report.add(s, b.n, "server CPU per 1,000 votes", "s", b.who, (result.cpu * 1000) / Math.max(1, acked));
  b.report.add(s, b.n, "load generator CPU per 1,000 votes", "s", b.who, (result.load * 1000) / Math.max(1, acked));
  console.log(
    `  ${b.kind} N=${b.n} burst ${run + 1}: seen p50 ${d.p50.toFixed(0)} p99 ${d.p99.toFixed(0)} max ${d.max.toFixed(0)} ms; acks p50 ${a.p50.toFixed(0)} p99 ${a.p99.toFixed(0)} ms; ${acked} acked, ${errors.length} errors${errors[0] ? ` (${errors[0].error})` : ""}, ${unseen} unseen${result.storage ? `, ${result.storage.missing} acknowledged but not stored, ${result.storage.unacknowledged} stored without ack` : ""}; server CPU ${result.cpu.toFixed(2)} s`,
  );
}

/**
 * Everyone votes at the same moment (no spreading): how many votes per second
 * the server stores through `vote:set`, to compare with raw inserts.
 */
/** How many attendees vote at the same moment in a flood. */
export const FLOOD = 500;

/**
 * FLOOD attendees vote at the same moment (no spreading): how many votes per
 * second the server stores through `vote:set`, to compare with raw inserts.
 */
export async function voteFlood(b: Block, run: number): Promise<number> {
  const pitchId = b.hall.pitchIds[170 + run] as string;
  const start = now() + 300;
  const count = Math.min(FLOOD, b.n);
  const orders = Array.from({ length: count }, (_, i) => ({ index: i, pitchId, at: start }));
  const result = await castVotes(b, orders, [pitchId], "vote flood");
  const acked = result.records.filter((r) => r.ok).length;
  const rate = acked / ((result.lastAck - result.firstSent) / 1000);
  const s = `vote flood (${count} votes at once)`;
  b.report.add(s, b.n, "votes stored per second through vote:set", "votes/s", b.who, rate);
  if (result.storage) {
    b.report.add(s, b.n, "acknowledged votes not in SQLite", "", b.who, result.storage.missing, { equals: 0 });
    b.report.add(s, b.n, "stored votes whose ack timed out", "", b.who, result.storage.unacknowledged);
  }
  b.report.add(s, b.n, "server CPU per 1,000 votes", "s", b.who, (result.cpu * 1000) / Math.max(1, acked));
  console.log(
    `  ${b.kind} N=${b.n} flood ${run + 1}: ${acked}/${count} acked in ${((result.lastAck - result.firstSent) / 1000).toFixed(2)} s = ${rate.toFixed(0)} votes/s${result.storage ? `, ${result.storage.missing} acknowledged but not stored` : ""}`,
  );
  return rate;
}

/**
 * The same vote rows inserted straight into a database of the same schema
 * with better-sqlite3: one prepared statement, one transaction per vote (as
 * the app commits each vote), WAL and synchronous=NORMAL as db/client.ts sets.
 */
export function rawInsertRate(dbPath: string, hall: HallEvent, count: number, pitchIndex: number): number {
  const sqlite = new Database(dbPath);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("synchronous = NORMAL");
    const insert = sqlite.prepare("insert into votes (event_id, pitch_id, attendee_id) values (?, ?, ?)");
    const one = sqlite.transaction((attendeeId: string) => {
      insert.run(hall.eventId, hall.pitchIds[pitchIndex], attendeeId);
    });
    const started = performance.now();
    for (let i = 0; i < count; i++) one.immediate(hall.attendeeIds[i] as string);
    return count / ((performance.now() - started) / 1000);
  } finally {
    sqlite.close();
  }
}

// --- Capture stream ----------------------------------------------------------------------------

export const WATCHERS = 200;
export const NOTE_TAKERS = 5;
const CAPTURE_RATE = 2;
const CAPTURE_MS = 5000;

/** Watchers at this size: 200, fewer only in a small development run. */
const watchersAt = (n: number) => Math.min(WATCHERS, n - NOTE_TAKERS);

export async function watchCaptureSession(b: Block): Promise<void> {
  const indices = Array.from({ length: watchersAt(b.n) }, (_, i) => i);
  const shares: number[][] = Array.from({ length: b.pool.size }, () => []);
  for (const i of indices) shares[b.pool.processOf(i)]?.push(i);
  await b.pool.each((p) => ({ cmd: "watch", indices: shares[p] ?? [], pitchId: b.hall.captureSessionId }));
  await sleep(500);
}

export async function captureStream(b: Block, run: number): Promise<void> {
  const prefix = `cap${b.kind}${b.n}r${run}${Math.random().toString(36).slice(2, 6)}`;
  await b.pool.all({ cmd: "captureStart", prefix });
  const watchers = watchersAt(b.n);
  const noteTakers = Array.from({ length: NOTE_TAKERS }, (_, i) => watchers + i);
  const shares: number[][] = Array.from({ length: b.pool.size }, () => []);
  for (const i of noteTakers) shares[b.pool.processOf(i)]?.push(i);
  const start = now() + 300;
  const cpuBefore = serverCpu(b);
  const sends = (
    await b.pool.each<CaptureSend[]>((p) => ({
      cmd: "capture",
      noteTakers: shares[p] ?? [],
      pitchId: b.hall.captureSessionId,
      prefix,
      rate: CAPTURE_RATE,
      start,
      durationMs: CAPTURE_MS,
    }))
  ).flat();
  // Wait until every acknowledged item reached every watcher (or 5 s), then count.
  const ids = sends.filter((x) => x.ok).map((x) => x.id);
  const results = await b.pool.all<CaptureResult>({ cmd: "captureCollect", prefix, ids, timeoutMs: 5000 });
  const cpu = serverCpu(b) - cpuBefore;
  const latencies: number[] = [];
  let lost = 0;
  let partial = 0;
  for (const send of sends) {
    if (!send.ok) continue;
    const count = results.reduce((n, r) => n + (r.arrivals[send.id]?.count ?? 0), 0);
    const last = Math.max(...results.map((r) => r.arrivals[send.id]?.last ?? 0));
    if (count >= watchers) latencies.push(last - send.sentAt);
    else partial++;
    lost += watchers - Math.min(watchers, count);
  }
  const acked = sends.filter((s) => s.ok).length;
  const d = distribution(latencies);
  const s = `capture stream (${NOTE_TAKERS} x ${CAPTURE_RATE}/s, ${watchers} watching)`;
  b.report.add(s, b.n, "send to last watcher, p50", "ms", b.who, d.p50);
  b.report.add(s, b.n, "send to last watcher, p99", "ms", b.who, d.p99, { ratioMax: 2 });
  b.report.add(s, b.n, "send to last watcher, max", "ms", b.who, d.max);
  b.report.add(s, b.n, "items acknowledged", "", b.who, acked);
  b.report.add(s, b.n, "deliveries lost (item x watcher)", "", b.who, lost, { equals: 0 });
  b.report.add(s, b.n, "server CPU per item", "ms", b.who, (cpu * 1000) / Math.max(1, acked));
  console.log(
    `  ${b.kind} N=${b.n} capture ${run + 1}: ${acked}/${sends.length} acked, p50 ${d.p50.toFixed(0)} p99 ${d.p99.toFixed(0)} ms, ${lost} deliveries lost (${partial} items not at every watcher)`,
  );
}

// --- Reconnect storm ---------------------------------------------------------------------------

async function currentVersion(b: Block): Promise<number> {
  if (b.probe) {
    return b.probe.get<{ v: number }>("select version as v from events where id = ?", b.hall.eventId)?.v ?? 0;
  }
  const response = await fetch(`${b.server.url}/e/${b.hall.slug}/state.json`);
  return ((await response.json()) as { facts: EventFacts }).facts.version;
}

/** While the server is down: one change it will not push (someone edited the database, or a deploy migrated it). */
function changeWhileDown(b: Block): void {
  if (b.kind === "app") {
    const sqlite = new Database(b.restart.dbPath as string);
    try {
      sqlite
        .prepare("update pitches set title = title || ' (edited)' where id = ?")
        .run(b.hall.pitchIds[199] as string);
      sqlite.prepare("update events set version = version + 1 where id = ?").run(b.hall.eventId);
    } finally {
      sqlite.close();
    }
  } else {
    const file = b.restart.stateFile as string;
    const state = JSON.parse(readFileSync(file, "utf8")) as { facts: EventFacts };
    const pitch = state.facts.pitches.find((p) => p.id === b.hall.pitchIds[199]);
    if (pitch) pitch.title += " (edited)";
    state.facts.version += 1;
    writeFileSync(file, JSON.stringify(state));
  }
}

export async function storm(b: Block, run: number, withChange: boolean): Promise<void> {
  await b.pool.all({ cmd: "markStorm" });
  const loadBefore = await loadUsage(b);
  const killed = now();
  const old = b.server;
  await old.stop();
  if (withChange) changeWhileDown(b);
  b.server = await startProcess(b.kind, b.restart.port, b.restart.env, b.restart.nofile);
  const listening = b.server.listeningAt;
  const cpuAtListen = serverCpu(b);
  const version = await currentVersion(b);
  const results = await b.pool.all<StormResult>({ cmd: "awaitStorm", timeoutMs: STORM_TIMEOUT_MS, version });
  const cpu = serverCpu(b) - cpuAtListen;
  const load = (await loadUsage(b)) - loadBefore;
  const ready = results.flatMap((r) => r.readyAt);
  const missing = ready.filter((t) => t === null).length;
  const fromListen = ready.filter((t): t is number => t !== null).map((t) => t - listening);
  const d = distribution(fromListen);
  const sum = (f: (r: StormResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const s = withChange ? "reconnect storm, one change missed while down" : "reconnect storm (restart)";
  b.report.add(s, b.n, "server down (SIGTERM to listening)", "s", b.who, (listening - killed) / 1000);
  b.report.add(s, b.n, "of which SIGTERM to exit", "s", b.who, (old.exitedAt - killed) / 1000);
  b.report.add(s, b.n, "of which new process to listening", "s", b.who, (listening - b.server.spawnedAt) / 1000);
  b.report.add(s, b.n, "listening to client joined+current, p50", "s", b.who, d.p50 / 1000);
  b.report.add(s, b.n, "listening to client joined+current, p99", "s", b.who, d.p99 / 1000);
  b.report.add(s, b.n, "listening to every client joined+current", "s", b.who, missing ? Number.NaN : d.max / 1000, {
    max: 10,
  });
  b.report.add(
    s,
    b.n,
    "SIGTERM to every client joined+current",
    "s",
    b.who,
    missing ? Number.NaN : (d.max + listening - killed) / 1000,
  );
  b.report.add(s, b.n, "clients not back in time", "", b.who, missing, { equals: 0 });
  b.report.add(
    s,
    b.n,
    "state.json requests (clients)",
    "",
    b.who,
    sum((r) => r.snapshotRequests),
  );
  if (b.kind === "app") {
    b.report.add(s, b.n, "HTTP requests logged by the server", "", b.who, b.server.log.requests);
    // The server logs `snapshotBuilds` with each build (app/services/facts.server.ts); no line since the restart: none.
    b.report.add(s, b.n, "snapshot builds (server log)", "", b.who, b.server.log.snapshotBuilds ?? 0, { max: 5 });
  }
  b.report.add(
    s,
    b.n,
    "Socket.IO HTTP requests (clients)",
    "",
    b.who,
    sum((r) => r.socketRequests),
  );
  b.report.add(
    s,
    b.n,
    "event:join acks",
    "",
    b.who,
    sum((r) => r.joins),
  );
  b.report.add(s, b.n, "server CPU after listening", "s", b.who, cpu);
  b.report.add(s, b.n, "load generator CPU", "s", b.who, load);
  console.log(
    `  ${b.kind} N=${b.n} storm ${run + 1}${withChange ? " (change missed)" : ""}: down ${((listening - killed) / 1000).toFixed(1)} s (exit ${((old.exitedAt - killed) / 1000).toFixed(1)} s, start ${((listening - b.server.spawnedAt) / 1000).toFixed(1)} s), all back ${(d.max / 1000).toFixed(1)} s after listening (${missing} missing); ${sum((r) => r.joins)} joins, ${sum((r) => r.snapshotRequests)} state.json, ${sum((r) => r.socketRequests)} socket HTTP requests, ${sum((r) => r.attempts)} reconnect attempts, ${sum((r) => r.joinFailures)} failed joins, ${sum((r) => r.connected)} connected (${sum((r) => r.connectedNotReady)} not current), ${b.kind === "app" ? `${b.server.log.requests} logged requests, ${b.server.log.snapshotBuilds ?? 0} snapshot builds, ` : ""}server CPU ${cpu.toFixed(2)} s`,
  );
}
