import { z } from "zod";
import { SINGLE_LINE, SINGLE_LINE_MESSAGE } from "./limits";
import { FEATURES_MAX, FEATURE_MAX_LENGTH, normaliseFeature } from "../domain/features";

/** Input schemas shared by forms (conform, in the browser too) and services. */

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const isoDate = z
  .string({ required_error: "Enter a date." })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date as YYYY-MM-DD.")
  // Date.parse rolls 2026-02-30 over to March, so the date must survive a round trip.
  .refine((value) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return true; // the format message above says it
    const time = Date.parse(`${value}T00:00:00Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
  }, "That is not a real date.");

export const clockTime = z
  .string({ required_error: "Enter a time." })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Enter a time as HH:MM (24-hour).");

const passcode = z
  .string()
  .trim()
  .min(4, "A passcode needs at least 4 characters.")
  .max(64, "A passcode can be at most 64 characters.");

export const createEventSchema = z.object({
  name: z
    .string({ required_error: "Give the event a name." })
    .trim()
    .min(1, "Give the event a name.")
    .max(120, "The event name can be at most 120 characters.")
    .regex(SINGLE_LINE, SINGLE_LINE_MESSAGE),
  date: isoDate,
  timeZone: z
    .string({ required_error: "Choose a time zone." })
    .refine(isTimeZone, "Choose a time zone from the list.")
    // Stored in its canonical spelling ("europe/london" becomes "Europe/London").
    .transform((zone) => new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone),
  passcode: passcode.optional(),
});
export type CreateEventInput = z.infer<typeof createEventSchema>;

export const votingSettingsSchema = z.object({
  votesPerAttendee: z
    .number({ required_error: "Enter how many votes each attendee has.", invalid_type_error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(1, "Each attendee needs at least 1 vote.")
    .max(50, "At most 50 votes per attendee."),
  blindVoting: z.boolean().default(false),
  shufflePitches: z.boolean().default(false),
});
export type VotingSettingsInput = z.infer<typeof votingSettingsSchema>;

export const passcodeSettingSchema = z.object({ passcode: passcode.optional() });

/** One line for everyone ("Lunch is ready"): no line breaks or control characters. */
export const announcementSchema = z.object({
  text: z
    .string({ required_error: "Type the announcement first." })
    .trim()
    .min(1, "Type the announcement first.")
    .max(280, "An announcement can be at most 280 characters.")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    .refine((text) => !/[\u0000-\u001f\u007f]/.test(text), "An announcement is one line of text."),
});
export const enterPasscodeSchema = z.object({
  passcode: z.string({ required_error: "Enter the event passcode." }).max(64, "That passcode is too long."),
});

export const roomSchema = z.object({
  name: z
    .string({ required_error: "Give the room a name." })
    .trim()
    .min(1, "Give the room a name.")
    .max(60, "A room name can be at most 60 characters.")
    .regex(SINGLE_LINE, SINGLE_LINE_MESSAGE),
  capacity: z
    .number({ required_error: "Enter how many people fit in the room.", invalid_type_error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(1, "A room holds at least 1 person.")
    .max(100000, "That capacity is too large."),
});
export type RoomInput = z.infer<typeof roomSchema>;

export const slotKinds = ["sessions", "break", "plenary"] as const;

export const timeSlotSchema = z.object({
  day: isoDate.optional(),
  starts: clockTime,
  ends: clockTime,
  kind: z.enum(slotKinds, { errorMap: () => ({ message: "Choose sessions, break or plenary." }) }).default("sessions"),
  label: z
    .string()
    .trim()
    .max(60, "A label can be at most 60 characters.")
    .regex(SINGLE_LINE, SINGLE_LINE_MESSAGE)
    .optional(),
});
export type TimeSlotInput = z.infer<typeof timeSlotSchema>;

export const idSchema = z.string().min(1).max(64);

/** "Open an event": a pasted link (…/e/slug/…) or a bare slug, reduced to the slug. */
export const openEventSchema = z.object({
  address: z
    .string({ required_error: "Paste the event's link or type its short name." })
    .trim()
    .max(500, "That is too long to be an event link.")
    .transform((value) => {
      const match = value.match(/\/e\/([a-z0-9-]+)/i);
      return (match?.[1] ?? value).toLowerCase();
    })
    .pipe(z.string().regex(/^[a-z0-9-]{1,80}$/, "That does not look like an event link or short name.")),
});

export const removeRoomSchema = z.object({ roomId: idSchema });
export const editSlotSchema = timeSlotSchema.extend({ slotId: idSchema });
export const eventDetailsSchema = createEventSchema.pick({ name: true, date: true, timeZone: true });
export const removeSlotSchema = z.object({ slotId: idSchema });

/** The organiser console's "Remove these votes" for a suspicious burst (app/services/bursts.server.ts). */
export const burstSchema = z.object({ burstId: z.string().min(1).max(200) });
/**
 * A remote link (video call, stream, chat): https only, so a page never links
 * to javascript:, data: or a plain-text address. Empty means none (null).
 */
export const remoteUrlSchema = z.preprocess(
  // null is what this schema gives for "none": parsing its output again gives the same (services validate again).
  (v) => (typeof v === "string" ? v.trim() : v === null ? undefined : v),
  z
    .string({ invalid_type_error: "A remote link is a web address." })
    .max(500, "A remote link can be at most 500 characters.")
    .optional()
    .refine((value) => {
      if (!value) return true;
      try {
        const url = new URL(value);
        return url.protocol === "https:" && url.hostname !== "" && !url.username && !url.password;
      } catch {
        return false;
      }
    }, "A remote link must be a full https:// address (a video call, stream or chat).")
    .transform((value) => (value ? new URL(value).href : null)),
);

/**
 * Room features or session needs: from checkboxes (one value each) and a
 * text box ("sofa, kitchen"), or an array from a service caller; normalised
 * (lower case, single spaces), without repeats.
 */
export const featureListSchema = z.preprocess(
  (value) => {
    const raw = typeof value === "string" ? [value] : Array.isArray(value) ? value : value === undefined ? [] : value;
    if (!Array.isArray(raw)) return raw;
    const list = raw.flatMap((v) => (typeof v === "string" ? v.split(",") : v === undefined || v === null ? [] : [v]));
    return [...new Set(list.map((t) => (typeof t === "string" ? normaliseFeature(t) : t)).filter((t) => t !== ""))];
  },
  z
    .array(
      z
        .string()
        .max(FEATURE_MAX_LENGTH, `Each feature can be at most ${FEATURE_MAX_LENGTH} characters.`)
        // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
        .refine((t) => !/[\u0000-\u001f\u007f]/.test(t), "A feature is a short line of text."),
      { invalid_type_error: "Separate features with commas." },
    )
    .max(FEATURES_MAX, `At most ${FEATURES_MAX} features.`),
);

/** Adding a room: features and a remote link may come with it. */
export const addRoomSchema = roomSchema.extend({
  features: featureListSchema.optional(),
  // null (none) clears the link; absent keeps it.
  remoteUrl: remoteUrlSchema.optional(),
});

/**
 * Editing a room: a part that is absent stays as it is (the console's form
 * always sends both, with an empty value for "none").
 */
export const editRoomSchema = addRoomSchema.extend({ roomId: idSchema });

/** The console's edit form: every part is sent, and an empty one means none (no features, no link). */
export const editRoomFormSchema = roomSchema.extend({
  roomId: idSchema,
  features: featureListSchema,
  remoteUrl: remoteUrlSchema,
});

/** "Slots I cannot make": the whole set each time (checkboxes), so a retried save changes nothing more. */
export const availabilitySchema = z.object({
  unavailable: z.preprocess(
    (v) =>
      v === undefined || v === "" ? [] : typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x) => x !== "") : v,
    z.array(idSchema, { invalid_type_error: "Tick the slots you cannot make." }).max(500, "Too many slots."),
  ),
});
