import { describe, expect, it } from "vitest";
import { joinSchema } from "../../app/schemas/attendee";
import {
  clockTime,
  createEventSchema,
  isTimeZone,
  isoDate,
  openEventSchema,
  roomSchema,
  timeSlotSchema,
  votingSettingsSchema,
} from "../../app/schemas/event";

const valid = { name: "Test Camp", date: "2026-12-01", timeZone: "Europe/London" };

/** The messages zod gives, by field. */
function messages(result: {
  success: boolean;
  error?: { issues: Array<{ path: (string | number)[]; message: string }> };
}) {
  const byField: Record<string, string[]> = {};
  for (const issue of result.error?.issues ?? []) {
    const key = issue.path.join(".");
    byField[key] = [...(byField[key] ?? []), issue.message];
  }
  return byField;
}

describe("createEventSchema", () => {
  it("accepts a valid event and trims the name", () => {
    expect(createEventSchema.parse({ ...valid, name: "  Test Camp  " })).toEqual(valid);
  });

  it("takes an optional passcode, trimmed", () => {
    expect(createEventSchema.parse({ ...valid, passcode: " open sesame " }).passcode).toBe("open sesame");
    expect(createEventSchema.parse(valid).passcode).toBeUndefined();
  });

  it.each([
    [{ name: "" }, "name", "Give the event a name."],
    [{ name: "    " }, "name", "Give the event a name."],
    [{ name: undefined }, "name", "Give the event a name."],
    [{ name: "x".repeat(121) }, "name", "The event name can be at most 120 characters."],
    [{ date: undefined }, "date", "Enter a date."],
    [{ date: "01/12/2026" }, "date", "Enter a date as YYYY-MM-DD."],
    [{ date: "2026-1-01" }, "date", "Enter a date as YYYY-MM-DD."],
    [{ date: "2026-12-01T10:00" }, "date", "Enter a date as YYYY-MM-DD."],
    [{ date: "2026-13-01" }, "date", "That is not a real date."],
    [{ date: "2026-00-10" }, "date", "That is not a real date."],
    [{ date: "2026-02-32" }, "date", "That is not a real date."],
    // Date.parse rolls these over into the next month; they must still be refused.
    [{ date: "2026-02-30" }, "date", "That is not a real date."],
    [{ date: "2026-04-31" }, "date", "That is not a real date."],
    [{ date: "2025-02-29" }, "date", "That is not a real date."],
    [{ timeZone: undefined }, "timeZone", "Choose a time zone."],
    [{ timeZone: "Mars/Olympus_Mons" }, "timeZone", "Choose a time zone from the list."],
    [{ timeZone: "" }, "timeZone", "Choose a time zone from the list."],
    [{ passcode: "abc" }, "passcode", "A passcode needs at least 4 characters."],
    [{ passcode: "   ab   " }, "passcode", "A passcode needs at least 4 characters."],
    [{ passcode: "p".repeat(65) }, "passcode", "A passcode can be at most 64 characters."],
  ])("refuses %j with a message on %s", (change, field, message) => {
    const result = createEventSchema.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    // The field's first message is the one that explains the problem.
    expect(messages(result)[field]?.[0]).toBe(message);
    expect(Object.keys(messages(result))).toEqual([field]);
  });

  it("accepts a name of exactly 120 characters", () => {
    expect(createEventSchema.safeParse({ ...valid, name: "x".repeat(120) }).success).toBe(true);
  });

  it("accepts a leap day in a leap year", () => {
    expect(isoDate.safeParse("2028-02-29").success).toBe(true);
  });

  it("knows real IANA time zones", () => {
    for (const zone of ["Europe/London", "America/New_York", "Asia/Kolkata", "UTC", "Pacific/Chatham"]) {
      expect(isTimeZone(zone)).toBe(true);
    }
    expect(isTimeZone("Nowhere/Special")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});

describe("createEventSchema details", () => {
  it("gives one message for a badly formatted date, not two", () => {
    const result = createEventSchema.safeParse({ name: "Camp", date: "01/12/2026", timeZone: "UTC" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual(["Enter a date as YYYY-MM-DD."]);
  });

  it("accepts a leap day that exists and stores time zones in their canonical spelling", () => {
    const result = createEventSchema.safeParse({ name: "Camp", date: "2028-02-29", timeZone: "europe/london" });
    expect(result.success && result.data).toMatchObject({ date: "2028-02-29", timeZone: "Europe/London" });
  });
});

describe("openEventSchema: from a pasted link or a short name to a slug", () => {
  it.each([
    ["https://camp.example.org/e/demo-camp", "demo-camp"],
    ["https://camp.example.org/e/demo-camp/", "demo-camp"],
    ["http://localhost:3000/e/demo-camp/admin?key=abc", "demo-camp"],
    ["https://camp.example.org/e/demo-camp/s/123#notes", "demo-camp"],
    ["camp.example.org/e/Demo-Camp", "demo-camp"],
    ["  /e/ukgovcamp-2026  ", "ukgovcamp-2026"],
    ["demo-camp", "demo-camp"],
    ["Demo-Camp", "demo-camp"],
    ["  demo-camp\n", "demo-camp"],
  ])("reads %j as %j", (address, slug) => {
    expect(openEventSchema.parse({ address })).toEqual({ address: slug });
  });

  it.each(["", "Demo Camp", "https://camp.example.org/events/demo", "demo_camp", "x".repeat(81)])(
    "refuses %j with a helpful message",
    (address) => {
      const result = openEventSchema.safeParse({ address });
      expect(result.success).toBe(false);
      expect(messages(result).address).toEqual(["That does not look like an event link or short name."]);
    },
  );

  it("refuses an absurdly long paste before looking into it", () => {
    const result = openEventSchema.safeParse({ address: `https://x.org/e/camp?${"a".repeat(600)}` });
    expect(messages(result).address).toEqual(["That is too long to be an event link."]);
  });

  it("asks for something when nothing was given", () => {
    expect(messages(openEventSchema.safeParse({})).address).toEqual(["Paste the event's link or type its short name."]);
  });
});

describe("the other foundation schemas", () => {
  it("joinSchema: a blank name is anonymous, 60 characters is the limit", () => {
    expect(joinSchema.parse({})).toEqual({ name: "", nameInWriteups: false });
    expect(joinSchema.parse({ name: "  Priya  ", nameInWriteups: true })).toEqual({
      name: "Priya",
      nameInWriteups: true,
    });
    expect(joinSchema.safeParse({ name: "n".repeat(60) }).success).toBe(true);
    expect(messages(joinSchema.safeParse({ name: "n".repeat(61) })).name).toEqual([
      "A name can be at most 60 characters.",
    ]);
  });

  it("roomSchema: a name and a whole, positive capacity", () => {
    expect(roomSchema.parse({ name: " Atrium ", capacity: 80 })).toEqual({ name: "Atrium", capacity: 80 });
    expect(messages(roomSchema.safeParse({ name: "", capacity: 1 })).name).toEqual(["Give the room a name."]);
    expect(messages(roomSchema.safeParse({ name: "A", capacity: 0 })).capacity).toEqual([
      "A room holds at least 1 person.",
    ]);
    expect(messages(roomSchema.safeParse({ name: "A", capacity: 2.5 })).capacity).toEqual(["Enter a whole number."]);
    expect(messages(roomSchema.safeParse({ name: "A", capacity: "abc" })).capacity).toEqual(["Enter a whole number."]);
    expect(messages(roomSchema.safeParse({ name: "A", capacity: 100001 })).capacity).toEqual([
      "That capacity is too large.",
    ]);
  });

  it("clockTime: 24-hour HH:MM only", () => {
    for (const ok of ["00:00", "09:05", "23:59"]) expect(clockTime.safeParse(ok).success).toBe(true);
    for (const bad of ["24:00", "9:05", "12:60", "noon", "12:00:00"]) {
      expect(clockTime.safeParse(bad).error?.issues[0]?.message).toBe("Enter a time as HH:MM (24-hour).");
    }
  });

  it("timeSlotSchema: sessions by default, a known kind otherwise", () => {
    expect(timeSlotSchema.parse({ starts: "10:00", ends: "10:45" })).toEqual({
      starts: "10:00",
      ends: "10:45",
      kind: "sessions",
    });
    expect(messages(timeSlotSchema.safeParse({ starts: "10:00", ends: "10:45", kind: "party" })).kind).toEqual([
      "Choose sessions, break or plenary.",
    ]);
  });

  it("votingSettingsSchema: 1 to 50 whole votes", () => {
    expect(votingSettingsSchema.parse({ votesPerAttendee: 1 }).votesPerAttendee).toBe(1);
    expect(votingSettingsSchema.parse({ votesPerAttendee: 50 }).votesPerAttendee).toBe(50);
    expect(messages(votingSettingsSchema.safeParse({ votesPerAttendee: 0 })).votesPerAttendee).toEqual([
      "Each attendee needs at least 1 vote.",
    ]);
    expect(messages(votingSettingsSchema.safeParse({ votesPerAttendee: 51 })).votesPerAttendee).toEqual([
      "At most 50 votes per attendee.",
    ]);
  });
});
