import { describe, expect, it } from "vitest";
import { pickTimeZone, timeZoneList } from "../../app/domain/timeZones";

describe("time zones offered to organisers", () => {
  const list = timeZoneList(["Africa/Abidjan", "Europe/London", "Etc/UTC"]);

  it("offers UTC first, once", () => {
    expect(list).toEqual(["UTC", "Africa/Abidjan", "Europe/London"]);
  });

  it("picks the browser's zone, UTC for a browser set to UTC, and nothing it does not offer", () => {
    expect(pickTimeZone("Europe/London", list)).toBe("Europe/London");
    expect(pickTimeZone("Etc/UTC", list)).toBe("UTC");
    expect(pickTimeZone("UTC", list)).toBe("UTC");
    expect(pickTimeZone("Mars/Olympus", list)).toBeNull();
    expect(pickTimeZone(undefined, list)).toBeNull();
  });
});
