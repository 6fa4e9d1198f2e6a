import { describe, expect, it } from "vitest";
import { capRefusal, demandOf, goingText, marksToDrop, statusForNewMark, toPromote } from "../../app/domain/going";

const slots: Record<string, string[]> = { a: ["s1"], b: ["s1"], c: ["s2"], long: ["s2", "s3"], d: ["s3"] };
const slotsOf = (id: string) => slots[id] ?? [];

describe("one session per slot", () => {
  it("drops the other mark in the same slot, keeps the rest", () => {
    expect(
      marksToDrop(
        [
          { pitchId: "a", status: "going" },
          { pitchId: "c", status: "going" },
        ],
        "b",
        slotsOf,
      ),
    ).toEqual(["a"]);
  });
  it("a long session drops marks in every slot it covers, waiting ones too", () => {
    expect(
      marksToDrop(
        [
          { pitchId: "c", status: "going" },
          { pitchId: "d", status: "waiting" },
          { pitchId: "a", status: "going" },
        ],
        "long",
        slotsOf,
      ),
    ).toEqual(["c", "d"]);
  });
  it("marking the same session again drops nothing; unplaced sessions clash with nothing", () => {
    expect(marksToDrop([{ pitchId: "a", status: "going" }], "a", slotsOf)).toEqual([]);
    expect(marksToDrop([{ pitchId: "x", status: "going" }], "a", slotsOf)).toEqual([]);
  });
});

describe("caps and the waiting list", () => {
  it("a new mark waits only when the cap is reached", () => {
    expect(statusForNewMark(3, null)).toBe("going");
    expect(statusForNewMark(2, 3)).toBe("going");
    expect(statusForNewMark(3, 3)).toBe("waiting");
  });
  it("promotes the oldest waiting up to the cap, everyone without a cap", () => {
    expect(toPromote(["w1", "w2", "w3"], 4, 5)).toEqual(["w1"]);
    expect(toPromote(["w1", "w2", "w3"], 2, 4)).toEqual(["w1", "w2"]);
    expect(toPromote(["w1"], 5, 5)).toEqual([]);
    expect(toPromote(["w1", "w2"], 9, null)).toEqual(["w1", "w2"]);
  });
  it("refuses a cap under the going-count, with the count in the message", () => {
    expect(capRefusal(3, 5)).toMatch(/5 people are already going/);
    expect(capRefusal(1, 2)).toMatch(/cannot be below 2/);
    expect(capRefusal(5, 5)).toBeNull();
    expect(capRefusal(null, 50)).toBeNull();
  });
});

describe("capacity demand", () => {
  it("uses going-counts where any exist, votes otherwise", () => {
    expect(demandOf({ votes: 40, going: 12 })).toEqual({ count: 12, basis: "going" });
    expect(demandOf({ votes: 40, going: 0 })).toEqual({ count: 40, basis: "votes" });
    expect(demandOf({ votes: 40 })).toEqual({ count: 40, basis: "votes" });
  });
  it("words the counts", () => {
    expect(goingText({ going: 3, waiting: 0 }, null)).toBe("3 going");
    expect(goingText({ going: 20, waiting: 2 }, 20)).toBe("20 of 20 going, 2 waiting");
  });
});
