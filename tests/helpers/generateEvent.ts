import type { Cell, GridPitch, GridRoom, GridSlot, ScheduleInput } from "../../app/domain/grid";

/**
 * Seeded, generated events for the scheduler's tests and benchmark: the same
 * seed always gives the same event.
 *
 * - Popularity is skewed (Zipf-like weights over a shuffled order), so a few
 *   pitches are far more wanted than the rest.
 * - Each attendee casts `votesPerAttendee` distinct votes (fewer only when
 *   there are fewer pitches), drawn by weight without replacement.
 * - Pitchers are reused: some attendees pitch two or three sessions, and a
 *   few pitches have no pitcher (null).
 * - Rooms have varied capacities.
 * - `breaks` break or plenary slots sit between the session slots.
 * - `pinned` cells are valid: real rooms, session slots, no room twice in a
 *   slot, no pitcher twice in a slot.
 */

export interface EventShape {
  seed: number;
  pitches: number;
  rooms: number;
  /** Session slots. */
  slots: number;
  attendees: number;
  votesPerAttendee?: number;
  /** Break or plenary slots mixed in among the session slots. */
  breaks?: number;
  /** How many pitches to pin to cells. */
  pinned?: number;
  /** Zipf exponent of popularity; higher is more skewed. */
  skew?: number;
  /** Share of pitches with a second host (co-host-like multi-host pitches). */
  multiHost?: number;
  /** Share of hosts who cannot make some slots (each misses 1 or 2). */
  unavailable?: number;
  /** Share of pitches that take 2 slots (a few of those take 3). */
  long?: number;
  /** Share of pitches that need a room feature; rooms get features at random. */
  needs?: number;
  /** Days the session slots are spread over (a long session never crosses one). */
  days?: number;
}

export interface GeneratedEvent extends ScheduleInput {
  shape: Required<EventShape>;
}

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const pad = (n: number) => String(n).padStart(3, "0");
const CAPACITIES = [8, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150];

export function generateEvent(shape: EventShape): GeneratedEvent {
  const full: Required<EventShape> = {
    votesPerAttendee: 3,
    breaks: 0,
    pinned: 0,
    skew: 1.1,
    multiHost: 0,
    unavailable: 0,
    long: 0,
    needs: 0,
    days: 1,
    ...shape,
  };
  const random = seededRandom(full.seed);

  const attendeeIds = Array.from({ length: full.attendees }, (_, i) => `a${pad(i)}`);

  // Pitchers: reuse an earlier pitcher (with fewer than 3 pitches) about a third of the time.
  const pitchCount = new Map<string, number>();
  const pitcherIds: Array<string | null> = [];
  let nextPitcher = 0;
  for (let i = 0; i < full.pitches; i++) {
    if (random() < 0.05) {
      pitcherIds.push(null);
      continue;
    }
    const reusable = [...pitchCount].filter(([, n]) => n < 3).map(([id]) => id);
    const id =
      reusable.length > 0 && random() < 0.35
        ? (reusable[Math.floor(random() * reusable.length)] as string)
        : `u${pad(nextPitcher++)}`;
    pitchCount.set(id, (pitchCount.get(id) ?? 0) + 1);
    pitcherIds.push(id);
  }

  // Popularity: Zipf-like weights, assigned to pitches in a shuffled order.
  const order = shuffle(
    Array.from({ length: full.pitches }, (_, i) => i),
    random,
  );
  const weight = new Array<number>(full.pitches).fill(0);
  order.forEach((pitchIndex, rank) => {
    weight[pitchIndex] = 1 / (rank + 1) ** full.skew;
  });

  const voters: string[][] = Array.from({ length: full.pitches }, () => []);
  for (const attendee of attendeeIds) {
    const chosen = new Set<number>();
    const wanted = Math.min(full.votesPerAttendee, full.pitches);
    while (chosen.size < wanted) {
      let total = 0;
      for (let i = 0; i < full.pitches; i++) if (!chosen.has(i)) total += weight[i] as number;
      let r = random() * total;
      let pick = -1;
      for (let i = 0; i < full.pitches; i++) {
        if (chosen.has(i)) continue;
        pick = i;
        r -= weight[i] as number;
        if (r <= 0) break;
      }
      chosen.add(pick);
      voters[pick]?.push(attendee);
    }
  }

  const pitches: GridPitch[] = voters.map((list, i) => ({
    id: `p${pad(i)}`,
    votes: list.length,
    pitcherId: pitcherIds[i] ?? null,
    voters: list,
  }));

  const rooms: GridRoom[] = Array.from({ length: full.rooms }, (_, i) => ({
    id: `r${pad(i)}`,
    capacity: CAPACITIES[Math.floor(random() * CAPACITIES.length)] as number,
  }));

  const slots: GridSlot[] = Array.from({ length: full.slots }, (_, i) => ({ id: `s${pad(i)}`, kind: "sessions" }));
  for (let i = 0; i < full.breaks; i++) {
    const at = Math.floor(random() * (slots.length + 1));
    slots.splice(at, 0, { id: `b${pad(i)}`, kind: random() < 0.5 ? "break" : "plenary" });
  }

  // Pinned cells: random pitches into random free cells, keeping the hard rules.
  const pinned: Cell[] = [];
  const sessionSlots = slots.filter((s) => s.kind === "sessions");
  const cells = shuffle(
    sessionSlots.flatMap((slot) => rooms.map((room) => ({ slotId: slot.id, roomId: room.id }))),
    random,
  );
  const candidates = shuffle([...pitches], random);
  const pitchersIn = new Map<string, Set<string>>();
  for (const pitch of candidates) {
    if (pinned.length >= full.pinned) break;
    const index = cells.findIndex((c) => !pitch.pitcherId || !pitchersIn.get(c.slotId)?.has(pitch.pitcherId as string));
    if (index < 0) continue;
    const [cell] = cells.splice(index, 1) as [{ slotId: string; roomId: string }];
    if (pitch.pitcherId) {
      const set = pitchersIn.get(cell.slotId) ?? new Set<string>();
      set.add(pitch.pitcherId);
      pitchersIn.set(cell.slotId, set);
    }
    pinned.push({ pitchId: pitch.id, roomId: cell.roomId, slotId: cell.slotId });
  }

  const extras = addScheduleNeeds(full, { rooms, slots, pitches, pinned });
  return { rooms, slots, pitches, pinned, ...extras, shape: full };
}

const FEATURES = ["step-free", "hearing-loop", "projector", "whiteboard", "quiet"];

/**
 * Multi-host pitches, availability, long sessions, needs and days, drawn from
 * a second stream so that events without them stay exactly as before. Pinned
 * pitches keep one slot, no needs and hosts who can make their slot, so the
 * pinned cells never break a rule themselves.
 */
function addScheduleNeeds(
  full: Required<EventShape>,
  event: Pick<ScheduleInput, "rooms" | "slots" | "pitches" | "pinned">,
): { unavailable?: Record<string, string[]> } {
  if (!full.multiHost && !full.unavailable && !full.long && !full.needs && full.days <= 1) return {};
  const random = seededRandom(full.seed * 7919 + 17);
  const rooms = event.rooms as GridRoom[];
  const slots = event.slots as GridSlot[];
  const pitches = event.pitches as GridPitch[];
  const pinnedIds = new Set(event.pinned.map((c) => c.pitchId));
  const pinnedSlots = new Map(event.pinned.map((c) => [c.pitchId, c.slotId]));
  // Days: the slots split into `days` runs in order.
  const perDay = Math.ceil(slots.length / Math.max(1, full.days));
  slots.forEach((slot, i) => {
    slot.day = `2030-06-0${1 + Math.floor(i / perDay)}`;
  });
  // Every room has a feature or two, the biggest rooms more often, so most needs can be met.
  for (const room of rooms) {
    const features = FEATURES.filter(() => random() < 0.35);
    room.features = features;
  }
  const hosts = [...new Set(pitches.map((p) => p.pitcherId).filter((h): h is string => h !== null))];
  for (const pitch of pitches) {
    const own = pitch.pitcherId ? [pitch.pitcherId] : [];
    if (pinnedIds.has(pitch.id)) {
      pitch.hostIds = own;
      continue;
    }
    if (random() < full.multiHost && hosts.length > 1) {
      const other = hosts[Math.floor(random() * hosts.length)] as string;
      pitch.hostIds = [...new Set([...own, other])];
    } else {
      pitch.hostIds = own;
    }
    if (random() < full.long) pitch.span = random() < 0.2 ? 3 : 2;
    if (random() < full.needs) pitch.needs = [FEATURES[Math.floor(random() * FEATURES.length)] as string];
  }
  // Hosts of pinned pitches can make their pinned slots.
  const mustMake = new Map<string, Set<string>>();
  for (const pitch of pitches) {
    const slotId = pinnedSlots.get(pitch.id);
    if (!slotId) continue;
    for (const host of pitch.hostIds ?? []) mustMake.set(host, new Set([...(mustMake.get(host) ?? []), slotId]));
  }
  const sessionIds = slots.filter((s) => s.kind === "sessions").map((s) => s.id);
  const unavailable: Record<string, string[]> = {};
  for (const host of hosts) {
    if (random() >= full.unavailable || sessionIds.length < 2) continue;
    const n = random() < 0.5 ? 1 : 2;
    const chosen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const id = sessionIds[Math.floor(random() * sessionIds.length)] as string;
      if (!mustMake.get(host)?.has(id)) chosen.add(id);
    }
    if (chosen.size) unavailable[host] = [...chosen];
  }
  return { unavailable };
}
