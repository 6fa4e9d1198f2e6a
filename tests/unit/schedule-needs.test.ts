import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  featureVocabulary,
  missingFeatures,
  needsLabel,
  normaliseFeature,
  unmetNeeds,
} from "../../app/domain/features";
import {
  type Cell,
  type GridPitch,
  type GridRoom,
  type GridSlot,
  type ScheduleInput,
  findConflicts,
  greedyGrid,
  hardViolations,
  scoreGrid,
  suggestGrid,
} from "../../app/domain/grid";
import { cellsBySlot, coverage, lastSlotId } from "../../app/domain/spans";
import { availabilitySchema, featureListSchema, remoteUrlSchema } from "../../app/schemas/event";
import { pitchSchema } from "../../app/schemas/pitch";
import { buildCalendar } from "../../app/services/calendar.server";
import { calendarLineProblems, parseCalendar } from "../consumers/index";
import { generateEvent } from "../helpers/generateEvent";

/**
 * The schedule's new rules (issue 13): long sessions cover consecutive
 * session slots of one day, hosts' availability, room features and session
 * needs; the conflicts they raise, and the schedulers keeping them.
 */

const pitch = (id: string, voters: string[], over: Partial<GridPitch> = {}): GridPitch => ({
  id,
  votes: voters.length,
  pitcherId: `by-${id}`,
  voters,
  ...over,
});
const room = (id: string, capacity: number, features: string[] = []): GridRoom => ({ id, capacity, features });
const slot = (id: string, kind: GridSlot["kind"] = "sessions", day = "2030-06-01"): GridSlot => ({ id, kind, day });
const cell = (pitchId: string, roomId: string, slotId: string): Cell => ({ pitchId, roomId, slotId });

// Day one: s1 s2 (break) s3 s4; day two: t1 t2.
const SLOTS = [
  slot("s1"),
  slot("s2"),
  slot("b", "break"),
  slot("s3"),
  slot("s4"),
  slot("t1", "sessions", "2030-06-02"),
  slot("t2", "sessions", "2030-06-02"),
];

describe("coverage: what a long session covers", () => {
  it("covers consecutive session slots of one day", () => {
    expect(coverage(SLOTS, "s1", 2)).toEqual({ ok: true, slotIds: ["s1", "s2"] });
    expect(coverage(SLOTS, "s3", 2)).toEqual({ ok: true, slotIds: ["s3", "s4"] });
    expect(coverage(SLOTS, "t1", 1)).toEqual({ ok: true, slotIds: ["t1"] });
  });

  it("stops at a break, at the end of a day and at an unknown slot, saying how far it got", () => {
    expect(coverage(SLOTS, "s2", 2)).toMatchObject({ ok: false, reason: "interrupted", available: 1, at: "b" });
    expect(coverage(SLOTS, "s4", 2)).toMatchObject({ ok: false, reason: "day-ends", available: 1 });
    expect(coverage(SLOTS, "t1", 3)).toMatchObject({ ok: false, reason: "day-ends", available: 2 });
    expect(coverage(SLOTS, "nope", 2)).toMatchObject({ ok: false, reason: "unknown-slot" });
  });

  it("lets a one-slot session sit in a plenary, but never starts a long one in a break or plenary", () => {
    const slots = [slot("p", "plenary"), slot("x")];
    expect(coverage(slots, "p", 1)).toEqual({ ok: true, slotIds: ["p"] });
    expect(coverage(slots, "p", 2)).toMatchObject({ ok: false, reason: "not-sessions" });
  });

  it("lists a long session in each slot it covers, as a continuation after the first", () => {
    const cells = [{ pitchId: "w", roomId: "r", slotId: "s3", span: 2 }];
    const bySlot = cellsBySlot(cells, SLOTS);
    expect(bySlot.get("s3")).toEqual([{ cell: cells[0], continues: false }]);
    expect(bySlot.get("s4")).toEqual([{ cell: cells[0], continues: true }]);
    expect(bySlot.get("s1")).toEqual([]);
    expect(lastSlotId(SLOTS, "s3", 2)).toBe("s4");
  });
});

describe("findConflicts with spans, availability and needs", () => {
  const rooms = [room("hall", 50, ["projector", "step-free"]), room("nook", 10)];

  it("counts a long session in every slot it covers: another session in its room's second slot is double-booked", () => {
    const pitches = [pitch("w", ["a"], { span: 2 }), pitch("x", ["b"])];
    const conflicts = findConflicts([cell("w", "hall", "s1"), cell("x", "hall", "s2")], rooms, pitches, {
      slots: SLOTS,
    });
    expect(conflicts).toEqual([{ kind: "double-booked", slotId: "s2", roomId: "hall", pitchIds: ["w", "x"] }]);
  });

  it("finds voter and host clashes in a long session's later slots", () => {
    const pitches = [
      pitch("w", ["a", "b"], { span: 2, hostIds: ["ann", "bob"] }),
      pitch("x", ["a"], { hostIds: ["bob"] }),
    ];
    const kinds = findConflicts([cell("w", "hall", "s1"), cell("x", "nook", "s2")], rooms, pitches, {
      slots: SLOTS,
    }).map((c) => `${c.kind}@${c.slotId}`);
    expect(kinds.sort()).toEqual(["pitcher-clash@s2", "voter-clash@s2"]);
  });

  it("flags a host who cannot make a slot the session covers, counting each host", () => {
    const pitches = [pitch("w", [], { span: 2, hostIds: ["ann", "bob"] })];
    const conflicts = findConflicts([cell("w", "hall", "s1")], rooms, pitches, {
      slots: SLOTS,
      unavailable: { ann: ["s2"], bob: ["s2"], carl: ["s1"] },
    });
    expect(conflicts).toEqual([{ kind: "host-unavailable", slotId: "s2", pitchId: "w", hosts: 2 }]);
  });

  it("flags a room that lacks what the session needs, once, with what is missing", () => {
    const pitches = [pitch("w", [], { needs: ["projector", "quiet"], span: 2 })];
    expect(findConflicts([cell("w", "hall", "s1")], rooms, pitches, { slots: SLOTS })).toEqual([
      { kind: "needs", slotId: "s1", roomId: "hall", pitchId: "w", missing: ["quiet"] },
    ]);
    expect(findConflicts([cell("w", "hall", "s1")], [room("hall", 50, ["projector", "quiet"])], pitches)).toEqual([]);
  });

  it("flags a long session whose slots no longer fit (a break was put in its way), still covering what it can", () => {
    const pitches = [pitch("w", ["a"], { span: 2 }), pitch("x", ["a"])];
    const conflicts = findConflicts([cell("w", "hall", "s2"), cell("x", "nook", "s2")], rooms, pitches, {
      slots: SLOTS,
    });
    expect(conflicts.map((c) => c.kind).sort()).toEqual(["span", "voter-clash"]);
  });

  it("without slots, reads every placement as one slot (as before long sessions)", () => {
    const pitches = [pitch("w", ["a"], { span: 2 }), pitch("x", ["a"])];
    expect(findConflicts([cell("w", "hall", "s1"), cell("x", "nook", "s2")], rooms, pitches)).toEqual([]);
  });

  it("scores choices lost in every covered slot", () => {
    const pitches = [pitch("w", ["a", "b"], { span: 2 }), pitch("x", ["a", "b", "c"])];
    const score = scoreGrid([cell("w", "hall", "s1"), cell("x", "nook", "s2")], rooms, pitches, { slots: SLOTS });
    expect(score).toEqual({ keptAway: 2, overCapacity: 0, pitcherClashes: 0, placed: 2 });
  });

  it("counts hard rule violations by rule", () => {
    const input: ScheduleInput = {
      rooms,
      slots: SLOTS,
      pitches: [
        pitch("w", [], { span: 2, hostIds: ["ann"], needs: ["quiet"] }),
        pitch("x", [], { hostIds: ["ann"] }),
        pitch("y", [], { span: 2 }),
      ],
      pinned: [],
      unavailable: { ann: ["s2"] },
    };
    const count = hardViolations([cell("w", "hall", "s1"), cell("x", "nook", "s2"), cell("y", "nook", "b")], input);
    expect(count).toEqual({
      doubleBooked: 0,
      hostClash: 1,
      hostUnavailable: 2,
      needsUnmet: 1,
      spanBroken: 1,
      misplaced: 1,
      total: 6,
    });
  });
});

describe("the schedulers on hand-made events", () => {
  it("never puts a session in a slot its host cannot make", () => {
    const input: ScheduleInput = {
      rooms: [room("r1", 10)],
      slots: [slot("s1"), slot("s2")],
      pitches: [pitch("a", ["x", "y"], { hostIds: ["ann"] }), pitch("b", ["z"])],
      pinned: [],
      unavailable: { ann: ["s1"] },
    };
    for (const cells of [suggestGrid(input), greedyGrid(input)]) {
      expect(cells.find((c) => c.pitchId === "a")?.slotId).toBe("s2");
      expect(hardViolations(cells, input).total).toBe(0);
    }
  });

  it("gives a session a room with what it needs, even when a bigger room is free", () => {
    const input: ScheduleInput = {
      rooms: [room("big", 100), room("small", 10, ["hearing-loop"])],
      slots: [slot("s1")],
      pitches: [pitch("a", ["x", "y", "z"], { needs: ["hearing-loop"] }), pitch("b", ["w"])],
      pinned: [],
    };
    for (const cells of [suggestGrid(input), greedyGrid(input)]) {
      expect(cells.find((c) => c.pitchId === "a")?.roomId).toBe("small");
      expect(hardViolations(cells, input).total).toBe(0);
    }
  });

  it("leaves out a session whose need no room has, rather than break the rule", () => {
    const input: ScheduleInput = {
      rooms: [room("r1", 10)],
      slots: [slot("s1"), slot("s2")],
      pitches: [pitch("a", ["x"], { needs: ["projector"] }), pitch("b", ["y"])],
      pinned: [],
    };
    expect(suggestGrid(input).map((c) => c.pitchId)).toEqual(["b"]);
    expect(greedyGrid(input).map((c) => c.pitchId)).toEqual(["b"]);
  });

  it("places a long session in consecutive session slots of one room and day, never across a break or a day", () => {
    const input: ScheduleInput = {
      rooms: [room("r1", 10)],
      slots: [slot("s1"), slot("b", "break"), slot("s2"), slot("s3"), slot("t1", "sessions", "2030-06-02")],
      pitches: [pitch("w", ["x", "y", "z"], { span: 2 }), pitch("a", ["x"]), pitch("b", ["y"])],
      pinned: [],
    };
    for (const cells of [suggestGrid(input), greedyGrid(input)]) {
      expect(cells.find((c) => c.pitchId === "w")).toEqual(cell("w", "r1", "s2"));
      expect(cells).toHaveLength(3);
      expect(hardViolations(cells, input).total).toBe(0);
    }
  });

  it("keeps every host to one session at a time, co-hosts included", () => {
    const input: ScheduleInput = {
      rooms: [room("r1", 10), room("r2", 10)],
      slots: [slot("s1"), slot("s2")],
      pitches: [
        pitch("a", ["x"], { hostIds: ["ann", "bob"] }),
        pitch("b", ["y"], { hostIds: ["bob"] }),
        pitch("c", ["z"], { hostIds: ["ann"] }),
      ],
      pinned: [],
    };
    const cells = suggestGrid(input);
    expect(cells).toHaveLength(3);
    expect(hardViolations(cells, input).total).toBe(0);
  });

  it("works around a pinned long session", () => {
    const input: ScheduleInput = {
      rooms: [room("r1", 10)],
      slots: [slot("s1"), slot("s2"), slot("s3")],
      pitches: [pitch("w", ["x"], { span: 2 }), pitch("a", ["y"]), pitch("b", ["z"])],
      pinned: [cell("w", "r1", "s2")],
    };
    for (const cells of [suggestGrid(input), greedyGrid(input)]) {
      expect(cells).toContainEqual(cell("w", "r1", "s2"));
      expect(cells).toHaveLength(2);
      expect(hardViolations(cells, input).total).toBe(0);
    }
  });
});

describe("the schedulers on generated events with multi-host pitches, availability, long sessions and needs", () => {
  const shape = fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    pitches: fc.integer({ min: 1, max: 45 }),
    rooms: fc.integer({ min: 1, max: 8 }),
    slots: fc.integer({ min: 1, max: 8 }),
    attendees: fc.integer({ min: 5, max: 120 }),
    breaks: fc.integer({ min: 0, max: 2 }),
    pinned: fc.integer({ min: 0, max: 4 }),
    multiHost: fc.double({ min: 0, max: 0.5, noNaN: true }),
    unavailable: fc.double({ min: 0, max: 0.6, noNaN: true }),
    long: fc.double({ min: 0, max: 0.5, noNaN: true }),
    needs: fc.double({ min: 0, max: 0.5, noNaN: true }),
    days: fc.integer({ min: 1, max: 3 }),
  });

  it("keeps every hard rule across sizes and seeds (suggestion and greedy baseline)", () => {
    fc.assert(
      fc.property(shape, (s) => {
        const event = generateEvent(s);
        const suggested = suggestGrid(event, { timeBudgetMs: 30 });
        const greedy = greedyGrid(event);
        expect(hardViolations(suggested, event)).toMatchObject({ total: 0 });
        expect(hardViolations(greedy, event)).toMatchObject({ total: 0 });
        // Pinned cells stay as they are.
        for (const pin of event.pinned) expect(suggested).toContainEqual(pin);
      }),
      { numRuns: 60 },
    );
  });

  it("loses no more choices than greedy on the benchmark's shape, on average", () => {
    let suggest = 0;
    let greedy = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const event = generateEvent({
        seed,
        pitches: 40,
        rooms: 8,
        slots: 6,
        attendees: 200,
        multiHost: 0.25,
        unavailable: 0.3,
        long: 0.15,
        needs: 0.2,
        days: 2,
      });
      const context = { slots: event.slots, unavailable: event.unavailable };
      suggest += scoreGrid(suggestGrid(event, { timeBudgetMs: 300 }), event.rooms, event.pitches, context).keptAway;
      greedy += scoreGrid(greedyGrid(event), event.rooms, event.pitches, context).keptAway;
    }
    expect(suggest).toBeLessThan(greedy);
  });
});

describe("features and needs", () => {
  it("normalises, labels and matches", () => {
    expect(normaliseFeature("  Sofa   Corner ")).toBe("sofa corner");
    expect(needsLabel(["projector"])).toBe("Needs projector");
    expect(needsLabel(["step-free", "hearing-loop", "sofa"])).toBe("Needs step-free access, hearing loop and sofa");
    expect(missingFeatures(["projector", "quiet"], ["quiet"])).toEqual(["projector"]);
    expect(unmetNeeds(["projector", "sofa"], [{ features: ["sofa"] }])).toEqual(["projector"]);
    expect(featureVocabulary([{ features: ["sofa", "projector"] }, { features: ["kitchen"] }])).toEqual([
      "step-free",
      "hearing-loop",
      "projector",
      "whiteboard",
      "quiet",
      "kitchen",
      "sofa",
    ]);
  });
});

describe("input schemas for the new fields", () => {
  it("remote links: https only, empty means none", () => {
    expect(remoteUrlSchema.parse("https://meet.example.org/room-1")).toBe("https://meet.example.org/room-1");
    expect(remoteUrlSchema.parse(" ")).toBeNull();
    expect(remoteUrlSchema.parse(undefined)).toBeNull();
    for (const bad of [
      "http://meet.example.org",
      "javascript:alert(1)",
      "data:text/html,hi",
      "meet.example.org",
      "https://user:pw@example.org/",
      `https://example.org/${"a".repeat(500)}`,
    ]) {
      expect(remoteUrlSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("features: from checkboxes and a comma list, normalised, bounded", () => {
    expect(featureListSchema.parse(["projector", "Sofa, kitchen ", ""])).toEqual(["projector", "sofa", "kitchen"]);
    expect(featureListSchema.parse(undefined)).toEqual([]);
    expect(featureListSchema.safeParse(["x".repeat(31)]).success).toBe(false);
    expect(featureListSchema.safeParse(Array.from({ length: 11 }, (_, i) => `f${i}`)).success).toBe(false);
  });

  it("slots needed: a whole number from 1 to 4, 1 when left out", () => {
    const base = { title: "T", tags: "" };
    expect(pitchSchema.parse(base).span).toBe(1);
    expect(pitchSchema.parse({ ...base, span: "3" }).span).toBe(3);
    for (const bad of ["0", "5", "2.5", "two"])
      expect(pitchSchema.safeParse({ ...base, span: bad }).success).toBe(false);
  });

  it("parsing what they give again gives the same (services validate a form's parsed value again)", () => {
    const once = pitchSchema.parse({ title: "T", tags: "", span: "2", needs: ["Projector"], remoteUrl: " " });
    expect(pitchSchema.parse(once)).toEqual(once);
    expect(once).toMatchObject({ span: 2, needs: ["projector"], remoteUrl: null });
    expect(remoteUrlSchema.parse(remoteUrlSchema.parse("https://x.example/a"))).toBe("https://x.example/a");
  });

  it("availability: a list of slot ids, from one checkbox or many", () => {
    expect(availabilitySchema.parse({ unavailable: "s1" })).toEqual({ unavailable: ["s1"] });
    expect(availabilitySchema.parse({})).toEqual({ unavailable: [] });
    expect(availabilitySchema.safeParse({ unavailable: [42] }).success).toBe(false);
  });
});

describe("CONFERENCE in calendars", () => {
  it("adds the remote link to its event only, folded at 75 octets, and ical.js reads it back whole", () => {
    const long = `https://meet.example.org/${"é".repeat(60)}/${"a".repeat(200)}`;
    const ics = buildCalendar({ name: "Camp", timeZone: "Europe/London" }, "Camp", [
      {
        uid: "w@example.org",
        localStart: "2030-06-01T10:00",
        localEnd: "2030-06-01T12:00",
        summary: "Workshop",
        location: "Hall",
        conference: long,
      },
      {
        uid: "t@example.org",
        localStart: "2030-06-01T13:00",
        localEnd: "2030-06-01T14:00",
        summary: "Talk",
        location: "Nook",
      },
    ]);
    expect(calendarLineProblems(ics)).toEqual([]);
    const { calendar } = parseCalendar(ics);
    const conference = (uid: string) =>
      calendar
        .getAllSubcomponents("vevent")
        .find((e) => e.getFirstPropertyValue("uid") === uid)
        ?.getFirstPropertyValue("conference");
    expect(conference("w@example.org")).toBe(long);
    expect(conference("t@example.org")).toBeNull();
  });
});
