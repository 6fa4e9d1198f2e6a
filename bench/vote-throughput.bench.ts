import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import type { Ack, VoteResult } from "../app/realtime/contract";
import { closeDatabase, openDatabase } from "../db/client";
import { type HttpClient, createEvent, joinAs } from "../tests/helpers/http";
import { startServer } from "../tests/helpers/server";
import { type TestSocket, connectSocket } from "../tests/helpers/socket";
import { type BenchResult, type Figure, percentile, processCpuSeconds } from "./run";

/**
 * Votes stored per second through "vote:set", against raw better-sqlite3
 * inserts of the same rows in the same run (issue 9: at least 0.5x).
 *
 * The socket side: the production server (child process, temporary
 * database, loopback, write limiter lifted), ATTENDEES attendees joined over
 * HTTP, each with its own socket joined to the event; in each round every
 * attendee sends VOTES_PER_ROUND votes at once (2,000 commands in flight),
 * and the rate is acknowledged votes over first send to last ack. Every
 * acknowledged vote must be stored (checked in the database).
 *
 * The raw side: a second database made by the same migrations and pragmas
 * (WAL, synchronous=NORMAL, foreign keys on) holding copies of the event,
 * pitches and attendees; the rows the server stored in the round are
 * inserted again, in the order the server stored them, each in its own
 * IMMEDIATE transaction with one prepared statement: the least an
 * acknowledged vote can cost in this database.
 *
 * Three rounds, each on its own pitches (the budget allows them all), after
 * one unmeasured warm-up round.
 *
 * Profiling: `BENCH_CPU_PROF_DIR=/tmp/prof npm run bench -- vote-throughput`
 * starts the server with `node --cpu-prof` writing there, and writes
 * `windows.json` beside it: the measured rounds on the monotonic clock the
 * profile uses, so `tsx bench/profile-summary.ts /tmp/prof` can leave the
 * setup out.
 */

const ATTENDEES = 400;
const VOTES_PER_ROUND = 5;
const ROUNDS = 3;
/** Warm-up round first (one pitch), then ROUNDS rounds of VOTES_PER_ROUND pitches each. */
const PITCHES = 1 + ROUNDS * VOTES_PER_ROUND;
const BATCH = 25;
const ACK_TIMEOUT_MS = 60_000;

type VoteAck = Ack<VoteResult>;

interface Round {
  votes: number;
  socketRate: number;
  rawRate: number;
  ackP50: number;
  ackP99: number;
  /** "votes:tallies" messages one attendee's socket received during the round, and the round's length. */
  tallyMessages: number;
  ms: number;
  serverCpuPerVote: number | null;
  /** Milliseconds of CPU per raw insert (this process). */
  rawCpuPerRow: number;
}

/** Monotonic microseconds: the clock V8's CPU profiles stamp their samples with. */
function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

async function inBatches<T>(items: readonly T[], run: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) {
    await Promise.all(items.slice(i, i + BATCH).map((item, j) => run(item, i + j)));
  }
}

/** Every socket sends one vote per pitch, all at once; resolves when every ack is in. */
async function burst(sockets: readonly TestSocket[], pitchIds: readonly string[]) {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    sockets.flatMap((socket) =>
      pitchIds.map(async (pitchId) => {
        const sent = performance.now();
        const ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("vote:set", { pitchId, vote: true })) as VoteAck;
        if (!ack.ok) throw new Error(`vote:set refused: ${ack.error}`);
        latencies.push(performance.now() - sent);
      }),
    ),
  );
  return { ms: performance.now() - started, latencies };
}

export async function run(): Promise<BenchResult> {
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const server = await startServer(
    { WRITES_PER_MINUTE_PER_ATTENDEE: "100000000", WRITES_PER_MINUTE_PER_IP: "100000000" },
    profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  );
  const rawDir = mkdtempSync(join(tmpdir(), "unconf-raw-"));
  const sockets: TestSocket[] = [];
  const serverDb = new Database(server.dbPath, { readonly: true, fileMustExist: true });
  const raw = openDatabase(join(rawDir, "raw.sqlite"));
  try {
    const { organiser, slug } = await createEvent(server.url, { name: "Vote Throughput Camp" });
    const settings = await organiser.post(`/e/${slug}/admin`, {
      intent: "voting-settings",
      votesPerAttendee: String(PITCHES),
    });
    if (settings.status !== 200) throw new Error(`voting-settings answered ${settings.status}`);
    const opened = await organiser.post(`/e/${slug}/admin`, { intent: "open-voting" });
    if (opened.status !== 200) throw new Error(`open-voting answered ${opened.status}`);
    const pitcher = await joinAs(server.url, slug, "Pitcher");
    const pitchIds: string[] = [];
    for (let i = 0; i < PITCHES; i++) {
      const response = await pitcher.post(`/e/${slug}/pitch?index`, {
        title: `Throughput pitch ${i + 1}`,
        description: "",
        tags: "",
        clientId: `throughput-${i}`,
      });
      const id = response.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1];
      if (response.status !== 302 || !id) throw new Error(`pitching answered ${response.status}`);
      pitchIds.push(id);
    }

    const connectStarted = performance.now();
    const voters: HttpClient[] = new Array(ATTENDEES);
    await inBatches(Array.from({ length: ATTENDEES }), async (_, i) => {
      voters[i] = await joinAs(server.url, slug, `Voter ${i + 1}`);
    });
    await inBatches(voters, async (client) => {
      const socket = await connectSocket(server.url, client);
      sockets.push(socket);
      const joined = await socket.timeout(10_000).emitWithAck("event:join", { slug });
      if (!joined.ok) throw new Error(`event:join refused: ${joined.error}`);
    });
    const connectMs = performance.now() - connectStarted;

    // The raw database holds the same event, pitches and attendees, so foreign keys are checked alike.
    raw.$client.exec(`attach database '${server.dbPath.replaceAll("'", "''")}' as src`);
    for (const table of ["events", "attendees", "pitches"]) {
      raw.$client.exec(`insert into main.${table} select * from src.${table}`);
    }
    raw.$client.exec("detach database src");
    const insert = raw.$client.prepare("insert into votes (event_id, pitch_id, attendee_id) values (?, ?, ?)");
    const insertOne = raw.$client.transaction((row: VoteRow) =>
      insert.run(row.event_id, row.pitch_id, row.attendee_id),
    );
    const storedFor = serverDb.prepare<[string], VoteRow>(
      "select event_id, pitch_id, attendee_id from votes where pitch_id = ? order by rowid",
    );

    // Warm-up: JIT, SQLite's page cache, the socket buffers; not measured.
    await burst(sockets, [pitchIds[0] as string]);
    await sleep(300);

    const rounds: Round[] = [];
    const windows: Array<{ start: number; end: number }> = [];
    for (let r = 0; r < ROUNDS; r++) {
      const roundPitches = pitchIds.slice(1 + r * VOTES_PER_ROUND, 1 + (r + 1) * VOTES_PER_ROUND);
      const cpuBefore = processCpuSeconds(server.pid);
      // One attendee's phone: how often tallies reach it while the round runs (one message per 50 ms tick is the design).
      let tallyMessages = 0;
      const countTally = () => tallyMessages++;
      sockets[0]?.on("votes:tallies", countTally);
      const windowStart = monotonicMicros();
      const { ms, latencies } = await burst(sockets, roundPitches);
      windows.push({ start: windowStart, end: monotonicMicros() });
      sockets[0]?.off("votes:tallies", countTally);
      const cpuAfter = processCpuSeconds(server.pid);

      const stored = roundPitches.flatMap((id) => storedFor.all(id));
      if (stored.length !== latencies.length) {
        throw new Error(`round ${r + 1}: ${latencies.length} votes acknowledged but ${stored.length} stored`);
      }
      const rawStarted = performance.now();
      const rawCpuBefore = process.cpuUsage();
      for (const row of stored) insertOne.immediate(row);
      const rawCpu = process.cpuUsage(rawCpuBefore);
      const rawMs = performance.now() - rawStarted;

      rounds.push({
        votes: latencies.length,
        socketRate: latencies.length / (ms / 1000),
        rawRate: stored.length / (rawMs / 1000),
        ackP50: percentile(latencies, 50),
        ackP99: percentile(latencies, 99),
        tallyMessages,
        ms,
        serverCpuPerVote:
          cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) * 1000) / latencies.length : null,
        rawCpuPerRow: (rawCpu.user + rawCpu.system) / 1000 / stored.length,
      });
      await sleep(300);
    }
    if (profileDir) writeFileSync(join(profileDir, "windows.json"), JSON.stringify(windows));

    const figures: Figure[] = [];
    rounds.forEach((round, i) => {
      const n = i + 1;
      figures.push(
        { label: `round ${n}: votes stored via vote:set`, value: round.socketRate, unit: "votes/s" },
        { label: `round ${n}: raw inserts of the same rows`, value: round.rawRate, unit: "rows/s" },
        { label: `round ${n}: vote:set / raw`, value: round.socketRate / round.rawRate, unit: "x" },
        { label: `round ${n}: send to ack, p50`, value: round.ackP50, unit: "ms" },
        { label: `round ${n}: send to ack, p99`, value: round.ackP99, unit: "ms" },
        {
          label: `round ${n}: tally messages to one attendee (in ${Math.round(round.ms)} ms)`,
          value: round.tallyMessages,
          unit: "",
        },
      );
      figures.push({ label: `round ${n}: raw insert CPU per row`, value: round.rawCpuPerRow * 1000, unit: "µs" });
      if (round.serverCpuPerVote !== null) {
        figures.push(
          { label: `round ${n}: server CPU per vote`, value: round.serverCpuPerVote * 1000, unit: "µs" },
          // Less sensitive to other load on the machine than the ratio of rates.
          {
            label: `round ${n}: raw CPU per row / server CPU per vote`,
            value: round.rawCpuPerRow / round.serverCpuPerVote,
            unit: "x",
          },
        );
      }
    });
    const ratios = rounds.map((r) => r.socketRate / r.rawRate);
    figures.push({ label: "vote:set / raw, median of rounds", value: percentile(ratios, 50), unit: "x" });
    const cpuRatios = rounds.flatMap((r) => (r.serverCpuPerVote ? [r.rawCpuPerRow / r.serverCpuPerVote] : []));
    if (cpuRatios.length) {
      figures.push({ label: "raw CPU / server CPU, median of rounds", value: percentile(cpuRatios, 50), unit: "x" });
    }

    return {
      name: "vote throughput",
      description: `${ATTENDEES} attendees, one socket each, send ${VOTES_PER_ROUND} "vote:set" each at once (${ATTENDEES * VOTES_PER_ROUND} votes a round, ${ROUNDS} rounds after a warm-up); votes acknowledged per second, first send to last ack, against inserting the same rows with raw better-sqlite3 (one IMMEDIATE transaction and one prepared statement per row, same pragmas) in the same run.`,
      figures,
      notes: [
        `Every acknowledged vote was found stored (${rounds.reduce((n, r) => n + r.votes, 0)} in the measured rounds).`,
        `${ATTENDEES} attendees joined over HTTP and their sockets joined the event in ${(connectMs / 1000).toFixed(1)} s.`,
        "The attendees' sockets run in the bench process and share the machine's two cores with the server; the server CPU per vote moves less with other load than the rates.",
        "Loopback, production build, pino logging at info to a pipe (one line per socket command), write limiter lifted.",
        ...(profileDir ? [`CPU profile of the server written to ${profileDir} (windows.json marks the rounds).`] : []),
      ],
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    serverDb.close();
    closeDatabase(raw);
    rmSync(rawDir, { recursive: true, force: true });
    await server.stop();
  }
}

interface VoteRow {
  event_id: string;
  pitch_id: string;
  attendee_id: string;
}
