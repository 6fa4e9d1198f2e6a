/**
 * The grid's rules, pure: conflicts, the score of a grid, the automatic
 * scheduler and the greedy baseline it has to beat.
 */

import { missingFeatures } from "./features";
import { demandOf } from "./going";
import { type Coverage, coverage } from "./spans";

export interface GridRoom {
  id: string;
  capacity: number;
  /** What the room offers (step-free, projector, ...); a session's needs must all be here. */
  features?: readonly string[];
}

export interface GridSlot {
  id: string;
  kind: "sessions" | "break" | "plenary";
  /** YYYY-MM-DD: a long session never runs past its day. Absent: all slots are one day. */
  day?: string;
}

export interface GridPitch {
  id: string;
  votes: number;
  /** The attendee who pitched it; two sessions of one pitcher must not share a slot. */
  pitcherId: string | null;
  /** "I'm going" count; once above 0 it replaces votes for capacity. */
  going?: number;
  voters: readonly string[];
  /**
   * Everyone who hosts it (the pitcher, and co-hosts where there are any): no
   * host may have two sessions at once or a session in a slot they cannot
   * make. Absent: the pitcher alone.
   */
  hostIds?: readonly string[];
  /** Consecutive session slots it takes (1 when absent). */
  span?: number;
  /** Room features it needs (all of them). */
  needs?: readonly string[];
}

export interface Cell {
  pitchId: string;
  roomId: string;
  slotId: string;
}

export interface PinnedCell extends Cell {
  pinned: boolean;
}

/** What the rules read beside the cells: the slots in time order (for spans) and who cannot make which slot. */
export interface GridContext {
  slots?: readonly GridSlot[];
  /** Attendee id to the slot ids they cannot make. */
  unavailable?: Readonly<Record<string, readonly string[]>>;
}

export type Conflict =
  | { kind: "double-booked"; slotId: string; roomId: string; pitchIds: string[] }
  | { kind: "pitcher-clash"; slotId: string; pitchIds: string[] }
  | {
      kind: "over-capacity";
      slotId: string;
      roomId: string;
      pitchId: string;
      /** Going-count when anyone marked the session, votes otherwise (`basis`). */
      votes: number;
      basis: "going" | "votes";
      capacity: number;
    }
  | { kind: "voter-clash"; slotId: string; pitchIds: [string, string]; attendees: number }
  | { kind: "host-unavailable"; slotId: string; pitchId: string; hosts: number }
  | { kind: "needs"; slotId: string; roomId: string; pitchId: string; missing: string[] }
  | { kind: "span"; slotId: string; pitchId: string; span: number; coverage: Exclude<Coverage, { ok: true }> };

export interface GridScore {
  /** Choices lost: for each attendee and slot, the sessions they voted for there beyond the first. */
  keptAway: number;
  /** Placed sessions whose votes exceed their room's capacity. */
  overCapacity: number;
  /** Slots where one pitcher has two sessions (a hard rule: the scheduler never makes one). */
  pitcherClashes: number;
  placed: number;
}

/** A pitch's hosts: its `hostIds`, or its pitcher. */
export function gridHosts(pitch: GridPitch): readonly string[] {
  return pitch.hostIds ?? (pitch.pitcherId ? [pitch.pitcherId] : []);
}

export const spanOf = (pitch: GridPitch | undefined) => Math.max(1, Math.floor(pitch?.span ?? 1));

/** One covered cell: a long session's placement covers one per slot. */
export interface CoveredCell extends Cell {
  /** The placement's own (first) slot. */
  startSlotId: string;
}

/**
 * Every cell each placement covers (a long session, one per slot it spans),
 * and the placements whose span does not fit. Without `slots`, a placement
 * covers its own cell only.
 */
export function expandCells(
  cells: readonly Cell[],
  pitches: readonly GridPitch[],
  slots?: readonly GridSlot[],
): { covered: CoveredCell[]; broken: Array<{ cell: Cell; coverage: Exclude<Coverage, { ok: true }> }> } {
  const pitchById = new Map(pitches.map((p) => [p.id, p]));
  const covered: CoveredCell[] = [];
  const broken: Array<{ cell: Cell; coverage: Exclude<Coverage, { ok: true }> }> = [];
  for (const cell of cells) {
    const span = spanOf(pitchById.get(cell.pitchId));
    if (!slots || span === 1) {
      covered.push({ ...cell, startSlotId: cell.slotId });
      continue;
    }
    const c = coverage(slots, cell.slotId, span);
    if (!c.ok) broken.push({ cell, coverage: c });
    const ids = c.slotIds.length ? c.slotIds : [cell.slotId];
    for (const slotId of ids) covered.push({ ...cell, slotId, startSlotId: cell.slotId });
  }
  return { covered, broken };
}

function unavailableSlots(pitch: GridPitch, context: GridContext | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!context?.unavailable) return out;
  for (const host of gridHosts(pitch)) {
    for (const slotId of context.unavailable[host] ?? []) out.set(slotId, (out.get(slotId) ?? 0) + 1);
  }
  return out;
}

function groupBySlot<C extends Cell>(cells: readonly C[]): Map<string, C[]> {
  const bySlot = new Map<string, C[]>();
  for (const cell of cells) {
    const list = bySlot.get(cell.slotId) ?? [];
    list.push(cell);
    bySlot.set(cell.slotId, list);
  }
  return bySlot;
}

/** Every problem in a grid, for the cells and the summary. Never silent. */
export function findConflicts(
  cells: readonly Cell[],
  rooms: readonly GridRoom[],
  pitches: readonly GridPitch[],
  context?: GridContext,
): Conflict[] {
  const pitchById = new Map(pitches.map((p) => [p.id, p]));
  const roomById = new Map(rooms.map((r) => [r.id, r]));
  const conflicts: Conflict[] = [];
  const { covered, broken } = expandCells(cells, pitches, context?.slots);
  for (const { cell, coverage: c } of broken) {
    conflicts.push({
      kind: "span",
      slotId: cell.slotId,
      pitchId: cell.pitchId,
      span: spanOf(pitchById.get(cell.pitchId)),
      coverage: c,
    });
  }
  for (const [slotId, inSlot] of groupBySlot(covered)) {
    const byRoom = new Map<string, string[]>();
    for (const cell of inSlot) byRoom.set(cell.roomId, [...(byRoom.get(cell.roomId) ?? []), cell.pitchId]);
    for (const [roomId, pitchIds] of byRoom) {
      if (pitchIds.length > 1) conflicts.push({ kind: "double-booked", slotId, roomId, pitchIds });
    }
    const byHost = new Map<string, string[]>();
    for (const cell of inSlot) {
      const pitch = pitchById.get(cell.pitchId);
      for (const host of pitch ? gridHosts(pitch) : []) byHost.set(host, [...(byHost.get(host) ?? []), cell.pitchId]);
    }
    // One conflict per set of sessions, however many hosts they share.
    const clashes = new Set<string>();
    for (const pitchIds of byHost.values()) {
      const key = [...pitchIds].sort().join(" ");
      if (pitchIds.length > 1 && !clashes.has(key)) {
        clashes.add(key);
        conflicts.push({ kind: "pitcher-clash", slotId, pitchIds });
      }
    }
    for (const cell of inSlot) {
      const pitch = pitchById.get(cell.pitchId);
      const room = roomById.get(cell.roomId);
      if (!pitch || !room) continue;
      const first = cell.startSlotId === slotId;
      const demand = demandOf(pitch);
      if (first && demand.count > room.capacity) {
        conflicts.push({
          kind: "over-capacity",
          slotId,
          roomId: room.id,
          pitchId: pitch.id,
          votes: demand.count,
          basis: demand.basis,
          capacity: room.capacity,
        });
      }
      const missing = missingFeatures(pitch.needs ?? [], room.features ?? []);
      if (first && missing.length)
        conflicts.push({ kind: "needs", slotId, roomId: room.id, pitchId: pitch.id, missing });
      const away = unavailableSlots(pitch, context).get(slotId);
      if (away) conflicts.push({ kind: "host-unavailable", slotId, pitchId: pitch.id, hosts: away });
    }
    // Shared voters per pair, counted from each voter's sessions in this slot: the work grows with
    // the votes (each voter holds at most the vote budget), not with pairs of sessions times voters.
    const inSlotPitches = inSlot.map((cell) => pitchById.get(cell.pitchId));
    const chosen = new Map<string, number[]>();
    inSlotPitches.forEach((pitch, i) => {
      for (const voter of pitch?.voters ?? []) {
        const list = chosen.get(voter);
        if (list) list.push(i);
        else chosen.set(voter, [i]);
      }
    });
    const n = inSlot.length;
    const shared = new Map<number, number>();
    for (const list of chosen.values()) {
      for (let x = 0; x < list.length; x++) {
        for (let y = x + 1; y < list.length; y++) {
          const i = Math.min(list[x] as number, list[y] as number);
          const j = Math.max(list[x] as number, list[y] as number);
          if (i !== j) shared.set(i * n + j, (shared.get(i * n + j) ?? 0) + 1);
        }
      }
    }
    for (const key of [...shared.keys()].sort((a, b) => a - b)) {
      const a = inSlotPitches[Math.floor(key / n)];
      const b = inSlotPitches[key % n];
      if (a && b && a.id !== b.id) {
        conflicts.push({ kind: "voter-clash", slotId, pitchIds: [a.id, b.id], attendees: shared.get(key) ?? 0 });
      }
    }
  }
  return conflicts;
}

export function scoreGrid(
  cells: readonly Cell[],
  rooms: readonly GridRoom[],
  pitches: readonly GridPitch[],
  context?: GridContext,
): GridScore {
  const pitchById = new Map(pitches.map((p) => [p.id, p]));
  const roomById = new Map(rooms.map((r) => [r.id, r]));
  let keptAway = 0;
  let overCapacity = 0;
  let pitcherClashes = 0;
  for (const cell of cells) {
    const pitch = pitchById.get(cell.pitchId);
    const room = roomById.get(cell.roomId);
    if (pitch && room && demandOf(pitch).count > room.capacity) overCapacity++;
  }
  for (const inSlot of groupBySlot(expandCells(cells, pitches, context?.slots).covered).values()) {
    const perVoter = new Map<string, number>();
    const hosts = new Set<string>();
    for (const cell of inSlot) {
      const pitch = pitchById.get(cell.pitchId);
      if (!pitch) continue;
      for (const voter of pitch.voters) perVoter.set(voter, (perVoter.get(voter) ?? 0) + 1);
      for (const host of gridHosts(pitch)) {
        if (hosts.has(host)) pitcherClashes++;
        hosts.add(host);
      }
    }
    for (const n of perVoter.values()) keptAway += Math.max(0, n - 1);
  }
  return { keptAway, overCapacity, pitcherClashes, placed: cells.length };
}

export interface HardRuleCount {
  /** Two sessions in one room at once (long sessions count in every slot they cover). */
  doubleBooked: number;
  /** A host with two sessions at once. */
  hostClash: number;
  /** A session in a slot one of its hosts cannot make. */
  hostUnavailable: number;
  /** A session in a room without a feature it needs. */
  needsUnmet: number;
  /** A long session whose slots are not consecutive session slots of one day. */
  spanBroken: number;
  /** A session in a break, an unknown slot or room, placed twice, or a second session in a plenary. */
  misplaced: number;
  total: number;
}

/** The rules no suggestion may break, counted (the benchmark and the tests want 0). */
export function hardViolations(cells: readonly Cell[], input: ScheduleInput): HardRuleCount {
  const context: GridContext = { slots: input.slots, unavailable: input.unavailable };
  const count: HardRuleCount = {
    doubleBooked: 0,
    hostClash: 0,
    hostUnavailable: 0,
    needsUnmet: 0,
    spanBroken: 0,
    misplaced: 0,
    total: 0,
  };
  const slotById = new Map(input.slots.map((s) => [s.id, s]));
  const roomIds = new Set(input.rooms.map((r) => r.id));
  const seen = new Set<string>();
  const perPlenary = new Map<string, number>();
  for (const cell of cells) {
    const slot = slotById.get(cell.slotId);
    if (!slot || slot.kind === "break" || !roomIds.has(cell.roomId) || seen.has(cell.pitchId)) count.misplaced++;
    if (slot?.kind === "plenary") {
      const n = (perPlenary.get(slot.id) ?? 0) + 1;
      perPlenary.set(slot.id, n);
      if (n > 1) count.misplaced++;
    }
    seen.add(cell.pitchId);
  }
  for (const c of findConflicts(cells, input.rooms, input.pitches, context)) {
    if (c.kind === "double-booked") count.doubleBooked += c.pitchIds.length - 1;
    else if (c.kind === "pitcher-clash") count.hostClash += c.pitchIds.length - 1;
    else if (c.kind === "host-unavailable") count.hostUnavailable++;
    else if (c.kind === "needs") count.needsUnmet++;
    else if (c.kind === "span") count.spanBroken++;
  }
  count.total =
    count.doubleBooked +
    count.hostClash +
    count.hostUnavailable +
    count.needsUnmet +
    count.spanBroken +
    count.misplaced;
  return count;
}

export interface ScheduleInput {
  rooms: readonly GridRoom[];
  /** In time order. */
  slots: readonly GridSlot[];
  pitches: readonly GridPitch[];
  /** Placements to keep exactly as they are. */
  pinned: readonly Cell[];
  /** Attendee id to the slot ids they cannot make (hosts' availability). */
  unavailable?: Readonly<Record<string, readonly string[]>>;
}

// Most wanted first: the going-count once anyone marked a session, its votes before that.
const byVotes = (a: GridPitch, b: GridPitch) => demandOf(b).count - demandOf(a).count || a.id.localeCompare(b.id);
const bySize = (a: GridRoom, b: GridRoom) => b.capacity - a.capacity || a.id.localeCompare(b.id);

function sessionSlots(input: ScheduleInput) {
  return input.slots.filter((s) => s.kind === "sessions");
}

/** The most wanted unpinned pitches, as many as there are free cells. */
function chooseCandidates(input: ScheduleInput, freeCells: number): GridPitch[] {
  const pinnedIds = new Set(input.pinned.map((c) => c.pitchId));
  return input.pitches
    .filter((p) => !pinnedIds.has(p.id))
    .sort(byVotes)
    .slice(0, Math.max(0, freeCells));
}

const hasNeeds = (p: GridPitch) => (p.needs?.length ?? 0) > 0;
const roomFits = (room: GridRoom, pitch: GridPitch) =>
  missingFeatures(pitch.needs ?? [], room.features ?? []).length === 0;

/**
 * Whether the sessions with needs among `list` can each have their own room
 * with every feature they need, out of `rooms` (augmenting paths: a handful
 * of rooms, so this is cheap).
 */
function canSeat(list: readonly GridPitch[], rooms: readonly GridRoom[]): boolean {
  if (list.length > rooms.length) return false;
  const needy = list.filter(hasNeeds);
  if (needy.length === 0) return true;
  const holder = new Map<string, number>();
  const tryPlace = (i: number, seen: Set<string>): boolean => {
    for (const room of rooms) {
      if (seen.has(room.id) || !roomFits(room, needy[i] as GridPitch)) continue;
      seen.add(room.id);
      const other = holder.get(room.id);
      if (other === undefined || tryPlace(other, seen)) {
        holder.set(room.id, i);
        return true;
      }
    }
    return false;
  };
  return needy.every((_, i) => tryPlace(i, new Set()));
}

/** Per slot: biggest free rooms to most wanted sessions (among the rooms each may have), fixed cells untouched. */
function assignRooms(
  fixed: readonly Cell[],
  freeRooms: ReadonlyMap<string, GridRoom[]>,
  slotPitches: Map<string, GridPitch[]>,
): Cell[] {
  const cells: Cell[] = [...fixed];
  for (const [slotId, list] of slotPitches) {
    let free = [...(freeRooms.get(slotId) ?? [])].sort(bySize);
    const ordered = [...list].sort(byVotes);
    ordered.forEach((pitch, i) => {
      const rest = ordered.slice(i + 1);
      const room = free.find(
        (r) =>
          roomFits(r, pitch) &&
          canSeat(
            rest,
            free.filter((o) => o !== r),
          ),
      );
      if (!room) return;
      free = free.filter((r) => r !== room);
      cells.push({ pitchId: pitch.id, roomId: room.id, slotId });
    });
  }
  return cells;
}

/** The rules a scheduler keeps, over the cells it has placed so far. */
class Occupancy {
  private readonly taken = new Map<string, Set<string>>();
  private readonly hosts = new Map<string, Map<string, number>>();
  readonly unavailable: (pitch: GridPitch) => Set<string>;
  constructor(
    private readonly input: ScheduleInput,
    private readonly pitchById: ReadonlyMap<string, GridPitch>,
  ) {
    const cache = new Map<string, Set<string>>();
    this.unavailable = (pitch) => {
      let set = cache.get(pitch.id);
      if (!set) {
        set = new Set(unavailableSlots(pitch, { unavailable: input.unavailable }).keys());
        cache.set(pitch.id, set);
      }
      return set;
    };
  }
  covering(pitch: GridPitch, startSlotId: string): string[] | null {
    const c = coverage(this.input.slots, startSlotId, spanOf(pitch));
    return c.ok ? c.slotIds : null;
  }
  roomTaken(slotId: string, roomId: string): boolean {
    return this.taken.get(slotId)?.has(roomId) ?? false;
  }
  hostCount(slotId: string, host: string): number {
    return this.hosts.get(slotId)?.get(host) ?? 0;
  }
  /** Hosts free and available in every slot, and the room free in each (null room: any). */
  fits(pitch: GridPitch, slotIds: readonly string[], roomId: string | null): boolean {
    const away = this.unavailable(pitch);
    for (const slotId of slotIds) {
      if (away.has(slotId)) return false;
      if (roomId && this.roomTaken(slotId, roomId)) return false;
      for (const host of gridHosts(pitch)) if (this.hostCount(slotId, host) > 0) return false;
    }
    return true;
  }
  occupy(pitchId: string, slotIds: readonly string[], roomId: string | null): void {
    const pitch = this.pitchById.get(pitchId);
    for (const slotId of slotIds) {
      if (roomId) {
        const set = this.taken.get(slotId) ?? new Set<string>();
        set.add(roomId);
        this.taken.set(slotId, set);
      }
      if (!pitch) continue;
      const map = this.hosts.get(slotId) ?? new Map<string, number>();
      for (const host of gridHosts(pitch)) map.set(host, (map.get(host) ?? 0) + 1);
      this.hosts.set(slotId, map);
    }
  }
}

/**
 * The baseline: most votes into the biggest free room, slot by slot, skipping
 * a pitch whose hosts already have a session in that slot (or cannot make
 * it), whose needs the room lacks, or whose span does not fit there.
 */
export function greedyGrid(input: ScheduleInput): Cell[] {
  const slots = sessionSlots(input);
  const roomsBySize = [...input.rooms].sort(bySize);
  const pitchById = new Map(input.pitches.map((p) => [p.id, p]));
  const occupancy = new Occupancy(input, pitchById);
  const cells: Cell[] = [...input.pinned];
  for (const cell of expandCells(input.pinned, input.pitches, input.slots).covered) {
    occupancy.occupy(cell.pitchId, [cell.slotId], cell.roomId);
  }
  const queue = chooseCandidates(input, slots.length * input.rooms.length - input.pinned.length);
  for (const slot of slots) {
    for (const room of roomsBySize) {
      if (occupancy.roomTaken(slot.id, room.id)) continue;
      const index = queue.findIndex((p) => {
        if (!roomFits(room, p)) return false;
        const covered = occupancy.covering(p, slot.id);
        return covered !== null && occupancy.fits(p, covered, room.id);
      });
      if (index < 0) continue;
      const [pitch] = queue.splice(index, 1) as [GridPitch];
      occupancy.occupy(pitch.id, occupancy.covering(pitch, slot.id) ?? [slot.id], room.id);
      cells.push({ pitchId: pitch.id, roomId: room.id, slotId: slot.id });
    }
  }
  return cells;
}

/**
 * Suggests a grid: the top pitches (as many as there are free cells) spread
 * over the session slots so that as few attendees as possible lose a session
 * they voted for, never two sessions of one host in a slot, never a session
 * in a slot one of its hosts cannot make or in a room without what it needs,
 * long sessions in consecutive session slots of one room and day, pinned
 * cells kept, and in each slot the biggest rooms for the most wanted sessions.
 *
 * Long sessions go first (each, most wanted first, where it costs least),
 * then one-slot sessions by greedy insertion (each into the slot where it
 * costs least) followed by local search (moves and swaps between slots)
 * until nothing improves or the time budget runs out.
 */
export function suggestGrid(input: ScheduleInput, options: { timeBudgetMs?: number } = {}): Cell[] {
  const deadline = performance.now() + (options.timeBudgetMs ?? 2000);
  const slots = sessionSlots(input);
  const pitchById = new Map(input.pitches.map((p) => [p.id, p]));
  const roomsBySize = [...input.rooms].sort(bySize);
  const members = new Map<string, GridPitch[]>();
  const voterCount = new Map<string, Map<string, number>>();
  const hostCount = new Map<string, Map<string, number>>();
  /** Rooms not held by a pinned or long session, per session slot. */
  const freeRooms = new Map<string, GridRoom[]>();
  for (const slot of slots) {
    members.set(slot.id, []);
    voterCount.set(slot.id, new Map());
    hostCount.set(slot.id, new Map());
    freeRooms.set(slot.id, [...roomsBySize]);
  }
  const occupancy = new Occupancy(input, pitchById);

  const add = (slotId: string, pitch: GridPitch) => {
    const counts = voterCount.get(slotId);
    if (!counts) return;
    for (const v of pitch.voters) counts.set(v, (counts.get(v) ?? 0) + 1);
    const hc = hostCount.get(slotId) as Map<string, number>;
    for (const h of gridHosts(pitch)) hc.set(h, (hc.get(h) ?? 0) + 1);
  };
  const remove = (slotId: string, pitch: GridPitch) => {
    const counts = voterCount.get(slotId) as Map<string, number>;
    for (const v of pitch.voters) counts.set(v, (counts.get(v) ?? 1) - 1);
    const hc = hostCount.get(slotId) as Map<string, number>;
    for (const h of gridHosts(pitch)) hc.set(h, (hc.get(h) ?? 1) - 1);
  };
  /** Choices lost by adding `pitch` to the slot (ignoring `without`, which is leaving it). */
  const addCost = (slotId: string, pitch: GridPitch, without?: GridPitch) => {
    const counts = voterCount.get(slotId) as Map<string, number>;
    const leaving = without ? new Set(without.voters) : null;
    let cost = 0;
    for (const v of pitch.voters) {
      const n = (counts.get(v) ?? 0) - (leaving?.has(v) ? 1 : 0);
      if (n >= 1) cost++;
    }
    return cost;
  };
  const removeGain = (slotId: string, pitch: GridPitch) => {
    const counts = voterCount.get(slotId) as Map<string, number>;
    let gain = 0;
    for (const v of pitch.voters) if ((counts.get(v) ?? 0) >= 2) gain++;
    return gain;
  };
  const hostsFree = (slotId: string, pitch: GridPitch, without?: GridPitch) => {
    const hc = hostCount.get(slotId) as Map<string, number>;
    const leaving = without ? gridHosts(without) : [];
    return gridHosts(pitch).every((h) => (hc.get(h) ?? 0) - (leaving.includes(h) ? 1 : 0) === 0);
  };
  /** Whether `pitch` may join the slot's sessions (with `without` leaving): hosts, availability, needs. */
  const fits = (slotId: string, pitch: GridPitch, without?: GridPitch) => {
    if (!hostsFree(slotId, pitch, without) || occupancy.unavailable(pitch).has(slotId)) return false;
    if (!hasNeeds(pitch)) return true;
    const list = (members.get(slotId) ?? []).filter((p) => p !== without);
    return canSeat([...list, pitch], freeRooms.get(slotId) ?? []);
  };
  /** Holds a room in the slots a pinned or long session covers. */
  const fix = (pitch: GridPitch | undefined, pitchId: string, slotIds: readonly string[], roomId: string) => {
    occupancy.occupy(pitchId, slotIds, roomId);
    for (const slotId of slotIds) {
      const rooms = freeRooms.get(slotId);
      if (!rooms) continue;
      freeRooms.set(
        slotId,
        rooms.filter((r) => r.id !== roomId),
      );
      if (pitch) add(slotId, pitch);
    }
  };

  const fixed: Cell[] = [...input.pinned];
  for (const cell of input.pinned) {
    const pitch = pitchById.get(cell.pitchId);
    const covered = expandCells([cell], input.pitches, input.slots).covered.map((c) => c.slotId);
    fix(pitch, cell.pitchId, covered, cell.roomId);
  }
  const freeCells = () => [...freeRooms.values()].reduce((a, rooms) => a + rooms.length, 0);

  // Which pitches get a place: the most wanted first, each taking as many cells as its span.
  const pinnedIds = new Set(input.pinned.map((c) => c.pitchId));
  const unpinned = input.pitches.filter((p) => !pinnedIds.has(p.id)).sort(byVotes);
  let budget = freeCells();
  const longOnes: GridPitch[] = [];
  for (const pitch of unpinned) {
    const span = spanOf(pitch);
    if (span > budget) continue;
    budget -= span;
    if (span > 1) longOnes.push(pitch);
  }

  // Long sessions: each where it costs least (choices lost over every slot it covers), in a room that suits it.
  for (const pitch of longOnes) {
    let best: { slotIds: string[]; room: GridRoom; cost: number; fit: number } | null = null;
    for (const slot of slots) {
      const covered = occupancy.covering(pitch, slot.id);
      if (!covered || !occupancy.fits(pitch, covered, null)) continue;
      const cost = covered.reduce((sum, id) => sum + addCost(id, pitch), 0);
      if (best && cost > best.cost) continue;
      for (const room of roomsBySize) {
        if (!roomFits(room, pitch) || covered.some((id) => occupancy.roomTaken(id, room.id))) continue;
        // Keep each covered slot's remaining sessions with needs seatable.
        if (
          covered.some(
            (id) =>
              !canSeat(
                members.get(id) ?? [],
                (freeRooms.get(id) ?? []).filter((r) => r.id !== room.id),
              ),
          )
        )
          continue;
        // Prefer the smallest room that seats its people (going-count, else voters), then rooms with fewer features to spare.
        const people = demandOf(pitch).count;
        const fit =
          (room.capacity >= people ? room.capacity - people : 1e6 + people - room.capacity) +
          (room.features?.length ?? 0) * 1e-3;
        if (!best || cost < best.cost || (cost === best.cost && fit < best.fit)) {
          best = { slotIds: covered, room, cost, fit };
        }
      }
    }
    if (!best) continue;
    fix(pitch, pitch.id, best.slotIds, best.room.id);
    fixed.push({ pitchId: pitch.id, roomId: best.room.id, slotId: best.slotIds[0] as string });
  }

  const free = freeCells();
  const placedLong = new Set(fixed.map((c) => c.pitchId));
  // Every other unpinned one-slot pitch, most wanted first: one that cannot be placed leaves its cell to the next.
  const candidates = unpinned.filter((p) => spanOf(p) === 1 && !placedLong.has(p.id));
  const slotOf = new Map<string, string>();
  const roomLeft = (slotId: string) => (freeRooms.get(slotId)?.length ?? 0) - (members.get(slotId)?.length ?? 0);
  const moveTo = (pitch: GridPitch, from: string | undefined, to: string) => {
    if (from) {
      remove(from, pitch);
      members.set(
        from,
        (members.get(from) ?? []).filter((p) => p !== pitch),
      );
    }
    add(to, pitch);
    members.get(to)?.push(pitch);
    slotOf.set(pitch.id, to);
  };
  /**
   * When every slot with a free room is closed to this pitch, moves one
   * session out of a full slot where the pitch would fit into a free room
   * (cheapest such move), and returns that slot; null if there is none.
   */
  const makeRoom = (pitch: GridPitch): string | null => {
    let best: { from: string; to: string; moved: GridPitch } | null = null;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const from of slots) {
      if (!hostsFree(from.id, pitch)) continue;
      for (const moved of members.get(from.id) ?? []) {
        if (!fits(from.id, pitch, moved)) continue;
        for (const to of slots) {
          if (to.id === from.id || roomLeft(to.id) <= 0 || !fits(to.id, moved)) continue;
          const cost = addCost(to.id, moved) - removeGain(from.id, moved) + addCost(from.id, pitch, moved);
          if (cost < bestCost) {
            bestCost = cost;
            best = { from: from.id, to: to.id, moved };
          }
        }
      }
    }
    if (!best) return null;
    moveTo(best.moved, best.from, best.to);
    return best.from;
  };

  // Greedy insertion.
  let placed = 0;
  for (const pitch of candidates) {
    if (placed >= free) break;
    let best: string | null = null;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const slot of slots) {
      const room = roomLeft(slot.id);
      if (room <= 0 || !fits(slot.id, pitch)) continue;
      // Prefer emptier slots on ties, so sessions spread out.
      const cost = addCost(slot.id, pitch) - room / 1000;
      if (cost < bestCost) {
        bestCost = cost;
        best = slot.id;
      }
    }
    best ??= makeRoom(pitch);
    if (!best) continue;
    moveTo(pitch, undefined, best);
    placed++;
  }

  // Local search: improving moves into free cells, then swaps.
  let improved = true;
  while (improved && performance.now() < deadline) {
    improved = false;
    for (const pitch of candidates) {
      const from = slotOf.get(pitch.id);
      if (!from) continue;
      for (const slot of slots) {
        if (slot.id === from) continue;
        const to = slot.id;
        const gain = removeGain(from, pitch);
        if (roomLeft(to) > 0) {
          if (fits(to, pitch) && addCost(to, pitch) < gain) {
            moveTo(pitch, from, to);
            improved = true;
            break;
          }
          continue;
        }
        for (const other of members.get(to) ?? []) {
          if (!fits(to, pitch, other) || !fits(from, other, pitch)) continue;
          const before = removeGain(from, pitch) + removeGain(to, other);
          // Cost after the swap: pitch joins `to` without `other`, other joins `from` without `pitch`.
          const after = addCost(to, pitch, other) + addCost(from, other, pitch);
          if (after < before) {
            remove(from, pitch);
            remove(to, other);
            members.set(from, [...(members.get(from) ?? []).filter((p) => p !== pitch), other]);
            members.set(to, [...(members.get(to) ?? []).filter((p) => p !== other), pitch]);
            add(to, pitch);
            add(from, other);
            slotOf.set(pitch.id, to);
            slotOf.set(other.id, from);
            improved = true;
            break;
          }
        }
        if (improved) break;
      }
    }
  }
  return assignRooms(fixed, freeRooms, members);
}
