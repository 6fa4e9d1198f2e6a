import { describe, expect, it } from "vitest";
import {
  checkNewSlot,
  formatRange,
  formatTime,
  placeLabel,
  slotKindLabel,
  overlaps,
  sortSlots,
  toLocalDateTime,
} from "../../app/domain/timeSlots";

const day = "2026-12-01";
const slot = (start: string, end: string, date = day) => ({
  localStart: toLocalDateTime(date, start),
  localEnd: toLocalDateTime(date, end),
});

describe("overlaps", () => {
  it.each([
    ["10:00", "10:45", "10:30", "11:15", true],
    ["10:00", "12:00", "10:30", "11:00", true], // one inside the other
    ["10:30", "11:00", "10:00", "12:00", true],
    ["10:00", "10:45", "10:00", "10:45", true], // the same slot
    ["10:00", "10:45", "10:44", "11:00", true], // one minute
    ["10:00", "10:45", "10:45", "11:30", false], // touching: allowed
    ["10:45", "11:30", "10:00", "10:45", false],
    ["10:00", "10:45", "11:00", "11:45", false], // a gap
  ])("%s–%s vs %s–%s: %s", (aStart, aEnd, bStart, bEnd, expected) => {
    const a = slot(aStart, aEnd);
    const b = slot(bStart, bEnd);
    expect(overlaps(a, b)).toBe(expected);
    expect(overlaps(b, a)).toBe(expected);
  });

  it("does not treat the same times on different days as overlapping", () => {
    expect(overlaps(slot("10:00", "11:00", "2026-12-01"), slot("10:00", "11:00", "2026-12-02"))).toBe(false);
  });
});

describe("checkNewSlot", () => {
  const existing = [slot("10:00", "10:45"), slot("11:00", "11:45")];

  it("accepts a slot that fits", () => {
    expect(checkNewSlot(slot("12:00", "12:30"), existing)).toBeNull();
    expect(checkNewSlot(slot("09:00", "09:30"), [])).toBeNull();
  });

  it("accepts slots that touch both neighbours", () => {
    expect(checkNewSlot(slot("10:45", "11:00"), existing)).toBeNull();
  });

  it("refuses a slot that ends before it starts, on the Ends field", () => {
    expect(checkNewSlot(slot("11:00", "10:00"), [])).toEqual({
      field: "ends",
      message: "A time slot must end after it starts.",
    });
  });

  it("refuses a slot of no length", () => {
    expect(checkNewSlot(slot("10:00", "10:00"), [])).toEqual({
      field: "ends",
      message: "A time slot must end after it starts.",
    });
  });

  it("checks the order before any overlap", () => {
    expect(checkNewSlot(slot("10:30", "10:15"), existing)?.field).toBe("ends");
  });

  it("names the slot it overlaps and says touching is fine", () => {
    const problem = checkNewSlot(slot("10:30", "11:15"), existing);
    expect(problem).toEqual({
      field: "starts",
      message: "This overlaps the slot 10:00–10:45. Time slots may touch but not overlap.",
    });
  });

  it("names the overlapped slot even when it is not the first one", () => {
    expect(checkNewSlot(slot("11:30", "12:00"), existing)?.message).toContain("11:00–11:45");
  });

  it("refuses a slot that swallows an existing one", () => {
    expect(checkNewSlot(slot("09:00", "13:00"), existing)?.field).toBe("starts");
  });
});

describe("formatting and sorting", () => {
  it("formats times and ranges from local date-times", () => {
    expect(toLocalDateTime(day, "09:05")).toBe("2026-12-01T09:05");
    expect(formatTime("2026-12-01T09:05")).toBe("09:05");
    expect(formatRange(slot("09:05", "10:00"))).toBe("09:05–10:00");
  });

  it("sorts by start without changing the input", () => {
    const input = [slot("11:00", "11:30"), slot("09:00", "09:30"), slot("10:00", "10:30")];
    const copy = [...input];
    expect(sortSlots(input).map(formatRange)).toEqual(["09:00–09:30", "10:00–10:30", "11:00–11:30"]);
    expect(input).toEqual(copy);
  });
});

describe("slotKindLabel: breaks and plenaries named wherever a slot is shown", () => {
  it("names breaks and plenaries by their label or their kind", () => {
    expect(slotKindLabel({ kind: "break", label: "" })).toBe("Break");
    expect(slotKindLabel({ kind: "break", label: "Lunch" })).toBe("Break: Lunch");
    expect(slotKindLabel({ kind: "plenary", label: "" })).toBe("Plenary, all rooms");
    expect(slotKindLabel({ kind: "plenary", label: "Keynote" })).toBe("Keynote (all rooms)");
    expect(slotKindLabel({ kind: "sessions", label: "" })).toBe("");
  });

  it("says where a placed session is: its room, or the plenary for all rooms", () => {
    expect(placeLabel({ kind: "sessions", label: "" }, "Room B")).toBe("Room B");
    expect(placeLabel({ kind: "sessions", label: "Lightning talks" }, "Room B")).toBe("Room B");
    expect(placeLabel({ kind: "plenary", label: "" }, "Main Hall")).toBe("Plenary, all rooms");
    expect(placeLabel({ kind: "plenary", label: "Closing circle" }, "Main Hall")).toBe("Closing circle (all rooms)");
  });
});
