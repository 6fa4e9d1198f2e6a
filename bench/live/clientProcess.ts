import { subscribe } from "node:diagnostics_channel";
import { Agent, type ClientRequest } from "node:http";
import type { ItemView } from "../../app/realtime/contract";
import type { LiveEvent } from "../../app/realtime/eventState";
import { LiveClient, fetchSnapshot, forgetChecks } from "./liveClient";
import {
  type CaptureResult,
  type CaptureSend,
  type ConnectResult,
  type Envelope,
  type ExpectResult,
  type Expectation,
  type Reply,
  type StormResult,
  type TallyResult,
  type UsageResult,
  type VoteRecord,
  now,
} from "./protocol";

/**
 * A load-generator process: holds a share of the benchmark's attendees
 * (LiveClient, one socket.io-client connection each) and answers the
 * coordinator's requests over IPC (bench/live/protocol.ts). Started by
 * bench/live.bench.ts with `fork`; never run on its own.
 */

if (!process.send) {
  console.error("bench/live/clientProcess.ts is started by bench/live.bench.ts (it needs an IPC channel).");
  process.exit(1);
}

/** Counts every HTTP request the Socket.IO clients make (polling handshakes, polls, posts, upgrades). */
class CountingAgent extends Agent {
  sent = 0;
  addRequest(req: ClientRequest, options: unknown): void {
    this.sent++;
    (Agent.prototype as unknown as { addRequest(r: ClientRequest, o: unknown): void }).addRequest.call(
      this,
      req,
      options,
    );
  }
}

const agent = new CountingAgent({ keepAlive: true });

/** Polling requests go through fetch (undici), which announces each request on a diagnostics channel. */
let pollingRequests = 0;
subscribe("undici:request:create", (message) => {
  const path = (message as { request?: { path?: string } }).request?.path ?? "";
  if (path.includes("/socket.io/")) pollingRequests++;
});
const socketRequests = () => agent.sent + pollingRequests;
let clients: LiveClient[] = [];
/** Position of each client in `clients`, the index of every per-client array here. */
const slotOf = new Map<LiveClient, number>();
let snapshotRequests = 0;

// --- Expectations: "the client holds this new state" --------------------------------------

const holds: Record<Expectation["kind"], (event: LiveEvent, e: never) => boolean> = {
  pitch: (event, e: { title: string }) => event.facts.pitches.some((p) => p.title === e.title),
  placement: (event, e: { pitchId: string; roomId: string; slotId: string }) =>
    event.facts.placements.some((p) => p.pitchId === e.pitchId && p.roomId === e.roomId && p.slotId === e.slotId),
  setting: (event, e: { votesPerAttendee: number }) => event.facts.settings.votesPerAttendee === e.votesPerAttendee,
};

interface Pending {
  expectation: Expectation;
  times: Array<number | null>;
  left: number;
  done: (() => void) | null;
}
const expectations = new Map<string, Pending>();

function check(client: LiveClient, at: number): void {
  const slot = slotOf.get(client) ?? -1;
  for (const pending of expectations.values()) {
    if (pending.times[slot] !== null) continue;
    if (holds[pending.expectation.kind](client.event, pending.expectation as never)) {
      pending.times[slot] = at;
      pending.left--;
      if (pending.left === 0) pending.done?.();
    }
  }
}

// --- Tallies: per tracked pitch, when the last client first held each count -----------------

let tracked: string[] = [];
let lastCount: Map<number, Map<string, number>> = new Map();
let lastSeen: Record<string, Record<number, number>> = {};
let tallyMessages: number[] = [];

function onTallies(client: LiveClient, at: number): void {
  const slot = slotOf.get(client) ?? -1;
  tallyMessages[slot] = (tallyMessages[slot] ?? 0) + 1;
  trackCounts(client, at);
}

function trackCounts(client: LiveClient, at: number): void {
  if (tracked.length === 0) return;
  const counts = lastCount.get(client.index);
  if (!counts) return;
  for (const pitchId of tracked) {
    const count = client.event.tallies?.[pitchId] ?? 0;
    const before = counts.get(pitchId) ?? 0;
    if (count <= before) continue;
    counts.set(pitchId, count);
    const seen = lastSeen[pitchId] ?? {};
    lastSeen[pitchId] = seen;
    for (let k = before + 1; k <= count; k++) seen[k] = Math.max(seen[k] ?? 0, at);
  }
}

// --- Capture: arrivals of pushed items ---------------------------------------------------------

let capturePrefix = "";
let arrivals: Record<string, { count: number; last: number }> = {};
let watchers = new Set<number>();

function onItem(client: LiveClient, itemId: string, at: number): void {
  if (!capturePrefix || !itemId.startsWith(capturePrefix) || !watchers.has(client.index)) return;
  const entry = arrivals[itemId] ?? { count: 0, last: 0 };
  arrivals[itemId] = entry;
  entry.count++;
  entry.last = Math.max(entry.last, at);
}

// --- Reconnect storm ----------------------------------------------------------------------------

let stormMark: {
  readyAt: Array<number | null>;
  requests: number;
  snapshots: number;
  joins: number;
  attempts: number;
  joinFailures: number;
} | null = null;

const hooks = {
  onCommit(client: LiveClient) {
    const at = now();
    if (expectations.size) check(client, at);
    if (tracked.length) trackCounts(client, at);
  },
  onReady(client: LiveClient) {
    if (!stormMark) return;
    const slot = slotOf.get(client) ?? -1;
    stormMark.readyAt[slot] ??= now();
  },
  onTallies(client: LiveClient) {
    onTallies(client, now());
  },
  onItem(client: LiveClient, _pitchId: string, itemId: string) {
    onItem(client, itemId, now());
  },
  onSnapshotRequest() {
    snapshotRequests++;
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function handle(request: Envelope): Promise<unknown> {
  switch (request.cmd) {
    case "connect": {
      const started = now();
      const first = request.clients[0];
      if (!first) return { connected: 0, failed: 0, ms: 0, version: 0 } satisfies ConnectResult;
      forgetChecks();
      // A page starts from its loader's snapshot; every client here starts from one fetched snapshot.
      const initial = await fetchSnapshot(request.base, request.slug, first.cookie);
      let failed = 0;
      let firstError: string | undefined;
      const made: LiveClient[] = [];
      for (let i = 0; i < request.clients.length; i += request.concurrency) {
        const batch = request.clients.slice(i, i + request.concurrency).map(
          (spec) =>
            new LiveClient({
              base: request.base,
              slug: request.slug,
              cookie: spec.cookie,
              index: spec.index,
              initial,
              agent,
              transports: request.transports,
              hooks,
            }),
        );
        for (const client of batch) slotOf.set(client, made.push(client) - 1);
        clients = made;
        const results = await Promise.allSettled(batch.map((c) => c.start(30_000)));
        for (const r of results) {
          if (r.status === "rejected") {
            failed++;
            firstError ??= String(r.reason);
          }
        }
      }
      clients = made;
      return {
        connected: made.length - failed,
        failed,
        firstError,
        ms: now() - started,
        version: initial.facts.version,
      } satisfies ConnectResult;
    }
    case "expect": {
      expectations.set(request.key, {
        expectation: request.expectation,
        times: clients.map(() => null),
        left: clients.length,
        done: null,
      });
      // Clients that already hold it (a refetch raced ahead) count at once.
      const at = now();
      for (const client of clients) check(client, at);
      return null;
    }
    case "awaitExpect": {
      const pending = expectations.get(request.key);
      if (!pending) throw new Error(`no expectation ${request.key}`);
      if (pending.left > 0) {
        await Promise.race([new Promise<void>((r) => (pending.done = r)), sleep(request.timeoutMs)]);
      }
      expectations.delete(request.key);
      return { times: pending.times } satisfies ExpectResult;
    }
    case "trackTallies": {
      tracked = request.pitchIds;
      lastSeen = {};
      tallyMessages = clients.map(() => 0);
      lastCount = new Map(
        clients.map((c) => [c.index, new Map(tracked.map((p) => [p, c.event.tallies?.[p] ?? 0]))] as const),
      );
      return null;
    }
    case "collectTallies": {
      const until = now() + request.timeoutMs;
      const complete = () =>
        Object.entries(request.finals).every(([pitchId, final]) =>
          clients.every((c) => (c.event.tallies?.[pitchId] ?? 0) >= final),
        );
      while (!complete() && now() < until) await sleep(20);
      const result: TallyResult = { lastSeen, messages: tallyMessages };
      tracked = [];
      lastSeen = {};
      return result;
    }
    case "vote": {
      const byIndex = new Map(clients.map((c) => [c.index, c]));
      const records: VoteRecord[] = [];
      await Promise.all(
        request.orders.map(async (order) => {
          const client = byIndex.get(order.index);
          if (!client) throw new Error(`no client ${order.index} here`);
          await sleep(order.at - now());
          const record: VoteRecord = {
            index: order.index,
            pitchId: order.pitchId,
            sentAt: now(),
            ackAt: null,
            ok: false,
            votes: null,
          };
          records.push(record);
          try {
            const ack = await client.socket
              .timeout(request.timeoutMs)
              .emitWithAck("vote:set", { pitchId: order.pitchId, vote: true });
            record.ackAt = now();
            record.ok = ack.ok;
            if (ack.ok) record.votes = ack.votes;
            else record.error = ack.error;
          } catch (error) {
            record.error = error instanceof Error ? error.message : String(error);
          }
        }),
      );
      return records;
    }
    case "watch": {
      const byIndex = new Map(clients.map((c) => [c.index, c]));
      let viewers = 0;
      for (const index of request.indices) watchers.add(index);
      // A few at a time: each arrival sends every watcher a presence count, so the room's traffic grows as n².
      for (let i = 0; i < request.indices.length; i += 20) {
        await Promise.all(
          request.indices.slice(i, i + 20).map(async (index) => {
            const client = byIndex.get(index);
            if (!client) throw new Error(`no client ${index} here`);
            // As the session page: watch after the event is joined (again after a reconnect's rejoin).
            for (let attempt = 0; ; attempt++) {
              await client.whenReady(30_000);
              const ack = await client.socket
                .timeout(30_000)
                .emitWithAck("session:watch", { pitchId: request.pitchId });
              if (ack.ok) {
                viewers = Math.max(viewers, ack.viewers);
                break;
              }
              if (attempt >= 3) throw new Error(`session:watch refused: ${ack.error}`);
              await sleep(500);
            }
          }),
        );
      }
      return viewers;
    }
    case "captureStart": {
      capturePrefix = request.prefix;
      arrivals = {};
      return null;
    }
    case "capture": {
      const byIndex = new Map(clients.map((c) => [c.index, c]));
      const sends: CaptureSend[] = [];
      const gap = 1000 / request.rate;
      const per = Math.round((request.durationMs / 1000) * request.rate);
      await Promise.all(
        request.noteTakers.map(async (index, lane) => {
          const client = byIndex.get(index);
          if (!client) throw new Error(`no client ${index} here`);
          const acks: Array<Promise<void>> = [];
          // Lanes are spread within the interval so the session gets an even stream.
          const offset = (lane / request.noteTakers.length) * gap;
          for (let n = 0; n < per; n++) {
            await sleep(request.start + offset + n * gap - now());
            const id = `${request.prefix}-${index}-${n}`;
            const send: CaptureSend = { id, sentAt: now(), ackAt: null, ok: false };
            sends.push(send);
            acks.push(
              client.socket
                .timeout(10_000)
                .emitWithAck("item:add", {
                  id,
                  pitchId: request.pitchId,
                  kind: n % 5 === 0 ? "tip" : "note",
                  text: `Item ${n} from note-taker ${lane + 1}: ship *small* changes, and [read the notes](https://example.org/${n}).`,
                })
                .then(
                  (ack: { ok: boolean; error?: string; item?: ItemView }) => {
                    send.ackAt = now();
                    send.ok = ack.ok;
                    if (!ack.ok) send.error = ack.error;
                  },
                  (error: unknown) => {
                    send.error = error instanceof Error ? error.message : String(error);
                  },
                ),
            );
          }
          await Promise.all(acks);
        }),
      );
      return sends;
    }
    case "captureCollect": {
      const until = now() + request.timeoutMs;
      const complete = () => request.ids.every((id) => (arrivals[id]?.count ?? 0) >= watchers.size);
      while (!complete() && now() < until) await sleep(20);
      const result: CaptureResult = { sends: [], arrivals, watchers: watchers.size };
      capturePrefix = "";
      arrivals = {};
      return result;
    }
    case "markStorm": {
      stormMark = {
        readyAt: clients.map(() => null),
        requests: socketRequests(),
        snapshots: snapshotRequests,
        joins: clients.reduce((n, c) => n + c.joins, 0),
        attempts: clients.reduce((n, c) => n + c.attempts, 0),
        joinFailures: clients.reduce((n, c) => n + c.joinFailures, 0),
      };
      return null;
    }
    case "awaitStorm": {
      const mark = stormMark;
      if (!mark) throw new Error("markStorm first");
      const until = now() + request.timeoutMs;
      const current = () => clients.every((c, i) => mark.readyAt[i] !== null && c.ready);
      while (now() < until && !current()) await sleep(50);
      // A client counts once it holds the version the coordinator names (the server's current one).
      const readyAt = clients.map(
        (c, i) => (c.event.facts.version === request.version ? mark.readyAt[i] : null) ?? null,
      );
      stormMark = null;
      return {
        readyAt,
        socketRequests: socketRequests() - mark.requests,
        snapshotRequests: snapshotRequests - mark.snapshots,
        joins: clients.reduce((n, c) => n + c.joins, 0) - mark.joins,
        attempts: clients.reduce((n, c) => n + c.attempts, 0) - mark.attempts,
        joinFailures: clients.reduce((n, c) => n + c.joinFailures, 0) - mark.joinFailures,
        connected: clients.filter((c) => c.socket.connected).length,
        connectedNotReady: clients.filter((c) => c.socket.connected && !c.ready).length,
      } satisfies StormResult;
    }
    case "settle": {
      const results = await Promise.all(clients.map((c) => c.whenReady(request.timeoutMs)));
      return results.filter((ready) => !ready).length;
    }
    case "usage": {
      const usage = process.cpuUsage();
      return {
        cpuSeconds: (usage.user + usage.system) / 1e6,
        rssBytes: process.memoryUsage.rss(),
        connected: clients.filter((c) => c.socket.connected).length,
        snapshotRequests,
        badPushes: clients.reduce((n, c) => n + c.badPushes, 0),
      } satisfies UsageResult;
    }
    case "disconnect": {
      for (const client of clients) client.close();
      clients = [];
      watchers = new Set();
      slotOf.clear();
      expectations.clear();
      tracked = [];
      snapshotRequests = 0;
      return null;
    }
  }
}

process.on("message", (message: Envelope) => {
  handle(message).then(
    (result) => process.send?.({ id: message.id, ok: true, result } satisfies Reply),
    (error: unknown) =>
      process.send?.({
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      } satisfies Reply),
  );
});
process.on("disconnect", () => process.exit(0));
