import { setTimeout as sleep } from "node:timers/promises";
import type { Ack, JoinedEvent, TallyUpdate, VoteResult } from "../../app/realtime/contract";
import {
  type LiveEvent,
  applyEventPatch,
  applyTallies,
  withConflicts,
  boardView,
  gridViewOf,
  showsTallies,
  stepFor,
  withMyVote,
} from "../../app/realtime/eventState";
import { type EventPatchPush, type EventSnapshot, eventPatchPush, eventSnapshot } from "../../app/realtime/facts";
import type { HttpClient } from "./http";
import { type TestSocket, connectSocket } from "./socket";

/**
 * Follows an event the way the app's pages do (app/realtime/LiveChannel.tsx),
 * with the app's own pure functions (app/realtime/eventState.ts): a socket
 * joins the event, the snapshot comes from `GET /e/<slug>/state.json`, each
 * `event:patch` is applied in version order, a gap refetches the snapshot,
 * `votes:tallies` updates the counts and the viewer's own votes come from its
 * acks. Every push is parsed with the shared zod schema and kept, raw, so
 * tests can look at exactly what was sent.
 */
export class LiveClient {
  socket!: TestSocket;
  state!: LiveEvent;
  joined!: JoinedEvent;
  /** Every event:patch received, in arrival order, as sent. */
  readonly patches: EventPatchPush[] = [];
  /** Every votes:tallies received, in arrival order. */
  readonly tallies: TallyUpdate[] = [];
  /** How many times the snapshot was fetched (the first load included). */
  snapshots = 0;
  /** Steps seen for incoming pushes ("apply", "stale", "gap"). */
  readonly steps: string[] = [];
  /** A test can make this client miss pushes, to cause a gap. */
  drop: (push: EventPatchPush) => boolean = () => false;

  private buffered: EventPatchPush[] = [];
  private loading = false;
  private refetching: Promise<void> | null = null;

  constructor(
    readonly base: string,
    readonly slug: string,
    readonly who?: HttpClient,
  ) {}

  /** Connects, joins and loads the snapshot; pushes that arrive meanwhile are applied after it. */
  async start(): Promise<this> {
    this.socket = await connectSocket(this.base, this.who);
    this.socket.on("event:patch", (raw) => this.onPatch(raw));
    this.socket.on("grid:conflicts", (update) => {
      if (this.state && update.eventId === this.state.facts.eventId) {
        this.state = withConflicts(this.state, update.version, update.conflicts);
      }
    });
    this.socket.on("votes:tallies", (update) => {
      this.tallies.push(update);
      if (this.state && update.eventId === this.state.facts.eventId) {
        this.state = { ...this.state, tallies: applyTallies(this.state.tallies, update.tallies) };
      }
    });
    const ack: Ack<JoinedEvent> = await this.socket.timeout(10_000).emitWithAck("event:join", { slug: this.slug });
    if (!ack.ok) throw new Error(`event:join refused: ${ack.error}`);
    this.joined = ack;
    this.loading = true;
    this.state = await this.fetchSnapshot();
    this.loading = false;
    this.drain();
    return this;
  }

  stop(): void {
    this.socket?.disconnect();
  }

  /** `GET /e/<slug>/state.json` as this client, parsed with the shared schema. */
  async fetchSnapshot(): Promise<EventSnapshot> {
    this.snapshots++;
    const response = this.who
      ? await this.who.get(`/e/${this.slug}/state.json`)
      : await fetch(new URL(`/e/${this.slug}/state.json`, this.base));
    if (response.status !== 200) throw new Error(`state.json answered ${response.status}`);
    const body = await response.json();
    return eventSnapshot.parse(body);
  }

  private onPatch(raw: unknown): void {
    const push = eventPatchPush.parse(raw);
    this.patches.push(raw as EventPatchPush);
    if (this.drop(push)) return;
    this.buffered.push(push);
    if (!this.loading && !this.refetching) this.drain();
  }

  /** Applies what is buffered in version order; on a gap, refetches the snapshot once and goes on. */
  private drain(): void {
    this.buffered.sort((a, b) => a.version - b.version);
    while (this.buffered.length) {
      const push = this.buffered[0] as EventPatchPush;
      const step = stepFor(this.state.facts.version, push.version);
      this.steps.push(step);
      if (step === "gap") {
        this.refetching = (async () => {
          const fresh = await this.fetchSnapshot();
          if (fresh.facts.version >= this.state.facts.version) this.state = fresh;
          this.refetching = null;
          this.drain();
        })();
        return;
      }
      this.buffered.shift();
      if (step === "apply") this.state = applyEventPatch(this.state, push.patch, push.version);
    }
  }

  /**
   * After this viewer's own form action: Remix reloads the page's loader, which
   * carries a fresh snapshot. As in LiveChannel, newer facts win and the
   * personal part is always taken (the pitch I just made is mine).
   */
  async revalidate(): Promise<void> {
    const fresh = await this.fetchSnapshot();
    this.state = fresh.facts.version >= this.state.facts.version ? fresh : { ...this.state, personal: fresh.personal };
  }

  /** Votes over the socket as the app's vote button does; the ack updates this viewer's own votes. */
  async vote(pitchId: string, vote = true): Promise<Ack<VoteResult>> {
    const ack: Ack<VoteResult> = await this.socket.timeout(10_000).emitWithAck("vote:set", { pitchId, vote });
    if (ack.ok) this.state = { ...this.state, personal: withMyVote(this.state.personal, pitchId, ack.voted) };
    return ack;
  }

  /** Waits until this client holds `version` (every push up to it applied), or fails after `ms`. */
  async reach(version: number, ms = 10_000): Promise<void> {
    const until = Date.now() + ms;
    while (this.state.facts.version < version || this.refetching || this.buffered.length) {
      if (Date.now() > until) {
        throw new Error(`client stuck at version ${this.state.facts.version}, waiting for ${version}`);
      }
      await sleep(10);
    }
  }

  /** The pushes received after index `from`, for assertions on what one command sent. */
  since(from: number): EventPatchPush[] {
    return this.patches.slice(from);
  }
}

/**
 * The counts a page can show: none while hidden from this viewer, only for
 * open pitches, zero left out. (A page keeps the last count of a pitch that
 * left and counts that went back to 0; a snapshot has neither. Neither shows.)
 */
export function shownTallies(event: LiveEvent): Record<string, number> | null {
  if (!showsTallies(event)) return null;
  const out: Record<string, number> = {};
  for (const p of event.facts.pitches) {
    const n = p.status === "open" ? (event.tallies?.[p.id] ?? 0) : 0;
    if (n > 0) out[p.id] = n;
  }
  return out;
}

/** The state reduced to what a page can show, for comparing a live client with a fresh load. */
export function comparable(event: LiveEvent) {
  return {
    facts: event.facts,
    tallies: shownTallies(event),
    personal: {
      ...event.personal,
      myVotes: [...event.personal.myVotes].sort(),
      myPitches: [...event.personal.myPitches].sort(),
    },
    board: boardView(event),
    grid: gridViewOf(event),
  };
}
