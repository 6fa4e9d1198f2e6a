import { readFileSync, readdirSync } from "node:fs";
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Ack, ItemView } from "../app/realtime/contract";
import { type HttpClient, createEvent, joinAs } from "../tests/helpers/http";
import { startServer } from "../tests/helpers/server";
import { type TestSocket, connectSocket } from "../tests/helpers/socket";
import { type BenchResult, type Figure, percentile } from "./run";

/**
 * Live capture under load: how many captured items a session takes per
 * second, and how fast each reaches everyone watching it. Against the real
 * production server (child process, temporary database, loopback), 5
 * note-takers (attendees, joined over Socket.IO) send "item:add" as fast as
 * their acks allow, each keeping 4 items in flight, for 5 seconds. Viewer
 * sockets (joined + "session:watch") count every "item:upserted"; an item is
 * delivered when the last viewer has it. Measured twice in one run: with 1
 * viewer (the baseline) and with 200 viewers.
 *
 * The write limiter is lifted for the run (WRITES_PER_MINUTE_* set very high)
 * so that it does not cap the measurement.
 */

const VIEWERS = 200;
const NOTE_TAKERS = 5;
const IN_FLIGHT = 4;
const RUN_MS = 5000;
const WARMUP_MS = 1000;
/** How long to wait, after the last send, for every viewer to receive every acknowledged item. */
const DRAIN_TIMEOUT_MS = 15_000;
const ACK_TIMEOUT_MS = 10_000;
const CONNECT_BATCH = 25;

type AddAck = Ack<{ item: ItemView; duplicate: boolean }>;

interface PhaseResult {
  viewers: number;
  sent: number;
  acked: number;
  delivered: number;
  /** Items per second acknowledged, over the sending window (first send to last ack). */
  ackRate: number;
  /** Items per second that reached every viewer, over first send to last full delivery. */
  deliveredRate: number;
  ackP50: number;
  ackP99: number;
  deliveryP50: number;
  deliveryP99: number;
  deliveryMax: number;
  /** From the last ack to the last full delivery: the backlog left when sending stopped. */
  drainMs: number;
  /** Share of one core the server used during the measurement. */
  serverCpu: number | null;
  /** Server CPU time per acknowledged item. */
  serverCpuPerItem: number | null;
  benchCpu: number;
  benchCpuPerItem: number;
}

/** Clock ticks of CPU (user + system) a process used so far, read from /proc; null where there is none. */
function processTicks(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** The pid of the server child process (startServer does not expose it), found through /proc. */
function serverPid(): number | null {
  try {
    const pids = readdirSync(`/proc/${process.pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${process.pid}/task/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean),
    );
    for (const pid of pids.reverse()) {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("server.ts")) return Number(pid);
    }
  } catch {
    // no /proc: CPU figures are left out
  }
  return null;
}

const TICKS_PER_SECOND = 100;

async function connectMany(base: string, count: number, client?: HttpClient): Promise<TestSocket[]> {
  const sockets: TestSocket[] = [];
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, () => connectSocket(base, client)),
    );
    sockets.push(...batch);
  }
  return sockets;
}

async function joinEvent(socket: TestSocket, slug: string): Promise<void> {
  const ack = await socket.timeout(5000).emitWithAck("event:join", { slug });
  if (!ack.ok) throw new Error(`event:join refused: ${ack.error}`);
}

async function watchSession(socket: TestSocket, slug: string, pitchId: string): Promise<void> {
  await joinEvent(socket, slug);
  const ack = await socket.timeout(5000).emitWithAck("session:watch", { pitchId });
  if (!ack.ok) throw new Error(`session:watch refused: ${ack.error}`);
}

async function inBatches<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONNECT_BATCH) await Promise.all(items.slice(i, i + CONNECT_BATCH).map(run));
}

let runCount = 0;

/**
 * Note-takers send for `durationMs`, each keeping IN_FLIGHT items in flight;
 * returns when every acknowledged item reached every viewer (or the drain times out).
 */
async function measure(
  noteTakers: TestSocket[],
  viewers: TestSocket[],
  pitchId: string,
  durationMs: number,
  pid: number | null,
): Promise<PhaseResult> {
  const prefix = `bench${++runCount}${Math.random().toString(36).slice(2, 8)}`;
  const sentAt = new Map<string, number>();
  const ackedAt = new Map<string, number>();
  const counts = new Map<string, number>();
  const deliveredAt = new Map<string, number>();
  const needed = viewers.length;
  let sendingDone = false;
  let drained: (() => void) | null = null;

  const onUpsert = (update: { pitchId: string; item: ItemView }) => {
    const id = update.item.id;
    if (!id.startsWith(prefix)) return;
    const count = (counts.get(id) ?? 0) + 1;
    counts.set(id, count);
    if (count === needed) {
      deliveredAt.set(id, performance.now());
      if (sendingDone && deliveredAt.size === ackedAt.size) drained?.();
    }
  };
  for (const viewer of viewers) viewer.on("item:upserted", onUpsert);

  const ticksBefore = processTicks(pid);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const until = started + durationMs;
  let seq = 0;

  async function lane(socket: TestSocket, who: number): Promise<void> {
    while (performance.now() < until) {
      const n = ++seq;
      const id = `${prefix}-${who}-${n}`;
      const payload = {
        id,
        pitchId,
        kind: n % 5 === 0 ? "tip" : "note",
        text: `Item ${n} from note-taker ${who + 1}: ship *small* changes, and [read the notes](https://example.org/${n}).`,
      };
      sentAt.set(id, performance.now());
      const ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("item:add", payload)) as AddAck;
      if (!ack.ok) throw new Error(`item:add refused: ${ack.error}`);
      if (ack.duplicate) throw new Error(`item:add stored ${id} twice`);
      ackedAt.set(id, performance.now());
    }
  }

  await Promise.all(noteTakers.flatMap((socket, who) => Array.from({ length: IN_FLIGHT }, () => lane(socket, who))));
  const lastAck = Math.max(...ackedAt.values());
  sendingDone = true;
  if (deliveredAt.size < ackedAt.size) {
    await Promise.race([new Promise<void>((resolve) => (drained = resolve)), sleep(DRAIN_TIMEOUT_MS)]);
  }
  const benchCpuUsed = process.cpuUsage(cpuBefore);
  const ticksAfter = processTicks(pid);
  const finished = performance.now();
  for (const viewer of viewers) viewer.off("item:upserted", onUpsert);

  const wall = (finished - started) / 1000;
  const serverSeconds =
    ticksBefore !== null && ticksAfter !== null ? (ticksAfter - ticksBefore) / TICKS_PER_SECOND : null;
  const benchSeconds = (benchCpuUsed.user + benchCpuUsed.system) / 1e6;
  const lastDelivery = deliveredAt.size ? Math.max(...deliveredAt.values()) : finished;
  const ackLatencies = [...ackedAt].map(([id, at]) => at - (sentAt.get(id) as number));
  const deliveryLatencies = [...deliveredAt].map(([id, at]) => at - (sentAt.get(id) as number));
  return {
    viewers: viewers.length,
    sent: sentAt.size,
    acked: ackedAt.size,
    delivered: deliveredAt.size,
    ackRate: ackedAt.size / ((lastAck - started) / 1000),
    deliveredRate: deliveredAt.size / ((lastDelivery - started) / 1000),
    ackP50: percentile(ackLatencies, 50),
    ackP99: percentile(ackLatencies, 99),
    deliveryP50: percentile(deliveryLatencies, 50),
    deliveryP99: percentile(deliveryLatencies, 99),
    deliveryMax: Math.max(...deliveryLatencies),
    drainMs: Math.max(0, lastDelivery - lastAck),
    serverCpu: serverSeconds === null ? null : serverSeconds / wall,
    serverCpuPerItem: serverSeconds === null ? null : (serverSeconds * 1000) / ackedAt.size,
    benchCpu: benchSeconds / wall,
    benchCpuPerItem: (benchSeconds * 1000) / ackedAt.size,
  };
}

function figuresOf(label: string, r: PhaseResult): Figure[] {
  const figures: Figure[] = [
    { label: `${label}: items acknowledged`, value: r.ackRate, unit: "items/s" },
    { label: `${label}: items delivered to every viewer`, value: r.deliveredRate, unit: "items/s" },
    { label: `${label}: send to last viewer, p50`, value: r.deliveryP50, unit: "ms" },
    { label: `${label}: send to last viewer, p99`, value: r.deliveryP99, unit: "ms" },
    { label: `${label}: send to last viewer, max`, value: r.deliveryMax, unit: "ms" },
    { label: `${label}: send to ack, p50`, value: r.ackP50, unit: "ms" },
    { label: `${label}: send to ack, p99`, value: r.ackP99, unit: "ms" },
    { label: `${label}: backlog after the last ack`, value: r.drainMs, unit: "ms" },
  ];
  if (r.serverCpu !== null && r.serverCpuPerItem !== null) {
    figures.push({ label: `${label}: server CPU`, value: r.serverCpu * 100, unit: "%" });
    // Less sensitive to other load on the machine than the rates: what one item costs the server.
    figures.push({ label: `${label}: server CPU per item`, value: r.serverCpuPerItem, unit: "ms" });
  }
  figures.push({ label: `${label}: bench process CPU`, value: r.benchCpu * 100, unit: "%" });
  figures.push({ label: `${label}: bench process CPU per item`, value: r.benchCpuPerItem, unit: "ms" });
  return figures;
}

export async function run(): Promise<BenchResult> {
  const server = await startServer({
    WRITES_PER_MINUTE_PER_ATTENDEE: "100000000",
    WRITES_PER_MINUTE_PER_IP: "100000000",
  });
  const sockets: TestSocket[] = [];
  try {
    const pid = serverPid();
    const loadBefore = loadavg()[0] ?? 0;
    const { slug } = await createEvent(server.url, { name: "Capture Bench Camp" });
    const pitcher = await joinAs(server.url, slug, "Pitcher");
    const sessionIds: string[] = [];
    for (const title of ["Baseline session", "Crowded session"]) {
      const response = await pitcher.post(`/e/${slug}/pitch?index`, {
        title,
        description: "",
        tags: "",
        clientId: `bench-${title.replaceAll(" ", "-")}`,
      });
      const id = response.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1];
      if (response.status !== 302 || !id) throw new Error(`pitching answered ${response.status}`);
      sessionIds.push(id);
    }
    const [baselineSession, crowdedSession] = sessionIds as [string, string];

    const noteTakers: TestSocket[] = [];
    for (let i = 0; i < NOTE_TAKERS; i++) {
      const socket = await connectSocket(server.url, await joinAs(server.url, slug, `Note-taker ${i + 1}`));
      sockets.push(socket);
      await joinEvent(socket, slug);
      noteTakers.push(socket);
    }

    // Baseline: one viewer. A short unmeasured round first warms up the server (JIT, SQLite caches).
    const [single] = await connectMany(server.url, 1);
    if (!single) throw new Error("no baseline viewer");
    sockets.push(single);
    await watchSession(single, slug, baselineSession);
    await measure(noteTakers, [single], baselineSession, WARMUP_MS, pid);
    await sleep(300);
    const baseline = await measure(noteTakers, [single], baselineSession, RUN_MS, pid);
    single.disconnect();

    // The crowd: 200 viewers (visitors who joined the event) watching one session.
    const connectStarted = performance.now();
    const crowd = await connectMany(server.url, VIEWERS);
    sockets.push(...crowd);
    await inBatches(crowd, (socket) => watchSession(socket, slug, crowdedSession));
    const connectMs = performance.now() - connectStarted;
    await sleep(500); // let the presence announcements of 200 arrivals settle
    const crowded = await measure(noteTakers, crowd, crowdedSession, RUN_MS, pid);

    const complete = (r: PhaseResult) => r.delivered === r.acked;
    const notes = [
      `Baseline: ${baseline.acked} items acknowledged, ${baseline.delivered} delivered; ${VIEWERS} viewers: ${crowded.acked} acknowledged, ${crowded.delivered} delivered to all ${VIEWERS}${complete(crowded) ? "" : ` (the rest did not arrive within ${DRAIN_TIMEOUT_MS / 1000} s of the last ack)`}.`,
      `${NOTE_TAKERS} note-takers x ${IN_FLIGHT} items in flight, ${RUN_MS / 1000} s per measurement; ${VIEWERS} viewer sockets connected, joined and watching in ${(connectMs / 1000).toFixed(1)} s.`,
      "Viewers and note-takers all run in the bench process (socket.io-client, websocket transport), which decodes every push once per viewer: on a 2-core machine it competes with the server for CPU, so the 200-viewer figures are a lower bound for the server alone.",
      "Loopback, production build, pino logging at info to a pipe (one line per socket command), write limiter lifted.",
      `Load average (1 min) when the run started: ${loadBefore.toFixed(2)}; anything else running on the machine lowers the rates (the CPU cost per item moves less).`,
    ];
    return {
      name: "capture throughput",
      description: `${NOTE_TAKERS} note-takers send "item:add" over Socket.IO as fast as acks allow (${IN_FLIGHT} in flight each) for ${RUN_MS / 1000} s; each item counts as delivered when every viewer watching the session has its "item:upserted". Baseline with 1 viewer, then ${VIEWERS} viewers.`,
      figures: [
        ...figuresOf("1 viewer", baseline),
        ...figuresOf(`${VIEWERS} viewers`, crowded),
        {
          label: `acknowledged items/s, ${VIEWERS} viewers / 1 viewer`,
          value: crowded.ackRate / baseline.ackRate,
          unit: "x",
        },
        {
          label: `delivered items/s, ${VIEWERS} viewers / 1 viewer`,
          value: crowded.deliveredRate / baseline.deliveredRate,
          unit: "x",
        },
        {
          label: `p99 send to last viewer, ${VIEWERS} viewers / 1 viewer`,
          value: crowded.deliveryP99 / baseline.deliveryP99,
          unit: "x",
        },
      ],
      notes,
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await server.stop();
  }
}
