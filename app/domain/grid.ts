import { demandOf } from "./going";

/**
 * The grid's rules, pure: conflicts, the score of a grid, the automatic
 * scheduler and the greedy baseline it has to beat.
 */

export interface GridRoom {
  id: string;
  capacity: number;
}

export interface GridSlot {
  id: string;
  kind: "sessions" | "break" | "plenary";
}

export interface GridPitch {
  id: string;
  votes: number;
  /** The attendee who pitched it; two sessions of one pitcher must not share a slot. */
  pitcherId: string | null;
  /**
   * Everyone hosting it (`hostsOf`: the pitcher and accepted co-hosts); when
   * given, a clash is any host in two sessions of one slot. Defaults to the pitcher.
   */
  hostIds?: readonly string[];
  /** "I'm going" count; once above 0 it replaces votes for capacity. */
  going?: number;
  voters: readonly string[];
}

function hostIdsOf(pitch: GridPitch): readonly string[] {
  return pitch.hostIds ?? (pitch.pitcherId ? [pitch.pitcherId] : []);
}

export interface Cell {
  pitchId: string;
  roomId: string;
  slotId: string;
}

export interface PinnedCell extends Cell {
  pinned: boolean;
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
  | { kind: "voter-clash"; slotId: string; pitchIds: [string, string]; attendees: number };

export interface GridScore {
  /** Choices lost: for each attendee and slot, the sessions they voted for there beyond the first. */
  keptAway: number;
  /** Placed sessions whose votes exceed their room's capacity. */
  overCapacity: number;
  /** Slots where one pitcher has two sessions (a hard rule: the scheduler never makes one). */
  pitcherClashes: number;
  placed: number;
}

function groupBySlot(cells: readonly Cell[]): Map<string, Cell[]> {
  const bySlot = new Map<string, Cell[]>();
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
): Conflict[] {
  const pitchById = new Map(pitches.map((p) => [p.id, p]));
  const roomById = new Map(rooms.map((r) => [r.id, r]));
  const conflicts: Conflict[] = [];
  for (const [slotId, inSlot] of groupBySlot(cells)) {
    const byRoom = new Map<string, string[]>();
    for (const cell of inSlot) byRoom.set(cell.roomId, [...(byRoom.get(cell.roomId) ?? []), cell.pitchId]);
    for (const [roomId, pitchIds] of byRoom) {
      if (pitchIds.length > 1) conflicts.push({ kind: "double-booked", slotId, roomId, pitchIds });
    }
    const byHost = new Map<string, string[]>();
    for (const cell of inSlot) {
      const pitch = pitchById.get(cell.pitchId);
      for (const host of pitch ? hostIdsOf(pitch) : []) byHost.set(host, [...(byHost.get(host) ?? []), cell.pitchId]);
    }
    // One conflict per set of sessions, however many hosts they share.
    const clashes = new Set<string>();
    for (const pitchIds of byHost.values()) {
      const key = pitchIds.join("|");
      if (pitchIds.length > 1 && !clashes.has(key)) {
        clashes.add(key);
        conflicts.push({ kind: "pitcher-clash", slotId, pitchIds });
      }
    }
    for (const cell of inSlot) {
      const pitch = pitchById.get(cell.pitchId);
      const room = roomById.get(cell.roomId);
      const demand = pitch ? demandOf(pitch) : null;
      if (pitch && room && demand && demand.count > room.capacity) {
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
    }
    for (let i = 0; i < inSlot.length; i++) {
      for (let j = i + 1; j < inSlot.length; j++) {
        const a = pitchById.get((inSlot[i] as Cell).pitchId);
        const b = pitchById.get((inSlot[j] as Cell).pitchId);
        if (!a || !b) continue;
        const voters = new Set(a.voters);
        const shared = b.voters.filter((v) => voters.has(v)).length;
        if (shared > 0) conflicts.push({ kind: "voter-clash", slotId, pitchIds: [a.id, b.id], attendees: shared });
      }
    }
  }
  return conflicts;
}

export function scoreGrid(
  cells: readonly Cell[],
  rooms: readonly GridRoom[],
  pitches: readonly GridPitch[],
): GridScore {
  const pitchById = new Map(pitches.map((p) => [p.id, p]));
  const roomById = new Map(rooms.map((r) => [r.id, r]));
  let keptAway = 0;
  let overCapacity = 0;
  let pitcherClashes = 0;
  for (const inSlot of groupBySlot(cells).values()) {
    const perVoter = new Map<string, number>();
    const pitchers = new Set<string>();
    for (const cell of inSlot) {
      const pitch = pitchById.get(cell.pitchId);
      if (!pitch) continue;
      for (const voter of pitch.voters) perVoter.set(voter, (perVoter.get(voter) ?? 0) + 1);
      if (pitch.pitcherId) {
        if (pitchers.has(pitch.pitcherId)) pitcherClashes++;
        pitchers.add(pitch.pitcherId);
      }
      const room = roomById.get(cell.roomId);
      if (room && pitch.votes > room.capacity) overCapacity++;
    }
    for (const n of perVoter.values()) keptAway += Math.max(0, n - 1);
  }
  return { keptAway, overCapacity, pitcherClashes, placed: cells.length };
}

export interface ScheduleInput {
  rooms: readonly GridRoom[];
  slots: readonly GridSlot[];
  pitches: readonly GridPitch[];
  /** Placements to keep exactly as they are. */
  pinned: readonly Cell[];
}

const byVotes = (a: GridPitch, b: GridPitch) => b.votes - a.votes || a.id.localeCompare(b.id);

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

/** Per slot: biggest free rooms to most wanted sessions, pinned cells untouched. */
function assignRooms(input: ScheduleInput, slotPitches: Map<string, GridPitch[]>): Cell[] {
  const cells: Cell[] = [...input.pinned];
  const roomsBySize = [...input.rooms].sort((a, b) => b.capacity - a.capacity || a.id.localeCompare(b.id));
  for (const [slotId, list] of slotPitches) {
    const taken = new Set(input.pinned.filter((c) => c.slotId === slotId).map((c) => c.roomId));
    const free = roomsBySize.filter((r) => !taken.has(r.id));
    [...list].sort(byVotes).forEach((pitch, i) => {
      const room = free[i];
      if (room) cells.push({ pitchId: pitch.id, roomId: room.id, slotId });
    });
  }
  return cells;
}

/**
 * The baseline: most votes into the biggest free room, slot by slot, skipping
 * a pitch whose pitcher already has a session in that slot.
 */
export function greedyGrid(input: ScheduleInput): Cell[] {
  const slots = sessionSlots(input);
  const roomsBySize = [...input.rooms].sort((a, b) => b.capacity - a.capacity || a.id.localeCompare(b.id));
  const pitchById = new Map(input.pitches.map((p) => [p.id, p]));
  const cells: Cell[] = [...input.pinned];
  const queue = chooseCandidates(input, slots.length * input.rooms.length - input.pinned.length);
  for (const slot of slots) {
    const taken = new Set(cells.filter((c) => c.slotId === slot.id).map((c) => c.roomId));
    const pitchers = new Set(
      cells
        .filter((c) => c.slotId === slot.id)
        .map((c) => pitchById.get(c.pitchId)?.pitcherId)
        .filter(Boolean),
    );
    for (const room of roomsBySize) {
      if (taken.has(room.id)) continue;
      const index = queue.findIndex((p) => !p.pitcherId || !pitchers.has(p.pitcherId));
      if (index < 0) break;
      const [pitch] = queue.splice(index, 1) as [GridPitch];
      if (pitch.pitcherId) pitchers.add(pitch.pitcherId);
      cells.push({ pitchId: pitch.id, roomId: room.id, slotId: slot.id });
    }
  }
  return cells;
}

/**
 * Suggests a grid: the top pitches (as many as there are free cells) spread
 * over the session slots so that as few attendees as possible lose a session
 * they voted for, never two sessions of one pitcher in a slot, pinned cells
 * kept, and in each slot the biggest rooms for the most wanted sessions.
 *
 * Greedy insertion (each pitch, most wanted first, into the slot where it
 * costs least) followed by local search (moves and swaps between slots)
 * until nothing improves or the time budget runs out.
 */
export function suggestGrid(input: ScheduleInput, options: { timeBudgetMs?: number } = {}): Cell[] {
  const deadline = performance.now() + (options.timeBudgetMs ?? 2000);
  const slots = sessionSlots(input);
  const pitchById = new Map(input.pitches.map((p) => [p.id, p]));
  const capacity = new Map<string, number>();
  const members = new Map<string, GridPitch[]>();
  const voterCount = new Map<string, Map<string, number>>();
  const pitcherCount = new Map<string, Map<string, number>>();
  for (const slot of slots) {
    capacity.set(slot.id, input.rooms.length);
    members.set(slot.id, []);
    voterCount.set(slot.id, new Map());
    pitcherCount.set(slot.id, new Map());
  }

  const add = (slotId: string, pitch: GridPitch) => {
    const counts = voterCount.get(slotId) as Map<string, number>;
    for (const v of pitch.voters) counts.set(v, (counts.get(v) ?? 0) + 1);
    if (pitch.pitcherId) {
      const pc = pitcherCount.get(slotId) as Map<string, number>;
      pc.set(pitch.pitcherId, (pc.get(pitch.pitcherId) ?? 0) + 1);
    }
  };
  const remove = (slotId: string, pitch: GridPitch) => {
    const counts = voterCount.get(slotId) as Map<string, number>;
    for (const v of pitch.voters) counts.set(v, (counts.get(v) ?? 1) - 1);
    if (pitch.pitcherId) {
      const pc = pitcherCount.get(slotId) as Map<string, number>;
      pc.set(pitch.pitcherId, (pc.get(pitch.pitcherId) ?? 1) - 1);
    }
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
  const pitcherFree = (slotId: string, pitch: GridPitch, without?: GridPitch) => {
    if (!pitch.pitcherId) return true;
    const n = (pitcherCount.get(slotId) as Map<string, number>).get(pitch.pitcherId) ?? 0;
    return n - (without?.pitcherId === pitch.pitcherId ? 1 : 0) === 0;
  };

  for (const cell of input.pinned) {
    const pitch = pitchById.get(cell.pitchId);
    if (!pitch || !capacity.has(cell.slotId)) continue;
    capacity.set(cell.slotId, (capacity.get(cell.slotId) ?? 0) - 1);
    add(cell.slotId, pitch);
  }
  const free = [...capacity.values()].reduce((a, b) => a + Math.max(0, b), 0);
  // Every unpinned pitch, most wanted first: one that cannot be placed leaves its cell to the next.
  const candidates = chooseCandidates(input, Number.POSITIVE_INFINITY);
  const slotOf = new Map<string, string>();
  const roomLeft = (slotId: string) => (capacity.get(slotId) ?? 0) - (members.get(slotId)?.length ?? 0);
  /**
   * When every slot with a free room already has this pitch's pitcher, moves
   * one session out of a full slot where the pitcher is free into a free room
   * (cheapest such move), and returns that slot; null if there is none.
   */
  const makeRoom = (pitch: GridPitch): string | null => {
    let best: { from: string; to: string; moved: GridPitch } | null = null;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const from of slots) {
      if (!pitcherFree(from.id, pitch)) continue;
      for (const moved of members.get(from.id) ?? []) {
        if (!pitcherFree(from.id, pitch, moved)) continue;
        for (const to of slots) {
          if (to.id === from.id || roomLeft(to.id) <= 0 || !pitcherFree(to.id, moved)) continue;
          const cost = addCost(to.id, moved) - removeGain(from.id, moved) + addCost(from.id, pitch, moved);
          if (cost < bestCost) {
            bestCost = cost;
            best = { from: from.id, to: to.id, moved };
          }
        }
      }
    }
    if (!best) return null;
    const { from, to, moved } = best;
    remove(from, moved);
    members.set(
      from,
      (members.get(from) ?? []).filter((p) => p !== moved),
    );
    add(to, moved);
    members.get(to)?.push(moved);
    slotOf.set(moved.id, to);
    return from;
  };

  // Greedy insertion.
  let placed = 0;
  for (const pitch of candidates) {
    if (placed >= free) break;
    let best: string | null = null;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const slot of slots) {
      const room = roomLeft(slot.id);
      if (room <= 0 || !pitcherFree(slot.id, pitch)) continue;
      // Prefer emptier slots on ties, so sessions spread out.
      const cost = addCost(slot.id, pitch) - room / 1000;
      if (cost < bestCost) {
        bestCost = cost;
        best = slot.id;
      }
    }
    best ??= makeRoom(pitch);
    if (!best) continue;
    members.get(best)?.push(pitch);
    add(best, pitch);
    slotOf.set(pitch.id, best);
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
        const room = (capacity.get(to) ?? 0) - (members.get(to)?.length ?? 0);
        if (room > 0 && pitcherFree(to, pitch)) {
          if (addCost(to, pitch) < gain) {
            remove(from, pitch);
            members.set(
              from,
              (members.get(from) ?? []).filter((p) => p !== pitch),
            );
            add(to, pitch);
            members.get(to)?.push(pitch);
            slotOf.set(pitch.id, to);
            improved = true;
            break;
          }
          continue;
        }
        for (const other of members.get(to) ?? []) {
          if (!pitcherFree(to, pitch, other) || !pitcherFree(from, other, pitch)) continue;
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
  return assignRooms(input, members);
}
