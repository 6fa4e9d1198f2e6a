/**
 * The messages between the live benchmark (bench/live.bench.ts, the
 * coordinator) and its client processes (bench/live/clientProcess.ts), sent
 * over Node's IPC channel. Every request carries an id and gets exactly one
 * reply with that id. Times are absolute milliseconds (`now()` below), which
 * every process on the machine shares, so a send in one process and an
 * arrival in another can be subtracted.
 */

/** Milliseconds since the epoch with sub-millisecond precision; comparable across processes. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export interface ClientSpec {
  /** Index of the attendee in the whole run (0 .. N-1). */
  index: number;
  /** The `Cookie` header this attendee's page sends. */
  cookie: string;
}

/** Something the last client must hold for a change to count as arrived. */
export type Expectation =
  | { kind: "pitch"; title: string }
  | { kind: "placement"; pitchId: string; roomId: string; slotId: string }
  | { kind: "setting"; votesPerAttendee: number };

export interface VoteOrder {
  index: number;
  pitchId: string;
  /** Absolute time to send at. */
  at: number;
}

export interface VoteRecord {
  index: number;
  pitchId: string;
  sentAt: number;
  ackAt: number | null;
  ok: boolean;
  /** The pitch's tally right after this vote, from the ack. */
  votes: number | null;
  error?: string;
}

export interface CaptureSend {
  id: string;
  sentAt: number;
  ackAt: number | null;
  ok: boolean;
  error?: string;
}

export type Request =
  | {
      cmd: "connect";
      base: string;
      slug: string;
      clients: ClientSpec[];
      transports: string[];
      /** How many clients connect and join at once. */
      concurrency: number;
    }
  | { cmd: "expect"; key: string; expectation: Expectation }
  | { cmd: "awaitExpect"; key: string; timeoutMs: number }
  | { cmd: "trackTallies"; pitchIds: string[] }
  /** Waits until every client holds at least `finals[pitchId]` for each pitch (or the timeout), then reports. */
  | { cmd: "collectTallies"; finals: Record<string, number>; timeoutMs: number }
  | { cmd: "vote"; orders: VoteOrder[]; timeoutMs: number }
  | { cmd: "watch"; indices: number[]; pitchId: string }
  | { cmd: "captureStart"; prefix: string }
  | {
      cmd: "capture";
      noteTakers: number[];
      pitchId: string;
      prefix: string;
      /** Items per second per note-taker. */
      rate: number;
      start: number;
      durationMs: number;
    }
  /** Waits until every watcher here has every item of `ids` (or the timeout), then reports. */
  | { cmd: "captureCollect"; prefix: string; ids: string[]; timeoutMs: number }
  | { cmd: "markStorm" }
  | { cmd: "awaitStorm"; timeoutMs: number; version: number }
  /** Waits until every client is connected and joined with its state current (or the timeout); answers how many are not. */
  | { cmd: "settle"; timeoutMs: number }
  | { cmd: "usage" }
  | { cmd: "disconnect" };

export type Envelope = Request & { id: number };

export interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  result?: unknown;
}

export interface ConnectResult {
  connected: number;
  failed: number;
  firstError?: string;
  ms: number;
  /** Version the first snapshot had. */
  version: number;
}

export interface ExpectResult {
  /** When each client first held the expected state (absolute ms); null if it never did in time. */
  times: Array<number | null>;
}

/** Per pitch, per count: when the last client of this process first held a tally of at least that count. */
export interface TallyResult {
  lastSeen: Record<string, Record<number, number>>;
  /** How many `votes:tallies` messages each client got since tracking started. */
  messages: number[];
}

export interface CaptureResult {
  sends: CaptureSend[];
  /** Per item id: how many watchers of this process got it, and when the last one did. */
  arrivals: Record<string, { count: number; last: number }>;
  watchers: number;
}

export interface StormResult {
  /** When each client was next joined with the current state (absolute ms); null if not in time. */
  readyAt: Array<number | null>;
  /** HTTP requests the Socket.IO clients made since the mark (handshakes, polls, upgrades). */
  socketRequests: number;
  /** `GET state.json` refetches since the mark. */
  snapshotRequests: number;
  /** Successful `event:join`s since the mark. */
  joins: number;
  /** Reconnection attempts since the mark. */
  attempts: number;
  /** At the end: clients whose socket is connected, and connected but not joined with the current state. */
  connected: number;
  connectedNotReady: number;
  /** Join acks that timed out, or were refused, since the mark. */
  joinFailures: number;
}

export interface UsageResult {
  /** CPU seconds (user + system) this process used so far. */
  cpuSeconds: number;
  rssBytes: number;
  /** Clients currently connected. */
  connected: number;
  /** state.json refetches since connect (gap refetches). */
  snapshotRequests: number;
  /** Pushes dropped because zod refused them. */
  badPushes: number;
}
