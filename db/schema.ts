import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/**
 * The whole product's data model. Ids are random strings made by the app
 * (captured items take the id their client made, so a retried write is
 * recognised). Times are ISO strings in UTC unless named `local*`, which are
 * wall-clock times in the event's own time zone.
 */

const createdAt = () => text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    /** First day of the event, YYYY-MM-DD. */
    date: text("date").notNull(),
    timeZone: text("time_zone").notNull(),
    organiserKeyHash: text("organiser_key_hash").notNull(),
    passcodeHash: text("passcode_hash"),
    pitchingOpen: integer("pitching_open", { mode: "boolean" }).notNull().default(true),
    votingOpen: integer("voting_open", { mode: "boolean" }).notNull().default(false),
    votesPerAttendee: integer("votes_per_attendee").notNull().default(3),
    blindVoting: integer("blind_voting", { mode: "boolean" }).notNull().default(false),
    shufflePitches: integer("shuffle_pitches", { mode: "boolean" }).notNull().default(true),
    /**
     * Goes up by one in every transaction that changes what event pages show
     * (not votes: tallies travel on their own coalesced channel). Pushes carry
     * it, so a client that missed one knows to refetch (docs/realtime.md).
     */
    version: integer("version").notNull().default(0),
    /** What the organisers tell everyone now ("Lunch is ready"), shown on every page; null when none. */
    announcement: text("announcement"),
    /** When it was made: a phone that dismissed one announcement still sees the next. */
    announcementAt: text("announcement_at"),
    /** Organisers switch it on: from a session's start its page offers "Give feedback". */
    feedbackOn: integer("feedback_on", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("events_slug_unique").on(t.slug),
    check("events_votes_per_attendee_range", sql`${t.votesPerAttendee} between 1 and 50`),
  ],
);

export const attendees = sqliteTable(
  "attendees",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    /** Empty means anonymous. */
    name: text("name").notNull().default(""),
    nameInWriteups: integer("name_in_writeups", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("attendees_event_idx").on(t.eventId)],
);

export const rooms = sqliteTable(
  "rooms",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    capacity: integer("capacity").notNull(),
    position: integer("position").notNull().default(0),
    /** What the room offers: standard ids ("step-free", "projector", ...) and the organisers' own tags (JSON array). */
    features: text("features", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /** A video call, stream or chat for people who are not in the room (https only); null when none. */
    remoteUrl: text("remote_url"),
    createdAt: createdAt(),
  },
  (t) => [
    index("rooms_event_idx").on(t.eventId),
    uniqueIndex("rooms_event_name_unique").on(t.eventId, t.name),
    check("rooms_capacity_positive", sql`${t.capacity} >= 1`),
  ],
);

export const timeSlots = sqliteTable(
  "time_slots",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    /** Wall-clock start and end in the event's time zone, YYYY-MM-DDTHH:MM. */
    localStart: text("local_start").notNull(),
    localEnd: text("local_end").notNull(),
    /** "sessions": one session per room; "break": nothing placed; "plenary": one session for all rooms. */
    kind: text("kind", { enum: ["sessions", "break", "plenary"] })
      .notNull()
      .default("sessions"),
    label: text("label").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [
    index("time_slots_event_idx").on(t.eventId, t.localStart),
    check("time_slots_order", sql`${t.localEnd} > ${t.localStart}`),
  ],
);

export const pitches = sqliteTable(
  "pitches",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    /** The pitcher; null for sessions created by organisers or imported. */
    attendeeId: text("attendee_id").references(() => attendees.id, { onDelete: "set null" }),
    /** Made by the pitcher's client so that a retried submit is recognised. */
    clientId: text("client_id"),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    /** `description` rendered and sanitised once, when written (never on a view or export). */
    descriptionHtml: text("description_html").notNull().default(""),
    /** JSON array of strings. */
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    status: text("status", { enum: ["open", "hidden", "merged", "withdrawn"] })
      .notNull()
      .default("open"),
    mergedIntoId: text("merged_into_id").references((): AnySQLiteColumn => pitches.id, {
      onDelete: "set null",
    }),
    hiddenReason: text("hidden_reason"),
    chathamHouse: integer("chatham_house", { mode: "boolean" }).notNull().default(false),
    notesLocked: integer("notes_locked", { mode: "boolean" }).notNull().default(false),
    /** Consecutive session slots the session takes once placed (a long session: 2 to 4; checked by the schema). */
    span: integer("span").notNull().default(1),
    /** Room features the session needs (the rooms' vocabulary; JSON array). */
    needs: text("needs", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    /** The session's own video call, stream or chat (https only); its room's when null. */
    remoteUrl: text("remote_url"),
    /** Organisers' cap on "I'm going" for the session; more people wait in line. Null: no cap. */
    goingCap: integer("going_cap"),
    createdAt: createdAt(),
    updatedAt: text("updated_at"),
  },
  (t) => [
    index("pitches_event_idx").on(t.eventId, t.status),
    uniqueIndex("pitches_client_id_unique").on(t.eventId, t.clientId),
  ],
);

export const votes = sqliteTable(
  "votes",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    pitchId: text("pitch_id")
      .notNull()
      .references(() => pitches.id, { onDelete: "cascade" }),
    attendeeId: text("attendee_id")
      .notNull()
      .references(() => attendees.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.pitchId, t.attendeeId] }), index("votes_attendee_idx").on(t.eventId, t.attendeeId)],
);

export const placements = sqliteTable(
  "placements",
  {
    pitchId: text("pitch_id")
      .primaryKey()
      .references(() => pitches.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    roomId: text("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    slotId: text("slot_id")
      .notNull()
      .references(() => timeSlots.id, { onDelete: "cascade" }),
    /** Kept as it is by "Suggest a grid". */
    pinned: integer("pinned", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("placements_room_slot_unique").on(t.roomId, t.slotId),
    index("placements_event_idx").on(t.eventId),
  ],
);

/** Slots an attendee cannot make: a session they host is flagged there, and "Suggest a grid" keeps it away. */
export const unavailability = sqliteTable(
  "unavailability",
  {
    attendeeId: text("attendee_id")
      .notNull()
      .references(() => attendees.id, { onDelete: "cascade" }),
    slotId: text("slot_id")
      .notNull()
      .references(() => timeSlots.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.attendeeId, t.slotId] }), index("unavailability_event_idx").on(t.eventId)],
);

export const capturedItems = sqliteTable(
  "captured_items",
  {
    /** Made by the note-taker's client: a retried write carries the same id. */
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    pitchId: text("pitch_id")
      .notNull()
      .references(() => pitches.id, { onDelete: "cascade" }),
    authorId: text("author_id").references(() => attendees.id, { onDelete: "set null" }),
    kind: text("kind", { enum: ["note", "tip", "blocker", "quote", "action"] }).notNull(),
    text: text("text").notNull().default(""),
    blocker: text("blocker"),
    impact: text("impact"),
    helped: text("helped"),
    /**
     * The Markdown fields rendered and sanitised once, when written:
     * `{ text, blocker, impact, helped }` as HTML (empty strings for absent fields).
     */
    html: text("html", { mode: "json" })
      .$type<{ text: string; blocker: string; impact: string; helped: string }>()
      .notNull()
      .default(sql`'{"text":"","blocker":"","impact":"","helped":""}'`),
    saidBy: text("said_by"),
    /** "They agreed to be named": without it `saidBy` is never shown or exported (unless linked, below). */
    saidByConsent: integer("said_by_consent", { mode: "boolean" }).notNull().default(false),
    /**
     * The person who joined and was picked in "Said by": then only their own
     * choice names them (`mentionConsent`), whatever the note-taker ticked.
     */
    mentionId: text("mention_id").references(() => attendees.id, { onDelete: "set null" }),
    /** The mentioned person's choice: "asked" (not yet: anonymous), "named" or "anonymous". */
    mentionConsent: text("mention_consent", { enum: ["asked", "named", "anonymous"] })
      .notNull()
      .default("asked"),
    hidden: integer("hidden", { mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: text("updated_at"),
  },
  (t) => [
    index("captured_items_pitch_idx").on(t.pitchId, t.createdAt),
    index("captured_items_mention_idx").on(t.mentionId),
  ],
);

/**
 * A photo of a session (a flipchart, sticky notes). The files live in the data
 * folder beside the database, `photos/<eventId>/<id>.jpg` (web size) and
 * `<id>.thumb.jpg`, re-encoded without any metadata (app/services/photos.server.ts).
 */
export const photos = sqliteTable(
  "photos",
  {
    /** Made by the uploader's client: a retried upload carries the same id. */
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    pitchId: text("pitch_id")
      .notNull()
      .references(() => pitches.id, { onDelete: "cascade" }),
    uploaderId: text("uploader_id").references(() => attendees.id, { onDelete: "set null" }),
    /** "Describe the photo": the alt text, required. */
    alt: text("alt").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    bytes: integer("bytes").notNull(),
    thumbWidth: integer("thumb_width").notNull(),
    thumbHeight: integer("thumb_height").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("photos_pitch_idx").on(t.pitchId, t.createdAt), index("photos_event_idx").on(t.eventId)],
);

/** One anonymous response per attendee per session; submitting again replaces it. Seen by hosts and organisers only. */
export const feedback = sqliteTable(
  "feedback",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    pitchId: text("pitch_id")
      .notNull()
      .references(() => pitches.id, { onDelete: "cascade" }),
    attendeeId: text("attendee_id")
      .notNull()
      .references(() => attendees.id, { onDelete: "cascade" }),
    rating: integer("rating").notNull(),
    comment: text("comment").notNull().default(""),
    createdAt: createdAt(),
    updatedAt: text("updated_at"),
  },
  (t) => [
    primaryKey({ columns: [t.pitchId, t.attendeeId] }),
    index("feedback_event_idx").on(t.eventId),
    check("feedback_rating_range", sql`${t.rating} between 1 and 5`),
  ],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    /** "organiser" or "attendee"; never an id that maps to a person. */
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    targetId: text("target_id"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_event_idx").on(t.eventId, t.id)],
);

/**
 * Co-hosts of a pitch: the pitcher invites someone who joined the event; only
 * that person's own "Accept" makes them a host (nothing shows before).
 */
export const coHosts = sqliteTable(
  "co_hosts",
  {
    pitchId: text("pitch_id")
      .notNull()
      .references(() => pitches.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    attendeeId: text("attendee_id")
      .notNull()
      .references(() => attendees.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["invited", "accepted", "declined"] })
      .notNull()
      .default("invited"),
    createdAt: createdAt(),
    respondedAt: text("responded_at"),
  },
  (t) => [
    primaryKey({ columns: [t.pitchId, t.attendeeId] }),
    index("co_hosts_event_idx").on(t.eventId),
    index("co_hosts_attendee_idx").on(t.attendeeId, t.status),
  ],
);

/**
 * "I'm going": one row per attendee and session. "waiting" rows form the
 * session's waiting list in `createdAt` order (the first moves up when a
 * place frees).
 */
export const going = sqliteTable(
  "going",
  {
    pitchId: text("pitch_id")
      .notNull()
      .references(() => pitches.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    attendeeId: text("attendee_id")
      .notNull()
      .references(() => attendees.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["going", "waiting"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.pitchId, t.attendeeId] }),
    index("going_event_idx").on(t.eventId, t.attendeeId),
    index("going_pitch_idx").on(t.pitchId, t.status, t.createdAt),
  ],
);

/**
 * Private calendar feeds (`/e/:slug/calendar/<selector><verifier>.ics`): the
 * selector finds the row, the verifier is compared in constant time. A renewed
 * link keeps its row with `renewedAt`, so the old address answers 410.
 */
export const calendarLinks = sqliteTable(
  "calendar_links",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    attendeeId: text("attendee_id")
      .notNull()
      .references(() => attendees.id, { onDelete: "cascade" }),
    /** "mine": this attendee's sessions; "event": the whole schedule. */
    scope: text("scope", { enum: ["mine", "event"] }).notNull(),
    selector: text("selector").notNull(),
    verifier: text("verifier").notNull(),
    createdAt: createdAt(),
    renewedAt: text("renewed_at"),
  },
  (t) => [
    uniqueIndex("calendar_links_selector_unique").on(t.selector),
    index("calendar_links_owner_idx").on(t.attendeeId, t.scope),
  ],
);

export type Event = typeof events.$inferSelect;
export type Attendee = typeof attendees.$inferSelect;
export type Room = typeof rooms.$inferSelect;
export type TimeSlot = typeof timeSlots.$inferSelect;
export type Pitch = typeof pitches.$inferSelect;
export type Vote = typeof votes.$inferSelect;
export type Placement = typeof placements.$inferSelect;
export type CapturedItem = typeof capturedItems.$inferSelect;
export type Photo = typeof photos.$inferSelect;
export type Feedback = typeof feedback.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type CoHost = typeof coHosts.$inferSelect;
export type Going = typeof going.$inferSelect;
export type CalendarLink = typeof calendarLinks.$inferSelect;
