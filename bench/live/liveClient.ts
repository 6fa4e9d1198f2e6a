import type { Agent } from "node:http";
import { Fetch, NodeWebSocket, type Socket, io } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents, TallyUpdate } from "../../app/realtime/contract";
import { type LiveEvent, applyEventPatch, applyTallies, stepFor } from "../../app/realtime/eventState";
import {
  type EventFacts,
  type EventPatchPush,
  type EventSnapshot,
  eventFacts,
  eventPatchPush,
  goingCounts,
  personalFacts,
  tallies,
} from "../../app/realtime/facts";
import * as z from "zod/v4-mini";
import { now } from "./protocol";

/**
 * One attendee's open event page, as the web app's LiveChannel
 * (app/realtime/LiveChannel.tsx) keeps it, minus React: it starts from a
 * snapshot, joins with `event:join` after every connect (a rejoin after a drop
 * waits a random moment), applies each `event:patch` in version order, and
 * refetches `GET /e/<slug>/state.json` once, after a random delay, only when
 * it missed a version (or rejoined at another version). `votes:tallies`
 * replace the counts they carry. The pure state functions are the app's own
 * (app/realtime/eventState.ts), and pushes and snapshots are parsed with the
 * app's zod schemas, as the page does.
 *
 * One shortcut, for the load generator's CPU only (a phone does this work on
 * its own processor, here a thousand "phones" share one core): every client
 * of a process decodes each message itself, but the zod check of a push, and
 * of a snapshot's shared facts, runs once per process per event version and
 * its verdict (and the parsed facts object) is shared by the process's other
 * clients. The server sends every viewer of a version the same push and the
 * same facts (all benchmark clients are attendees), so what each client holds
 * and does is unchanged; personal parts and tallies are checked per client.
 */

type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

// LiveChannel's timings (not exported there; keep these in step with it).
const JOIN_TIMEOUT_MS = 5000;
const JOIN_RETRY_MS = 5000;
const GAP_JITTER_MS = 1000;
const JOIN_JITTER_MS = 1500;
const REFETCH_RETRY_MS = 3000;

const jitter = (max: number) => Math.floor(Math.random() * max);

/** Verdicts of the zod checks, per event version (see above); emptied when the clients reconnect anew. */
const checkedPushes = new Map<string, EventPatchPush | null>();
const checkedFacts = new Map<string, EventFacts>();

const nullableTallies = z.nullable(tallies);

export function forgetChecks(): void {
  checkedPushes.clear();
  checkedFacts.clear();
}

function checkPush(raw: unknown): EventPatchPush | null {
  const candidate = raw as Partial<EventPatchPush> | null;
  const key = `${candidate?.eventId}|${candidate?.version}`;
  const known = checkedPushes.get(key);
  if (known !== undefined) return known;
  const parsed = eventPatchPush.safeParse(raw);
  const verdict = parsed.success ? parsed.data : null;
  checkedPushes.set(key, verdict);
  return verdict;
}

/** A state.json body, checked as `eventSnapshot` is (facts once per version, the rest per client). */
export function checkSnapshot(raw: unknown): EventSnapshot {
  const body = raw as {
    facts?: { eventId?: string; version?: number };
    tallies?: unknown;
    going?: unknown;
    personal?: unknown;
  };
  const key = `${body.facts?.eventId}|${body.facts?.version}`;
  let facts = checkedFacts.get(key);
  if (!facts) {
    facts = eventFacts.parse(body.facts);
    checkedFacts.set(key, facts);
  }
  return {
    facts,
    tallies: nullableTallies.parse(body.tallies),
    going: goingCounts.parse(body.going ?? {}),
    personal: personalFacts.parse(body.personal),
  };
}

export interface ClientHooks {
  /** After every change of the held state. */
  onCommit(client: LiveClient): void;
  /** After a join (or refetch) that left the client holding the server's current version. */
  onReady(client: LiveClient): void;
  onTallies(client: LiveClient): void;
  onItem(client: LiveClient, pitchId: string, itemId: string): void;
  /** Counted by the process: a state.json request. */
  onSnapshotRequest(): void;
}

export interface ClientOptions {
  base: string;
  slug: string;
  cookie: string;
  index: number;
  initial: LiveEvent;
  agent: Agent;
  transports: string[];
  hooks: ClientHooks;
}

export class LiveClient {
  readonly index: number;
  readonly socket: BenchSocket;
  event: LiveEvent;
  /** Joined and holding the version the server named at the last join (or newer). */
  ready = false;
  joins = 0;
  joinFailures = 0;
  attempts = 0;
  badPushes = 0;
  private refetching = false;
  private buffered: EventPatchPush[] = [];
  private joinedBefore = false;
  private joinTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private refetchTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private firstJoin: { resolve(): void; reject(error: Error): void } | null = null;

  constructor(private readonly options: ClientOptions) {
    this.index = options.index;
    this.event = options.initial;
    // As the page's getSocket(): the client's defaults (polling, then upgrade) and reconnectionDelayMax 5000.
    // Polling goes through fetch (as in a browser) rather than Node's default XMLHttpRequest emulation,
    // which costs the load generator several times more per request.
    // forceNew: each attendee is its own browser, not a multiplexed namespace on one connection.
    this.socket = io(options.base, {
      autoConnect: false,
      forceNew: true,
      reconnectionDelayMax: 5000,
      transports: options.transports.map((t) => (t === "polling" ? Fetch : NodeWebSocket)),
      extraHeaders: { Cookie: options.cookie },
      agent: options.agent as unknown as string,
    });
    this.socket.on("connect", () => this.onConnect());
    this.socket.on("disconnect", () => {
      this.ready = false;
    });
    this.socket.io.on("reconnect_attempt", () => {
      this.attempts++;
    });
    this.socket.on("event:patch", (raw) => this.onPatch(raw));
    this.socket.on("votes:tallies", (update) => this.onTallies(update));
    this.socket.on("item:upserted", (update) => options.hooks.onItem(this, update.pitchId, update.item.id));
  }

  /** Connects and resolves after the first successful join. */
  start(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.firstJoin = null;
        reject(new Error(`client ${this.index} not joined within ${timeoutMs} ms`));
      }, timeoutMs);
      this.firstJoin = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.socket.connect();
    });
  }

  /** Resolves once the client is connected and joined with its state current (false after `ms`). */
  async whenReady(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (!(this.ready && this.socket.connected)) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.joinTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.refetchTimer);
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.disconnect();
  }

  private commit(next: LiveEvent): void {
    this.event = next;
    this.options.hooks.onCommit(this);
  }

  private markReady(): void {
    this.ready = true;
    this.options.hooks.onReady(this);
  }

  private onConnect(): void {
    clearTimeout(this.joinTimer);
    if (!this.joinedBefore) {
      this.joinedBefore = true;
      this.join();
    } else {
      this.joinTimer = setTimeout(() => this.join(), jitter(JOIN_JITTER_MS));
    }
  }

  private join(): void {
    if (this.closed) return;
    this.socket.timeout(JOIN_TIMEOUT_MS).emit("event:join", { slug: this.options.slug }, (err, result) => {
      if (this.closed) return;
      if (err || !result.ok) {
        this.joinFailures++;
        if (this.firstJoin && result && !result.ok) {
          this.firstJoin.reject(new Error(`event:join refused: ${result.error}`));
          this.firstJoin = null;
        }
        if (err) this.socket.disconnect().connect();
        else this.retryTimer = setTimeout(() => this.join(), JOIN_RETRY_MS);
        return;
      }
      this.joins++;
      this.firstJoin?.resolve();
      this.firstJoin = null;
      if (result.version !== this.event.facts.version) {
        this.refetch(jitter(GAP_JITTER_MS));
      } else {
        if (result.tallies) this.commit({ ...this.event, tallies: result.tallies });
        this.markReady();
      }
    });
  }

  private applyInOrder(pushes: EventPatchPush[]): boolean {
    let current = this.event;
    let applied = false;
    for (const push of [...pushes].sort((a, b) => a.version - b.version)) {
      const step = stepFor(current.facts.version, push.version);
      if (step === "stale") continue;
      if (step === "gap") {
        if (applied) this.commit(current);
        return false;
      }
      current = applyEventPatch(current, push.patch, push.version);
      applied = true;
    }
    if (applied) this.commit(current);
    return true;
  }

  private refetch(delay: number): void {
    if (this.refetching) return;
    this.refetching = true;
    this.ready = false;
    this.refetchTimer = setTimeout(async () => {
      try {
        this.options.hooks.onSnapshotRequest();
        const response = await fetch(`${this.options.base}/e/${encodeURIComponent(this.options.slug)}/state.json`, {
          headers: { Accept: "application/json", Cookie: this.options.cookie },
        });
        if (!response.ok) throw new Error(`state.json answered ${response.status}`);
        const fresh = checkSnapshot(await response.json());
        if (this.closed) return;
        this.refetching = false;
        const pending = this.buffered;
        this.buffered = [];
        this.commit(fresh.facts.version >= this.event.facts.version ? fresh : this.event);
        if (this.applyInOrder(pending)) this.markReady();
        else this.refetch(jitter(GAP_JITTER_MS));
      } catch {
        if (this.closed) return;
        this.refetching = false;
        this.refetch(REFETCH_RETRY_MS + jitter(GAP_JITTER_MS));
      }
    }, delay);
  }

  private onPatch(raw: unknown): void {
    const push = checkPush(raw);
    if (!push) {
      this.badPushes++;
      return;
    }
    if (push.eventId !== this.event.facts.eventId) return;
    if (this.refetching) {
      this.buffered.push(push);
      return;
    }
    if (!this.applyInOrder([push])) {
      this.buffered.push(push);
      this.refetch(jitter(GAP_JITTER_MS));
    }
  }

  private onTallies(update: TallyUpdate): void {
    if (update.eventId !== this.event.facts.eventId) return;
    this.event = { ...this.event, tallies: applyTallies(this.event.tallies, update.tallies) };
    this.options.hooks.onTallies(this);
    this.options.hooks.onCommit(this);
  }
}

/** The snapshot a page starts from (its loader data): fetched once per process and shared. */
export async function fetchSnapshot(base: string, slug: string, cookie: string): Promise<LiveEvent> {
  const response = await fetch(`${base}/e/${encodeURIComponent(slug)}/state.json`, {
    headers: { Accept: "application/json", Cookie: cookie },
  }).catch((error: Error) => {
    throw new Error(`GET ${base}/e/${slug}/state.json failed: ${error.message} (${String(error.cause)})`);
  });
  if (!response.ok) throw new Error(`state.json answered ${response.status}: ${await response.text()}`);
  return checkSnapshot(await response.json());
}

export { now };
