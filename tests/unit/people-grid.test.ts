import { describe, expect, it } from "vitest";
import { type GridPitch, findConflicts, scoreGrid, suggestGrid } from "../../app/domain/grid";
import { hostsByPitch } from "../../app/domain/hosts";

const rooms = [
  { id: "big", capacity: 50 },
  { id: "small", capacity: 3 },
];
const pitch = (id: string, over: Partial<GridPitch> = {}): GridPitch => ({
  id,
  votes: 0,
  pitcherId: null,
  voters: [],
  ...over,
});

describe("the grid's conflicts with co-hosts and I'm going", () => {
  it("a co-host in two sessions of one slot is a clash; an invited one is not", () => {
    const list = [
      { id: "a", attendeeId: "asha" },
      { id: "b", attendeeId: "ben" },
    ];
    const accepted = hostsByPitch(list, [{ pitchId: "a", attendeeId: "ben", status: "accepted" }]);
    const invited = hostsByPitch(list, [{ pitchId: "a", attendeeId: "ben", status: "invited" }]);
    const cells = [
      { pitchId: "a", roomId: "big", slotId: "s1" },
      { pitchId: "b", roomId: "small", slotId: "s1" },
    ];
    const pitches = (hosts: Map<string, string[]>) =>
      list.map((p) => pitch(p.id, { pitcherId: p.attendeeId, hostIds: hosts.get(p.id) }));
    expect(findConflicts(cells, rooms, pitches(accepted))).toEqual([
      { kind: "pitcher-clash", slotId: "s1", pitchIds: ["a", "b"] },
    ]);
    expect(findConflicts(cells, rooms, pitches(invited))).toEqual([]);
  });

  it("two sessions sharing two hosts make one clash, not two", () => {
    const cells = [
      { pitchId: "a", roomId: "big", slotId: "s1" },
      { pitchId: "b", roomId: "small", slotId: "s1" },
    ];
    const both = ["asha", "ben"];
    const conflicts = findConflicts(cells, rooms, [
      pitch("a", { pitcherId: "asha", hostIds: both }),
      pitch("b", { pitcherId: "ben", hostIds: both }),
    ]);
    expect(conflicts.filter((c) => c.kind === "pitcher-clash")).toHaveLength(1);
  });

  it("capacity counts going once anyone marked the session, votes before", () => {
    const cells = [{ pitchId: "a", roomId: "small", slotId: "s1" }];
    expect(findConflicts(cells, rooms, [pitch("a", { votes: 10 })])).toEqual([
      { kind: "over-capacity", slotId: "s1", roomId: "small", pitchId: "a", votes: 10, basis: "votes", capacity: 3 },
    ]);
    expect(findConflicts(cells, rooms, [pitch("a", { votes: 10, going: 2 })])).toEqual([]);
    expect(findConflicts(cells, rooms, [pitch("a", { votes: 1, going: 4 })])).toEqual([
      { kind: "over-capacity", slotId: "s1", roomId: "small", pitchId: "a", votes: 4, basis: "going", capacity: 3 },
    ]);
  });
});

describe("My sessions", () => {
  it("follows I'm going (waiting places too), and votes only while nothing is marked", async () => {
    const { mySessionsOf } = await import("../../app/realtime/eventState");
    const cells = [
      { id: "a", myVote: true, myGoing: null },
      { id: "b", myVote: false, myGoing: "going" as const },
      { id: "c", myVote: true, myGoing: "waiting" as const },
    ];
    expect(mySessionsOf(cells)).toEqual({ cells: [cells[1], cells[2]], basis: "going" });
    const none = cells.map((c) => ({ ...c, myGoing: null }));
    expect(mySessionsOf(none)).toEqual({ cells: [none[0], none[2]], basis: "votes" });
  });

  it("the score and the scheduler seat a session by its going-count once anyone marked it", () => {
    const cells = [{ pitchId: "a", roomId: "small", slotId: "s1" }];
    // Ten votes but two going: it fits the small room; no going-count yet: it does not.
    expect(scoreGrid(cells, rooms, [pitch("a", { votes: 10, going: 2 })]).overCapacity).toBe(0);
    expect(scoreGrid(cells, rooms, [pitch("a", { votes: 10 })]).overCapacity).toBe(1);
    const input = {
      rooms,
      slots: [{ id: "s1", kind: "sessions" as const }],
      pitches: [pitch("a", { votes: 2, going: 40 }), pitch("b", { votes: 30, going: 2 })],
      pinned: [],
    };
    const suggested = suggestGrid(input, { timeBudgetMs: 200 });
    expect(suggested.find((c) => c.pitchId === "a")?.roomId).toBe("big");
    expect(suggested.find((c) => c.pitchId === "b")?.roomId).toBe("small");
  });
});
