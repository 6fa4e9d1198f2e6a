import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type LiveEvent,
  applyEventPatch,
  applyPatch,
  applyPersonal,
  applyTallies,
  boardView,
  gridViewOf,
  showsTallies,
  stepFor,
  withMyVote,
} from "../../app/realtime/eventState";
import type {
  ConflictFact,
  EventFacts,
  EventPatch,
  PersonalFacts,
  PitchFact,
  PlacementFact,
  RoomFact,
  SettingsFact,
  SlotFact,
  Tallies,
} from "../../app/realtime/facts";

/**
 * The page's copy of an event (app/realtime/eventState.ts): each pure
 * function on its own, then a property test that plays random series of
 * changes on a model of the server and checks that a page applying the
 * pushes one by one ends with exactly what a fresh snapshot would give.
 */

// ---------------------------------------------------------------- builders

const settings = (over: Partial<SettingsFact> = {}): SettingsFact => ({
  name: "Test Camp",
  slug: "test-camp",
  date: "2026-12-01",
  timeZone: "Europe/London",
  pitchingOpen: true,
  votingOpen: false,
  votesPerAttendee: 3,
  blindVoting: false,
  shufflePitches: false,
  feedbackOn: false,
  announcement: null,
  ...over,
});

const at = (n: number) => `2026-12-01T09:${String(n).padStart(2, "0")}:00.000Z`;

const pitch = (id: string, over: Partial<PitchFact> = {}): PitchFact => ({
  id,
  title: `Title ${id}`,
  descriptionHtml: "",
  tags: [],
  pitcherName: null,
  coHostNames: [],
  goingCap: null,
  status: "open",
  mergedIntoId: null,
  createdAt: at(0),
  span: 1,
  needs: [],
  remoteUrl: null,
  ...over,
});

const room = (id: string, capacity = 20): RoomFact => ({
  id,
  name: `Room ${id}`,
  capacity,
  features: [],
  remoteUrl: null,
});
const slot = (id: string, hour: number, kind: SlotFact["kind"] = "sessions"): SlotFact => ({
  id,
  localStart: `2026-12-01T${String(hour).padStart(2, "0")}:00`,
  localEnd: `2026-12-01T${String(hour).padStart(2, "0")}:45`,
  kind,
  label: "",
});
const placed = (pitchId: string, roomId: string, slotId: string, pinned = false): PlacementFact => ({
  pitchId,
  roomId,
  slotId,
  pinned,
  span: 1,
});

const facts = (over: Partial<EventFacts> = {}): EventFacts => ({
  eventId: "ev1",
  version: 0,
  settings: settings(),
  rooms: [],
  slots: [],
  pitches: [],
  placements: [],
  conflicts: [],
  ...over,
});

const nobody: PersonalFacts = {
  isOrganiser: false,
  attendee: null,
  myVotes: [],
  myPitches: [],
  mentions: 0,
  coHosting: [],
  invitations: 0,
  myGoing: [],
};
const attendee = (over: Partial<PersonalFacts> = {}): PersonalFacts => ({
  isOrganiser: false,
  attendee: { id: "me", name: "Me", nameInWriteups: false },
  myVotes: [],
  myPitches: [],
  mentions: 0,
  coHosting: [],
  invitations: 0,
  myGoing: [],
  ...over,
});
const organiser = (over: Partial<PersonalFacts> = {}): PersonalFacts => ({ ...nobody, isOrganiser: true, ...over });

const live = (f: Partial<EventFacts> = {}, personal: PersonalFacts = attendee(), tallies: Tallies | null = {}) => ({
  facts: facts(f),
  tallies,
  going: {},
  personal,
});

/** Freezes a value and everything in it, so a function that mutates its input throws. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

// ---------------------------------------------------------------- stepFor

describe("stepFor", () => {
  it("applies exactly the next version", () => {
    expect(stepFor(0, 1)).toBe("apply");
    expect(stepFor(41, 42)).toBe("apply");
  });

  it("calls a version already held, or older, stale", () => {
    expect(stepFor(5, 5)).toBe("stale");
    expect(stepFor(5, 4)).toBe("stale");
    expect(stepFor(5, 0)).toBe("stale");
  });

  it("calls a version beyond the next one a gap", () => {
    expect(stepFor(0, 2)).toBe("gap");
    expect(stepFor(5, 7)).toBe("gap");
    expect(stepFor(5, 500)).toBe("gap");
  });

  it("holds for any pair of versions", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (current, incoming) => {
        const step = stepFor(current, incoming);
        if (incoming <= current) expect(step).toBe("stale");
        else if (incoming === current + 1) expect(step).toBe("apply");
        else expect(step).toBe("gap");
      }),
    );
  });

  it("sees a gap after one lost push and nothing but stale after a duplicate", () => {
    // A page at 3 receives 4, then 6 (5 was lost), then 4 again (a duplicate).
    let held = 3;
    const seen: string[] = [];
    for (const v of [4, 6, 4]) {
      const step = stepFor(held, v);
      seen.push(step);
      if (step === "apply") held = v;
    }
    expect(seen).toEqual(["apply", "gap", "stale"]);
    expect(held).toBe(4);
  });
});

// ---------------------------------------------------------------- applyPatch

describe("applyPatch", () => {
  it("with an empty patch moves only the version and keeps every list", () => {
    const before = deepFreeze(
      facts({
        rooms: [room("r1")],
        slots: [slot("s1", 10)],
        pitches: [pitch("a")],
        placements: [placed("a", "r1", "s1")],
      }),
    );
    const after = applyPatch(before, {}, 1);
    expect(after).toEqual({ ...before, version: 1 });
    expect(after.rooms).toBe(before.rooms);
    expect(after.pitches).toBe(before.pitches);
    expect(after.placements).toBe(before.placements);
  });

  it("replaces settings, rooms, slots, placements and conflicts with what the patch names", () => {
    const before = deepFreeze(
      facts({ rooms: [room("r1")], slots: [slot("s1", 10)], placements: [placed("a", "r1", "s1")] }),
    );
    const conflict: ConflictFact = {
      kind: "double-booked",
      slotId: "s1",
      pitchIds: ["a", "b"],
      message: "clash",
      label: "Double-booked",
    };
    const after = applyPatch(
      before,
      {
        settings: settings({ votingOpen: true }),
        rooms: [room("r1"), room("r2", 5)],
        slots: [slot("s0", 9), slot("s1", 10)],
        placements: [placed("a", "r2", "s0", true)],
        conflicts: [conflict],
      },
      7,
    );
    expect(after).toEqual({
      ...before,
      version: 7,
      settings: settings({ votingOpen: true }),
      rooms: [room("r1"), room("r2", 5)],
      slots: [slot("s0", 9), slot("s1", 10)],
      placements: [placed("a", "r2", "s0", true)],
      conflicts: [conflict],
    });
  });

  it("empties a list when the patch sends it empty (the last room removed, the grid cleared)", () => {
    const before = facts({ rooms: [room("r1")], slots: [slot("s1", 10)], placements: [placed("a", "r1", "s1")] });
    const after = applyPatch(before, { rooms: [], slots: [], placements: [], conflicts: [] }, 1);
    expect(after.rooms).toEqual([]);
    expect(after.slots).toEqual([]);
    expect(after.placements).toEqual([]);
  });

  it("adds a new pitch in age order, whatever order it arrives in", () => {
    const before = deepFreeze(facts({ pitches: [pitch("a", { createdAt: at(1) }), pitch("c", { createdAt: at(3) })] }));
    const after = applyPatch(before, { pitches: [pitch("b", { createdAt: at(2) })] }, 1);
    expect(after.pitches.map((p) => p.id)).toEqual(["a", "b", "c"]);
    const newest = applyPatch(after, { pitches: [pitch("d", { createdAt: at(4) })] }, 2);
    expect(newest.pitches.map((p) => p.id)).toEqual(["a", "b", "c", "d"]);
  });

  it("orders pitches of the same moment by id", () => {
    const before = facts({ pitches: [pitch("a", { createdAt: at(1) }), pitch("c", { createdAt: at(1) })] });
    const after = applyPatch(before, { pitches: [pitch("b", { createdAt: at(1) })] }, 1);
    expect(after.pitches.map((p) => p.id)).toEqual(["a", "b", "c"]);
  });

  it("replaces an edited pitch in place (upsert by id), leaving the others untouched", () => {
    const a = pitch("a", { createdAt: at(1) });
    const b = pitch("b", { createdAt: at(2) });
    const before = deepFreeze(facts({ pitches: [a, b] }));
    const edited = { ...a, title: "New title", descriptionHtml: "<p>New</p>", tags: ["x"], pitcherName: "Ann" };
    const after = applyPatch(before, { pitches: [edited] }, 1);
    expect(after.pitches).toEqual([edited, b]);
    expect(after.pitches[1]).toBe(b);
  });

  it("shows a merge: the merged-away pitch stays with its status and where it went", () => {
    const before = facts({ pitches: [pitch("a", { createdAt: at(1) }), pitch("b", { createdAt: at(2) })] });
    const after = applyPatch(
      before,
      {
        pitches: [
          pitch("a", { createdAt: at(1), status: "merged", mergedIntoId: "b" }),
          pitch("b", { createdAt: at(2) }),
        ],
      },
      1,
    );
    expect(after.pitches.map((p) => [p.id, p.status, p.mergedIntoId])).toEqual([
      ["a", "merged", "b"],
      ["b", "open", null],
    ]);
  });

  it("removes withdrawn or hidden pitches, and ignores ids it does not hold", () => {
    const before = facts({ pitches: [pitch("a", { createdAt: at(1) }), pitch("b", { createdAt: at(2) })] });
    const after = applyPatch(before, { removedPitchIds: ["a", "zz"] }, 1);
    expect(after.pitches.map((p) => p.id)).toEqual(["b"]);
  });

  it("lets a removal in the same patch win over an upsert of that pitch", () => {
    const before = facts({ pitches: [pitch("a", { createdAt: at(1) })] });
    const after = applyPatch(before, { pitches: [pitch("a", { title: "x" })], removedPitchIds: ["a"] }, 1);
    expect(after.pitches).toEqual([]);
  });

  it("brings a pitch back (unhidden) as an upsert of one it no longer holds", () => {
    const before = facts({ pitches: [pitch("b", { createdAt: at(2) })] });
    const after = applyPatch(before, { pitches: [pitch("a", { createdAt: at(1) })] }, 3);
    expect(after.pitches.map((p) => p.id)).toEqual(["a", "b"]);
  });

  it("never changes the facts it was given", () => {
    const before = deepFreeze(facts({ pitches: [pitch("a", { createdAt: at(1) })], rooms: [room("r")] }));
    const copy = structuredClone(before);
    applyPatch(before, { pitches: [pitch("b", { createdAt: at(0) })], removedPitchIds: ["a"], rooms: [] }, 1);
    expect(before).toEqual(copy);
  });
});

// ---------------------------------------------------------------- applyPersonal

describe("applyPersonal", () => {
  it("returns the same object when nothing left or merged", () => {
    const mine = attendee({ myVotes: ["a"], myPitches: ["b"] });
    expect(applyPersonal(mine, {})).toBe(mine);
    expect(applyPersonal(mine, { pitches: [pitch("a", { title: "edited" })], placements: [] })).toBe(mine);
  });

  it("drops a removed pitch from my votes (a hidden pitch's votes are released) but keeps it mine (it may come back)", () => {
    const mine = deepFreeze(attendee({ myVotes: ["a", "b"], myPitches: ["a", "c"] }));
    expect(applyPersonal(mine, { removedPitchIds: ["a"] })).toEqual(
      attendee({ myVotes: ["b"], myPitches: ["a", "c"] }),
    );
  });

  it("moves my vote for a merged pitch to the one it went into", () => {
    const mine = attendee({ myVotes: ["a", "c"] });
    const after = applyPersonal(mine, { pitches: [pitch("a", { status: "merged", mergedIntoId: "b" }), pitch("b")] });
    expect(after.myVotes).toEqual(["b", "c"]);
  });

  it("counts a vote once when I voted for both merged pitches", () => {
    const mine = attendee({ myVotes: ["a", "b", "c"] });
    const after = applyPersonal(mine, { pitches: [pitch("a", { status: "merged", mergedIntoId: "b" }), pitch("b")] });
    expect(after.myVotes).toEqual(["b", "c"]);
  });

  it("no longer lists my pitch as mine once it is merged away, but keeps the one it went into", () => {
    const mine = attendee({ myPitches: ["a", "b"] });
    const after = applyPersonal(mine, { pitches: [pitch("a", { status: "merged", mergedIntoId: "b" }), pitch("b")] });
    expect(after.myPitches).toEqual(["b"]);
  });

  it("ignores a merged pitch that names nowhere to go", () => {
    const mine = attendee({ myVotes: ["a"] });
    expect(applyPersonal(mine, { pitches: [pitch("a", { status: "merged", mergedIntoId: null })] })).toBe(mine);
  });

  it("keeps who I am", () => {
    const org = organiser({ myVotes: ["a"] });
    expect(applyPersonal(org, { removedPitchIds: ["a"] })).toEqual(organiser());
  });
});

// ---------------------------------------------------------------- applyEventPatch

describe("applyEventPatch", () => {
  it("applies the facts and personal parts together", () => {
    const before = deepFreeze(
      live(
        { pitches: [pitch("a", { createdAt: at(1) }), pitch("b", { createdAt: at(2) })] },
        attendee({ myVotes: ["a"] }),
        {
          b: 1,
        },
      ),
    );
    const after = applyEventPatch(before, { removedPitchIds: ["a"], placements: [] }, 1);
    expect(after.facts.version).toBe(1);
    expect(after.facts.pitches.map((p) => p.id)).toEqual(["b"]);
    expect(after.personal.myVotes).toEqual([]);
    expect(after.tallies).toEqual({ b: 1 });
  });

  it("drops the count of a pitch that left, so one shown again starts from nothing", () => {
    const before = deepFreeze(live({ pitches: [pitch("a"), pitch("b")] }, attendee(), { a: 2, b: 1 }));
    const hidden = applyEventPatch(before, { removedPitchIds: ["a"] }, 1);
    expect(hidden.tallies).toEqual({ b: 1 });
    const back = applyEventPatch(hidden, { pitches: [pitch("a")] }, 2);
    expect(boardView(back).pitches.find((p) => p.id === "a")?.votes).toBe(0);
    // Hidden counts (null) stay hidden.
    expect(applyEventPatch(live({}, attendee(), null), { removedPitchIds: ["a"] }, 1).tallies).toBeNull();
  });

  it("replaces the tallies when the patch carries them (a blind vote closed, a merge moved votes)", () => {
    const before = live({}, attendee(), { a: 3, b: 1 });
    const sent = { b: 4 };
    const after = applyEventPatch(before, { tallies: sent }, 1);
    expect(after.tallies).toEqual({ b: 4 });
    expect(after.tallies).not.toBe(sent);
  });

  it("turns hidden tallies (null) into counts when the patch carries them", () => {
    const after = applyEventPatch(live({}, attendee(), null), { tallies: { a: 2 } }, 1);
    expect(after.tallies).toEqual({ a: 2 });
  });

  it("keeps the tallies when the patch carries none", () => {
    const before = live({}, attendee(), { a: 3 });
    expect(applyEventPatch(before, { settings: settings({ name: "Renamed" }) }, 1).tallies).toEqual({ a: 3 });
  });
});

// ---------------------------------------------------------------- applyTallies and withMyVote

describe("applyTallies", () => {
  it("starts from nothing when tallies were hidden", () => {
    expect(applyTallies(null, { a: 1 })).toEqual({ a: 1 });
  });

  it("takes the latest count of each pitch that changed and keeps the others", () => {
    const current = deepFreeze({ a: 1, b: 2 });
    expect(applyTallies(current, { b: 3, c: 1 })).toEqual({ a: 1, b: 3, c: 1 });
    expect(current).toEqual({ a: 1, b: 2 });
  });

  it("records a count that went back to zero", () => {
    expect(applyTallies({ a: 1 }, { a: 0 })).toEqual({ a: 0 });
  });
});

describe("withMyVote", () => {
  it("adds an acknowledged vote and takes a withdrawn one away", () => {
    const start = deepFreeze(attendee({ myVotes: ["a"] }));
    const voted = withMyVote(start, "b", true);
    expect(voted.myVotes).toEqual(["a", "b"]);
    expect(withMyVote(voted, "a", false).myVotes).toEqual(["b"]);
  });

  it("returns the same object when the vote is already as acknowledged (a retried command)", () => {
    const start = attendee({ myVotes: ["a"] });
    expect(withMyVote(start, "a", true)).toBe(start);
    expect(withMyVote(start, "b", false)).toBe(start);
  });
});

// ---------------------------------------------------------------- views

describe("showsTallies", () => {
  it("hides counts from attendees only while a blind vote is open", () => {
    const open = settings({ votingOpen: true, blindVoting: true });
    expect(showsTallies(live({ settings: open }, attendee()))).toBe(false);
    expect(showsTallies(live({ settings: open }, nobody))).toBe(false);
    expect(showsTallies(live({ settings: open }, organiser()))).toBe(true);
    expect(showsTallies(live({ settings: { ...open, votingOpen: false } }, attendee()))).toBe(true);
    expect(showsTallies(live({ settings: { ...open, blindVoting: false } }, attendee()))).toBe(true);
  });
});

describe("boardView", () => {
  const a = pitch("a", { createdAt: at(1), title: "Alpha", pitcherName: "Ann" });
  const b = pitch("b", { createdAt: at(2), title: "Beta" });
  const c = pitch("c", { createdAt: at(3), title: "Gamma" });
  const m = pitch("m", { createdAt: at(4), title: "Merged", status: "merged", mergedIntoId: "a" });

  it("lists the open pitches with my marks and their counts, and the merged ones apart", () => {
    const board = boardView(
      live(
        { pitches: [a, b, c, m], settings: settings({ votingOpen: true, votesPerAttendee: 3 }) },
        attendee({ myVotes: ["a"], myPitches: ["b"] }),
        { a: 2, b: 0 },
      ),
    );
    const card = (p: PitchFact, mine: boolean, voted: boolean, votes: number | null) => ({
      id: p.id,
      title: p.title,
      descriptionHtml: p.descriptionHtml,
      tags: p.tags,
      pitcherName: p.pitcherName,
      coHostNames: [],
      mine,
      canEdit: mine,
      voted,
      votes,
    });
    expect(board.pitches).toEqual([card(a, false, true, 2), card(b, true, false, 0), card(c, false, false, 0)]);
    expect(board.merged).toEqual([{ id: "m", title: "Merged", intoId: "a", intoTitle: "Alpha" }]);
    expect(board.votesLeft).toBe(2);
    expect(board.talliesVisible).toBe(true);
  });

  it("leaves out a merged pitch whose target it does not know", () => {
    const lost = pitch("x", { createdAt: at(5), status: "merged", mergedIntoId: "gone" });
    expect(boardView(live({ pitches: [a, lost] })).merged).toEqual([]);
  });

  it("counts only votes on open pitches against the budget", () => {
    const board = boardView(
      live(
        { pitches: [a, b, m], settings: settings({ votingOpen: true, votesPerAttendee: 2 }) },
        attendee({ myVotes: ["a", "m", "withdrawn"] }),
      ),
    );
    expect(board.votesLeft).toBe(1);
  });

  it("never goes below zero votes left", () => {
    const board = boardView(
      live({ pitches: [a, b, c], settings: settings({ votesPerAttendee: 1 }) }, attendee({ myVotes: ["a", "b"] })),
    );
    expect(board.votesLeft).toBe(0);
  });

  it("has no votes left to show for someone who has not joined", () => {
    expect(boardView(live({ pitches: [a] }, nobody)).votesLeft).toBeNull();
  });

  it("hides counts from an attendee during a blind vote, not from organisers", () => {
    const blind = settings({ votingOpen: true, blindVoting: true });
    const mine = boardView(live({ pitches: [a, b], settings: blind }, attendee(), { a: 5 }));
    expect(mine.pitches.map((p) => p.votes)).toEqual([null, null]);
    expect(mine.talliesVisible).toBe(false);
    const theirs = boardView(live({ pitches: [a, b], settings: blind }, organiser(), { a: 5 }));
    expect(theirs.pitches.map((p) => p.votes)).toEqual([5, 0]);
  });

  it("orders by age while voting is open, by votes once it closed", () => {
    const tallies = { c: 3, a: 1 };
    const open = boardView(live({ pitches: [a, b, c], settings: settings({ votingOpen: true }) }, attendee(), tallies));
    expect(open.pitches.map((p) => p.id)).toEqual(["a", "b", "c"]);
    const closed = boardView(live({ pitches: [a, b, c] }, attendee(), tallies));
    expect(closed.pitches.map((p) => p.id)).toEqual(["c", "a", "b"]);
  });

  it("shuffles per attendee when asked, the same way on every render", () => {
    const many = Array.from({ length: 12 }, (_, i) => pitch(`p${String(i).padStart(2, "0")}`, { createdAt: at(i) }));
    const shuffled = settings({ votingOpen: true, shufflePitches: true });
    const forMe = boardView(live({ pitches: many, settings: shuffled }, attendee())).pitches.map((p) => p.id);
    const again = boardView(live({ pitches: many, settings: shuffled }, attendee())).pitches.map((p) => p.id);
    const forYou = boardView(
      live(
        { pitches: many, settings: shuffled },
        attendee({ attendee: { id: "you", name: "", nameInWriteups: false } }),
      ),
    ).pitches.map((p) => p.id);
    expect(again).toEqual(forMe);
    expect([...forMe].sort()).toEqual(many.map((p) => p.id));
    expect(forMe).not.toEqual(many.map((p) => p.id));
    expect(forYou).not.toEqual(forMe);
    // Someone who has not joined has no seed: age order.
    expect(boardView(live({ pitches: many, settings: shuffled }, nobody)).pitches.map((p) => p.id)).toEqual(
      many.map((p) => p.id),
    );
  });
});

describe("gridViewOf", () => {
  const a = pitch("a", { createdAt: at(1), title: "Alpha", pitcherName: "Ann" });
  const b = pitch("b", { createdAt: at(2), title: "Beta" });
  const c = pitch("c", { createdAt: at(3), title: "Gamma" });
  const d = pitch("d", { createdAt: at(4), title: "Delta" });
  const m = pitch("m", { createdAt: at(5), title: "Merged", status: "merged", mergedIntoId: "a" });
  const rooms = [room("r1", 10), room("r2", 2)];
  const slots = [slot("s1", 10), slot("s2", 11)];
  const conflicts: ConflictFact[] = [
    { kind: "double-booked", slotId: "s1", pitchIds: ["a"], message: "m", label: "Double-booked" },
  ];

  it("fills cells from placements of open pitches, with title, pitcher, count and my vote", () => {
    const view = gridViewOf(
      live(
        {
          rooms,
          slots,
          conflicts,
          pitches: [a, b, c, d, m],
          placements: [placed("a", "r1", "s1", true), placed("m", "r2", "s1"), placed("gone", "r2", "s2")],
        },
        attendee({ myVotes: ["a"] }),
        { a: 4 },
      ),
    );
    expect(view.rooms).toEqual(rooms);
    expect(view.slots).toEqual(slots);
    expect(view.conflicts).toEqual(conflicts);
    expect(view.cells).toEqual([
      {
        pitchId: "a",
        roomId: "r1",
        slotId: "s1",
        pinned: true,
        span: 1,
        title: "Alpha",
        pitcherName: "Ann",
        coHostNames: [],
        votes: 4,
        myVote: true,
        going: { going: 0, waiting: 0 },
        goingCap: null,
        myGoing: null,
      },
    ]);
  });

  it("lists what is not scheduled yet, most votes first, then by title", () => {
    const view = gridViewOf(
      live(
        { rooms, slots, pitches: [a, b, c, d], placements: [placed("a", "r1", "s1")] },
        attendee({ myVotes: ["c"] }),
        {
          b: 1,
          c: 3,
        },
      ),
    );
    expect(view.unplaced).toEqual([
      { id: "c", title: "Gamma", votes: 3, myVote: true, span: 1, needs: [], unmet: [] },
      { id: "b", title: "Beta", votes: 1, myVote: false, span: 1, needs: [], unmet: [] },
      { id: "d", title: "Delta", votes: 0, myVote: false, span: 1, needs: [], unmet: [] },
    ]);
  });

  it("during a blind vote hides counts and orders by title only, so the order reveals nothing", () => {
    const blind = settings({ votingOpen: true, blindVoting: true });
    const view = gridViewOf(
      live(
        { rooms, slots, settings: blind, pitches: [a, b, c, d], placements: [placed("a", "r1", "s1")] },
        attendee(),
        {
          b: 1,
          c: 3,
          d: 9,
        },
      ),
    );
    expect(view.cells.map((cell) => cell.votes)).toEqual([null]);
    expect(view.unplaced.map((p) => [p.title, p.votes])).toEqual([
      ["Beta", null],
      ["Delta", null],
      ["Gamma", null],
    ]);
  });
});

// ---------------------------------------------------------------- the property: pushes equal a fresh snapshot

/**
 * A model of the server: what it stores, the snapshot it would serve, and the
 * patch it pushes for each command (mirroring `publishChange` in
 * app/services/facts.server.ts: grid-changing writes send placements and
 * conflicts, removals send the placements left, settings and merges send the
 * full tallies the viewer may see). The viewer is one attendee, "me".
 */
interface ModelPitch {
  fact: PitchFact;
  status: "open" | "merged" | "hidden";
  pitcherId: string;
}

class ServerModel {
  version = 0;
  // Voting open from the start, so votes (and merges that move them) happen often.
  settings = settings({ votingOpen: true });
  rooms: RoomFact[] = [];
  slots: SlotFact[] = [];
  pitches = new Map<string, ModelPitch>();
  placements: PlacementFact[] = [];
  /** Voters per pitch id. */
  votes = new Map<string, Set<string>>();
  private seq = 0;

  nextId(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(3, "0")}`;
  }

  open(): ModelPitch[] {
    return [...this.pitches.values()].filter((p) => p.status === "open");
  }

  private shown(): PitchFact[] {
    return (
      [...this.pitches.values()]
        .filter((p) => p.status !== "hidden")
        .map((p) => ({
          ...p.fact,
          status: p.status as "open" | "merged",
          mergedIntoId: p.status === "merged" ? p.fact.mergedIntoId : null,
        }))
        // SQLite's ORDER BY created_at, id: binary order (ids here are lowercase and digits, like localeCompare).
        .sort((x, y) =>
          x.createdAt < y.createdAt ? -1 : x.createdAt > y.createdAt ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : 0,
        )
    );
  }

  private gridPlacements(): PlacementFact[] {
    const open = new Set(this.open().map((p) => p.fact.id));
    return this.placements.filter((c) => open.has(c.pitchId)).map((c) => ({ ...c }));
  }

  /** Conflicts: two sessions in one slot (titles in the message, so an edit changes them). */
  private conflicts(): ConflictFact[] {
    const bySlot = new Map<string, string[]>();
    for (const c of this.gridPlacements()) bySlot.set(c.slotId, [...(bySlot.get(c.slotId) ?? []), c.pitchId]);
    return [...bySlot]
      .filter(([, ids]) => ids.length > 1)
      .map(([slotId, ids]) => ({
        kind: "double-booked" as const,
        slotId,
        pitchIds: ids,
        message: ids.map((id) => this.pitches.get(id)?.fact.title).join(" / "),
        label: "Double-booked",
      }));
  }

  private visible(): boolean {
    return !(this.settings.blindVoting && this.settings.votingOpen);
  }

  private tallies(): Tallies {
    const out: Tallies = {};
    for (const p of this.open()) {
      const n = this.votes.get(p.fact.id)?.size ?? 0;
      if (n > 0) out[p.fact.id] = n;
    }
    return out;
  }

  snapshot(): LiveEvent {
    // Open or hidden: a hidden pitch may be shown again and is still its pitcher's.
    const mine = [...this.pitches.values()].filter((p) => p.status !== "merged" && p.pitcherId === "me");
    return {
      facts: {
        eventId: "ev1",
        version: this.version,
        settings: { ...this.settings },
        rooms: this.rooms.map((r) => ({ ...r })),
        slots: this.slots.map((s) => ({ ...s })),
        pitches: this.shown(),
        placements: this.gridPlacements(),
        conflicts: this.conflicts(),
      },
      tallies: this.visible() ? this.tallies() : null,
      going: {},
      personal: {
        isOrganiser: false,
        attendee: { id: "me", name: "Me", nameInWriteups: false },
        myVotes: [...this.votes].filter(([, voters]) => voters.has("me")).map(([id]) => id),
        myPitches: mine.map((p) => p.fact.id),
        mentions: 0,
        coHosting: [],
        invitations: 0,
        myGoing: [],
      },
    };
  }

  /** Commits a change: the next version and the patch the server would push. */
  commit(parts: {
    settings?: boolean;
    rooms?: boolean;
    slots?: boolean;
    pitchIds?: string[];
    removed?: string[];
    grid?: boolean;
    tallies?: boolean;
  }): { version: number; patch: EventPatch } {
    this.version++;
    const patch: EventPatch = {};
    if (parts.settings) patch.settings = { ...this.settings };
    if (parts.rooms) patch.rooms = this.rooms.map((r) => ({ ...r }));
    if (parts.slots) patch.slots = this.slots.map((s) => ({ ...s }));
    if (parts.pitchIds?.length) {
      const wanted = new Set(parts.pitchIds);
      patch.pitches = this.shown().filter((p) => wanted.has(p.id));
    }
    if (parts.removed?.length) patch.removedPitchIds = [...parts.removed];
    if (parts.grid || parts.rooms || parts.slots || parts.settings || parts.removed?.length) {
      patch.placements = this.gridPlacements();
      patch.conflicts = this.conflicts();
    }
    if ((parts.tallies || parts.settings) && this.visible()) patch.tallies = this.tallies();
    return { version: this.version, patch };
  }
}

/**
 * An event with two rooms, two slots and two pitches of mine before anything
 * else happens (a page learns its own new pitch from its own action's answer,
 * not from a push, so the series pitch only for others).
 */
function seededServer(): ServerModel {
  const server = new ServerModel();
  server.rooms = [room(server.nextId("r"), 2), room(server.nextId("r"), 30)];
  server.slots = [slot(server.nextId("s"), 10), slot(server.nextId("s"), 11)];
  for (const title of ["Mine A", "Mine B"]) {
    const id = server.nextId("p");
    server.pitches.set(id, {
      fact: pitch(id, { createdAt: at(3), title, pitcherName: "Me" }),
      status: "open",
      pitcherId: "me",
    });
  }
  return server;
}

/**
 * One command, as numbers the model turns into a valid command (or skips when none fits).
 * Not modelled: withdrawing (its patch is a hide's; the server keeps the votes, so a
 * snapshot's `myVotes` still lists the withdrawn pitch while a page drops it, and drops
 * it from `myPitches` while a page keeps it: neither shows, as views list open pitches only).
 */
const op = fc.record({
  // Weighted so that series often hold placements in shared slots, votes, and merges of voted pitches.
  kind: fc.oneof(
    ...(
      [
        ["pitch", 4],
        ["edit", 2],
        ["rename", 1],
        ["hide", 1],
        ["unhide", 1],
        ["merge", 2],
        ["place", 6],
        ["unplace", 1],
        ["pin", 1],
        ["settings", 2],
        ["add-room", 2],
        ["remove-room", 1],
        ["add-slot", 2],
        ["remove-slot", 1],
        ["vote", 6],
        ["unvote", 2],
      ] as const
    ).map(([kind, weight]) => ({ arbitrary: fc.constant(kind), weight })),
  ),
  a: fc.nat(50),
  b: fc.nat(50),
  c: fc.nat(50),
  flag: fc.boolean(),
  text: fc.string({ maxLength: 8 }),
});
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);
/** "me" twice: the viewer's own votes are the ones a merge or a hide must move or release. */
const VOTERS = ["me", "me", "v1", "v2"];

type Outcome =
  | { type: "patch"; version: number; patch: EventPatch }
  | { type: "tallies"; tallies: Tallies; myVote?: { pitchId: string; voted: boolean } }
  | { type: "none" };

/** Runs one command on the model and returns what the viewer receives for it. */
function run(server: ServerModel, o: Op): Outcome {
  const open = server.open();
  switch (o.kind) {
    case "pitch": {
      const id = server.nextId("p");
      // Few distinct moments, so pitches of the same moment (ordered by id) happen often.
      const createdAt = at(o.a % 7);
      server.pitches.set(id, {
        fact: { ...pitch(id, { createdAt, title: `T${o.text}`, tags: o.flag ? ["t"] : [] }) },
        status: "open",
        pitcherId: pick(VOTERS.slice(2), o.b) ?? "v1",
      });
      return { type: "patch", ...server.commit({ pitchIds: [id] }) };
    }
    case "edit": {
      const p = pick(open, o.a);
      if (!p) return { type: "none" };
      p.fact = { ...p.fact, title: `E${o.text}`, descriptionHtml: `<p>${o.b}</p>`, tags: o.flag ? [] : ["e"] };
      return { type: "patch", ...server.commit({ pitchIds: [p.fact.id], grid: true }) };
    }
    case "rename": {
      const who = pick(VOTERS, o.a) ?? "me";
      const theirs = [...server.pitches.values()].filter((p) => p.pitcherId === who && p.status !== "hidden");
      if (!theirs.length) return { type: "none" };
      for (const p of theirs) p.fact = { ...p.fact, pitcherName: `N${o.text}` };
      return { type: "patch", ...server.commit({ pitchIds: theirs.map((p) => p.fact.id) }) };
    }
    case "unhide": {
      const p = pick(
        [...server.pitches.values()].filter((x) => x.status === "hidden"),
        o.a,
      );
      if (!p) return { type: "none" };
      p.status = "open";
      return { type: "patch", ...server.commit({ pitchIds: [p.fact.id], grid: true }) };
    }
    case "hide": {
      const p = pick(open, o.a);
      if (!p) return { type: "none" };
      p.status = "hidden";
      server.votes.delete(p.fact.id);
      server.placements = server.placements.filter((c) => c.pitchId !== p.fact.id);
      return { type: "patch", ...server.commit({ removed: [p.fact.id] }) };
    }
    case "merge": {
      const from = pick(open, o.a);
      const into = pick(open, o.b);
      if (!from || !into || from === into) return { type: "none" };
      const voters = new Set([...(server.votes.get(into.fact.id) ?? []), ...(server.votes.get(from.fact.id) ?? [])]);
      server.votes.set(into.fact.id, voters);
      server.votes.delete(from.fact.id);
      const fromCell = server.placements.find((c) => c.pitchId === from.fact.id);
      const intoPlaced = server.placements.some((c) => c.pitchId === into.fact.id);
      server.placements = server.placements.filter((c) => c.pitchId !== from.fact.id);
      if (fromCell && !intoPlaced) server.placements.push({ ...fromCell, pitchId: into.fact.id });
      from.status = "merged";
      from.fact = { ...from.fact, mergedIntoId: into.fact.id };
      return { type: "patch", ...server.commit({ pitchIds: [from.fact.id, into.fact.id], grid: true, tallies: true }) };
    }
    case "place": {
      const p = pick(open, o.a);
      const r = pick(server.rooms, o.b);
      const s = pick(server.slots, o.c);
      if (!p || !r || !s) return { type: "none" };
      const current = server.placements.find((c) => c.pitchId === p.fact.id);
      const occupant = server.placements.find((c) => c.roomId === r.id && c.slotId === s.id);
      if (occupant === current && current) return { type: "none" };
      if (occupant) {
        if (!current) return { type: "none" };
        // Swap: the occupant takes the moved session's old cell.
        server.placements = server.placements.map((c) =>
          c === current
            ? { ...c, roomId: r.id, slotId: s.id }
            : c === occupant
              ? { ...c, roomId: current.roomId, slotId: current.slotId }
              : c,
        );
      } else if (current) {
        server.placements = server.placements.map((c) => (c === current ? { ...c, roomId: r.id, slotId: s.id } : c));
      } else {
        server.placements.push(placed(p.fact.id, r.id, s.id));
      }
      return { type: "patch", ...server.commit({ grid: true }) };
    }
    case "unplace":
    case "pin": {
      const cell = pick(server.placements, o.a);
      if (!cell) return { type: "none" };
      server.placements =
        o.kind === "unplace"
          ? server.placements.filter((c) => c !== cell)
          : server.placements.map((c) => (c === cell ? { ...c, pinned: !c.pinned } : c));
      return { type: "patch", ...server.commit({ grid: true }) };
    }
    case "settings": {
      const field = o.a % 7;
      const s = server.settings;
      server.settings = {
        ...s,
        ...(field === 0 ? { votingOpen: !s.votingOpen } : {}),
        ...(field === 1 ? { blindVoting: !s.blindVoting } : {}),
        ...(field === 2 ? { votesPerAttendee: 1 + (o.b % 5) } : {}),
        ...(field === 3 ? { shufflePitches: !s.shufflePitches } : {}),
        ...(field === 4 ? { pitchingOpen: !s.pitchingOpen } : {}),
        ...(field === 5 ? { name: `Camp ${o.text}` } : {}),
        ...(field === 6 ? { announcement: o.flag ? { text: `Now ${o.text}`, at: at(o.b % 60) } : null } : {}),
      };
      return { type: "patch", ...server.commit({ settings: true }) };
    }
    case "add-room": {
      server.rooms = [...server.rooms, room(server.nextId("r"), 1 + o.b)].sort((x, y) => x.name.localeCompare(y.name));
      return { type: "patch", ...server.commit({ rooms: true }) };
    }
    case "remove-room": {
      const r = pick(server.rooms, o.a);
      if (!r) return { type: "none" };
      server.rooms = server.rooms.filter((x) => x !== r);
      server.placements = server.placements.filter((c) => c.roomId !== r.id);
      return { type: "patch", ...server.commit({ rooms: true, grid: true }) };
    }
    case "add-slot": {
      server.slots = [...server.slots, slot(server.nextId("s"), 8 + (o.b % 10), o.flag ? "plenary" : "sessions")].sort(
        (x, y) => x.localStart.localeCompare(y.localStart) || x.id.localeCompare(y.id),
      );
      return { type: "patch", ...server.commit({ slots: true }) };
    }
    case "remove-slot": {
      const s = pick(server.slots, o.a);
      if (!s) return { type: "none" };
      server.slots = server.slots.filter((x) => x !== s);
      server.placements = server.placements.filter((c) => c.slotId !== s.id);
      return { type: "patch", ...server.commit({ slots: true, grid: true }) };
    }
    case "vote":
    case "unvote": {
      const voter = pick(VOTERS, o.a) ?? "me";
      const p = pick(open, o.b);
      if (!p || !server.settings.votingOpen) return { type: "none" };
      const voters = server.votes.get(p.fact.id) ?? new Set<string>();
      const want = o.kind === "vote";
      if (voters.has(voter) === want) return { type: "none" };
      if (want) {
        const used = open.filter((x) => server.votes.get(x.fact.id)?.has(voter)).length;
        if (used >= server.settings.votesPerAttendee) return { type: "none" };
        voters.add(voter);
      } else voters.delete(voter);
      server.votes.set(p.fact.id, voters);
      const blind = server.settings.blindVoting && server.settings.votingOpen;
      // Votes do not move the version; a blind vote's counts go to organisers only.
      return {
        type: "tallies",
        tallies: blind ? {} : { [p.fact.id]: voters.size },
        ...(voter === "me" ? { myVote: { pitchId: p.fact.id, voted: want } } : {}),
      };
    }
  }
}

/** What the viewer's page does with one outcome, as LiveChannel does (stepFor, then apply). */
function receive(page: LiveEvent, outcome: Outcome): LiveEvent {
  if (outcome.type === "patch") {
    expect(stepFor(page.facts.version, outcome.version)).toBe("apply");
    return applyEventPatch(page, outcome.patch, outcome.version);
  }
  if (outcome.type === "tallies") {
    let next = page;
    if (Object.keys(outcome.tallies).length) next = { ...next, tallies: applyTallies(next.tallies, outcome.tallies) };
    if (outcome.myVote)
      next = { ...next, personal: withMyVote(next.personal, outcome.myVote.pitchId, outcome.myVote.voted) };
    return next;
  }
  return page;
}

/**
 * The counts a page can show: only where the viewer may see them, only for
 * open pitches, and a missing count is zero. (A page keeps the last count of a
 * pitch that left, and a count that went back to 0; a snapshot has neither.)
 */
function shownTallies(event: LiveEvent): Tallies | null {
  if (!showsTallies(event)) return null;
  const out: Tallies = {};
  for (const p of event.facts.pitches) {
    const n = p.status === "open" ? (event.tallies?.[p.id] ?? 0) : 0;
    if (n > 0) out[p.id] = n;
  }
  return out;
}

describe("a page applying every push holds what a fresh snapshot gives", () => {
  it("for random series of changes, from a page loaded at any point in the series", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60, size: "max" }), fc.nat(), (ops, loadAt) => {
        const server = seededServer();
        const start = loadAt % (ops.length + 1);
        for (const o of ops.slice(0, start)) run(server, o);
        let page = server.snapshot();
        for (const o of ops.slice(start)) page = receive(page, run(server, o));
        const fresh = server.snapshot();
        expect(page.facts).toEqual(fresh.facts);
        expect(page.personal.myPitches.slice().sort()).toEqual(fresh.personal.myPitches.slice().sort());
        expect(page.personal.myVotes.slice().sort()).toEqual(fresh.personal.myVotes.slice().sort());
        expect(shownTallies(page)).toEqual(shownTallies(fresh));
        // What the pages show is the same too.
        expect(boardView(page)).toEqual(boardView(fresh));
        expect(gridViewOf(page)).toEqual(gridViewOf(fresh));
      }),
      { numRuns: 300 },
    );
  });

  it("the pushes of one series, applied to the snapshot before them, give the snapshot after them", () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 30, size: "max" }),
        fc.array(op, { maxLength: 30, size: "max" }),
        (before, series) => {
          const server = seededServer();
          for (const o of before) run(server, o);
          const start = server.snapshot();
          const patches: Array<{ version: number; patch: EventPatch }> = [];
          for (const o of series) {
            const outcome = run(server, o);
            if (outcome.type === "patch") patches.push(outcome);
          }
          let facts = start.facts;
          for (const p of patches) facts = applyPatch(facts, p.patch, p.version);
          expect(facts).toEqual(server.snapshot().facts);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a duplicate push changes nothing: the page calls it stale, and applying it again would be harmless", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30, size: "max" }), (ops) => {
        const server = seededServer();
        let page = server.snapshot();
        for (const o of ops) {
          const outcome = run(server, o);
          page = receive(page, outcome);
          if (outcome.type !== "patch") continue;
          expect(stepFor(page.facts.version, outcome.version)).toBe("stale");
          expect(applyPatch(page.facts, outcome.patch, outcome.version)).toEqual(page.facts);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a lost push is a gap: the next one is not applied, the page takes the snapshot and goes on", () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 2, maxLength: 40, size: "max" }), fc.nat(), (ops, lose) => {
        const server = seededServer();
        let page = server.snapshot();
        let patches = 0;
        let lost = false;
        let gaps = 0;
        for (const o of ops) {
          const outcome = run(server, o);
          if (outcome.type !== "patch") {
            page = receive(page, outcome);
            continue;
          }
          if (patches++ === lose % 10 && !lost) {
            lost = true;
            continue;
          }
          const step = stepFor(page.facts.version, outcome.version);
          if (step === "gap") {
            gaps++;
            // LiveChannel refetches state.json: the snapshot already holds this push's change.
            page = server.snapshot();
            expect(stepFor(page.facts.version, outcome.version)).toBe("stale");
            continue;
          }
          expect(step).toBe("apply");
          page = applyEventPatch(page, outcome.patch, outcome.version);
        }
        fc.pre(lost);
        // Only a push after the lost one reveals the gap; if the lost one was the last, the page is one behind.
        if (gaps === 0) {
          expect(page.facts.version).toBe(server.version - 1);
          return;
        }
        expect(gaps).toBe(1);
        expect(page.facts).toEqual(server.snapshot().facts);
      }),
      { numRuns: 200 },
    );
  });
});

describe("pitches of the same moment, in the server's order", () => {
  it("orders them by id as the snapshot does (SQLite compares ids byte by byte), so an edit does not reorder them", () => {
    // Ids are base64url: upper case sorts before lower case in SQLite's ORDER BY, not in localeCompare.
    const upper = pitch("Bq3x", { createdAt: at(1), title: "Upper" });
    const lower = pitch("aZ9-", { createdAt: at(1), title: "Lower" });
    const snapshotOrder = [upper, lower]; // ORDER BY created_at, id: "B" (0x42) before "a" (0x61)
    const after = applyPatch(facts({ pitches: snapshotOrder }), { pitches: [{ ...lower, title: "Lower, edited" }] }, 1);
    expect(after.pitches.map((p) => p.id)).toEqual(["Bq3x", "aZ9-"]);
  });
});
