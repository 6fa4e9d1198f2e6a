import { unmetNeeds } from "../domain/features";
import { orderPitches, talliesVisible, votesLeft } from "../domain/voting";
import type {
  EventFacts,
  EventPatch,
  EventSnapshot,
  GoingCount,
  GoingMark,
  PersonalFacts,
  PitchFact,
  Tallies,
} from "./facts";

/**
 * The page's copy of an event, kept by pushes: pure functions, shared by the
 * browser's live channel, the benchmark's clients and the unit tests (state
 * after any series of patches equals a fresh snapshot).
 */

export type LiveEvent = EventSnapshot;

/** What a push with `incoming` version means for a page holding `current`. */
export function stepFor(current: number, incoming: number): "apply" | "stale" | "gap" {
  if (incoming <= current) return "stale";
  return incoming === current + 1 ? "apply" : "gap";
}

function upsertPitches(list: readonly PitchFact[], changed: readonly PitchFact[]): PitchFact[] {
  const byId = new Map(changed.map((p) => [p.id, p]));
  const next = list.map((p) => byId.get(p.id) ?? p);
  const known = new Set(list.map((p) => p.id));
  for (const p of changed) if (!known.has(p.id)) next.push(p);
  // The database's order: by code unit (binary collation), not by locale.
  return next.sort((a, b) => byCodeUnit(a.createdAt, b.createdAt) || byCodeUnit(a.id, b.id));
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The facts after one patch, at `version`. */
export function applyPatch(facts: EventFacts, patch: EventPatch, version: number): EventFacts {
  let pitches = facts.pitches;
  if (patch.pitches?.length) pitches = upsertPitches(pitches, patch.pitches);
  if (patch.removedPitchIds?.length) {
    const gone = new Set(patch.removedPitchIds);
    pitches = pitches.filter((p) => !gone.has(p.id));
  }
  return {
    ...facts,
    version,
    settings: patch.settings ?? facts.settings,
    rooms: patch.rooms ?? facts.rooms,
    slots: patch.slots ?? facts.slots,
    pitches,
    placements: patch.placements ?? facts.placements,
    conflicts: patch.conflicts ?? facts.conflicts,
  };
}

/**
 * The viewer's own part after a patch: votes for a pitch that left (hidden
 * votes are released) no longer count, and a vote for a merged pitch now
 * counts for the one it went into, as the server moved it.
 */
export function applyPersonal(personal: PersonalFacts, patch: EventPatch): PersonalFacts {
  const gone = new Set(patch.removedPitchIds ?? []);
  const mergedInto = new Map(
    (patch.pitches ?? []).filter((p) => p.status === "merged" && p.mergedIntoId).map((p) => [p.id, p.mergedIntoId]),
  );
  if (gone.size === 0 && mergedInto.size === 0) return personal;

  const myVotes = [
    ...new Set(personal.myVotes.filter((id) => !gone.has(id)).map((id) => mergedInto.get(id) ?? id)),
  ] as string[];
  // A hidden pitch may come back, still the pitcher's: only a merge ends "mine" (views show present pitches only).
  const myPitches = personal.myPitches.filter((id) => !mergedInto.has(id));
  // A co-host's own list: pitches that left or merged away are no longer theirs to edit.
  const coHosting = personal.coHosting.filter((id) => !gone.has(id) && !mergedInto.has(id));
  return { ...personal, myVotes, myPitches, coHosting };
}

/** One push applied to the whole page state. */
export function applyEventPatch(event: LiveEvent, patch: EventPatch, version: number): LiveEvent {
  let tallies = patch.tallies ? { ...patch.tallies } : event.tallies;
  // A pitch that left took its votes with it (hidden ones are released): if it comes back, it starts at 0.
  if (!patch.tallies && tallies && patch.removedPitchIds?.length) {
    tallies = { ...tallies };
    for (const id of patch.removedPitchIds) delete tallies[id];
  }
  return {
    facts: applyPatch(event.facts, patch, version),
    tallies,
    going: event.going,
    personal: applyPersonal(event.personal, patch),
  };
}

/** Coalesced "I'm going" counts: the latest of each session that changed. */
export function applyGoing(current: Record<string, GoingCount>, update: Record<string, GoingCount>) {
  return { ...current, ...update };
}

/** This viewer's own marks, after their ack or a push to their own sockets. */
export function withMyGoing(personal: PersonalFacts, marks: GoingMark[]): PersonalFacts {
  return { ...personal, myGoing: marks };
}

/** Organisers, during a blind vote: conflicts worked out again at the version the page holds. */
export function withConflicts(event: LiveEvent, version: number, conflicts: EventFacts["conflicts"]): LiveEvent {
  if (version !== event.facts.version) return event;
  return { ...event, facts: { ...event.facts, conflicts } };
}

/** Coalesced counts: the latest value of each pitch that changed. */
export function applyTallies(current: Tallies | null, update: Tallies): Tallies {
  return { ...(current ?? {}), ...update };
}

/** After this viewer's own vote was acknowledged. */
export function withMyVote(personal: PersonalFacts, pitchId: string, voted: boolean): PersonalFacts {
  const has = personal.myVotes.includes(pitchId);
  if (has === voted) return personal;
  return {
    ...personal,
    myVotes: voted ? [...personal.myVotes, pitchId] : personal.myVotes.filter((id) => id !== pitchId),
  };
}

// --- Views: what each page shows, derived from the state -----------------------------------

export function showsTallies(event: LiveEvent): boolean {
  return talliesVisible(event.facts.settings, event.personal.isOrganiser);
}

function countOf(event: LiveEvent, pitchId: string): number {
  return event.tallies?.[pitchId] ?? 0;
}

export interface BoardPitch {
  id: string;
  title: string;
  descriptionHtml: string;
  tags: string[];
  pitcherName: string | null;
  coHostNames: string[];
  mine: boolean;
  /** The pitcher or an accepted co-host: may edit it. */
  canEdit: boolean;
  voted: boolean;
  /** Null while a blind vote hides tallies from this viewer. */
  votes: number | null;
}

export interface Board {
  pitches: BoardPitch[];
  merged: Array<{ id: string; title: string; intoId: string; intoTitle: string }>;
  votesLeft: number | null;
  talliesVisible: boolean;
}

/** The event page's pitch list, in the order this viewer should see it. */
export function boardView(event: LiveEvent): Board {
  const { facts, personal } = event;
  const visible = showsTallies(event);
  const myVotes = new Set(personal.myVotes);
  const mine = new Set(personal.myPitches);
  const coHosting = new Set(personal.coHosting);
  const open = facts.pitches.filter((p) => p.status === "open");
  const ordered = orderPitches(
    open.map((p) => ({ ...p, votes: countOf(event, p.id) })),
    facts.settings,
    personal.attendee?.id ?? null,
  );
  const titles = new Map(facts.pitches.map((p) => [p.id, p.title]));
  return {
    pitches: ordered.map((p) => ({
      id: p.id,
      title: p.title,
      descriptionHtml: p.descriptionHtml,
      tags: p.tags,
      pitcherName: p.pitcherName,
      coHostNames: p.coHostNames,
      mine: mine.has(p.id),
      canEdit: mine.has(p.id) || coHosting.has(p.id),
      voted: myVotes.has(p.id),
      votes: visible ? p.votes : null,
    })),
    merged: facts.pitches
      .filter((p) => p.status === "merged" && p.mergedIntoId && titles.has(p.mergedIntoId))
      .map((p) => ({
        id: p.id,
        title: p.title,
        intoId: p.mergedIntoId as string,
        intoTitle: titles.get(p.mergedIntoId as string) as string,
      })),
    votesLeft: personal.attendee
      ? votesLeft(facts.settings.votesPerAttendee, open.filter((p) => myVotes.has(p.id)).length)
      : null,
    talliesVisible: visible,
  };
}

export interface GridCell {
  pitchId: string;
  roomId: string;
  slotId: string;
  pinned: boolean;
  /** Slots it covers from `slotId`. */
  span: number;
  title: string;
  pitcherName: string | null;
  coHostNames: string[];
  votes: number | null;
  myVote: boolean;
  /** "I'm going" counts and cap, and this viewer's own place (going, waiting or none). */
  going: GoingCount;
  goingCap: number | null;
  myGoing: GoingMark["status"] | null;
}

/** A session's "I'm going" counts (none marked yet: zero). */
export function goingOf(event: LiveEvent, pitchId: string): GoingCount {
  return event.going[pitchId] ?? { going: 0, waiting: 0 };
}

/** The grid page: cells, what is not scheduled yet, and the conflicts this viewer may see. */
export function gridViewOf(event: LiveEvent) {
  const { facts, personal } = event;
  const visible = showsTallies(event);
  const myVotes = new Set(personal.myVotes);
  const myGoing = new Map(personal.myGoing.map((m) => [m.pitchId, m.status]));
  const open = new Map(facts.pitches.filter((p) => p.status === "open").map((p) => [p.id, p]));
  const placed = new Set<string>();
  const cells: GridCell[] = [];
  for (const c of facts.placements) {
    const p = open.get(c.pitchId);
    if (!p) continue;
    placed.add(p.id);
    cells.push({
      ...c,
      title: p.title,
      pitcherName: p.pitcherName,
      coHostNames: p.coHostNames,
      votes: visible ? countOf(event, p.id) : null,
      myVote: myVotes.has(p.id),
      going: goingOf(event, p.id),
      goingCap: p.goingCap,
      myGoing: myGoing.get(p.id) ?? null,
    });
  }
  const unplaced = [...open.values()]
    .filter((p) => !placed.has(p.id))
    .map((p) => ({
      id: p.id,
      title: p.title,
      votes: visible ? countOf(event, p.id) : null,
      myVote: myVotes.has(p.id),
      span: p.span,
      needs: p.needs,
      /** Needs no room of the event offers: organisers see them flagged. */
      unmet: unmetNeeds(p.needs, facts.rooms),
    }))
    // By votes only where this viewer may see them: a blind vote's ranking must not leak through the order.
    .sort((a, b) => (b.votes ?? 0) - (a.votes ?? 0) || a.title.localeCompare(b.title));
  return { rooms: facts.rooms, slots: facts.slots, cells, unplaced, conflicts: facts.conflicts };
}

/**
 * "My sessions": the placed sessions this viewer marked "I'm going" (a place
 * or a waiting one); until they mark any, the ones they voted for.
 */
export function mySessionsOf<C extends { myVote: boolean; myGoing: GoingMark["status"] | null }>(
  cells: readonly C[],
): { cells: C[]; basis: "going" | "votes" } {
  const going = cells.filter((c) => c.myGoing !== null);
  return going.length ? { cells: going, basis: "going" } : { cells: cells.filter((c) => c.myVote), basis: "votes" };
}
