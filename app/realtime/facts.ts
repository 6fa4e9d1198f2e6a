import * as z from "zod/v4-mini";

/**
 * The facts an event's pages show, as one versioned state that the server
 * builds once per version (the snapshot) and then changes by pushing patches.
 * Shared by server and browser; docs/realtime.md describes it for other
 * clients. Everything here is public to anyone who may see the event, except
 * where a field says who gets it.
 *
 * Written with zod's "mini" build (zod/v4-mini, shipped in the zod package):
 * the same checks as the rest of the app's zod schemas, in functions that a
 * bundler can leave out when unused, so the browser's live channel checks
 * every push with about 4 KB of gzipped JavaScript instead of the 13 KB of
 * the full zod 3 (the event page's budget is 130 KB, issue 9).
 */

const id = z.string().check(z.minLength(1), z.maxLength(64));

export const settingsFact = z.object({
  name: z.string(),
  slug: z.string(),
  /** First day, YYYY-MM-DD. */
  date: z.string(),
  timeZone: z.string(),
  pitchingOpen: z.boolean(),
  votingOpen: z.boolean(),
  votesPerAttendee: z.int(),
  blindVoting: z.boolean(),
  shufflePitches: z.boolean(),
  /** Sessions offer "Give feedback" from their start. */
  feedbackOn: z.boolean(),
  /** What the organisers tell everyone now, and when they said it (dismissing one does not hide the next). */
  announcement: z.nullable(z.object({ text: z.string(), at: z.string() })),
});
export type SettingsFact = z.infer<typeof settingsFact>;

export const roomFact = z.object({
  id,
  name: z.string(),
  capacity: z.int(),
  /** What the room offers: standard ids ("step-free", "hearing-loop", "projector", "whiteboard", "quiet") and the organisers' own tags. */
  features: z.array(z.string()),
  /** The room's video call, stream or chat (https), or null. */
  remoteUrl: z.nullable(z.string()),
});
export type RoomFact = z.infer<typeof roomFact>;

export const slotFact = z.object({
  id,
  /** Wall-clock times in the event's time zone, YYYY-MM-DDTHH:MM. */
  localStart: z.string(),
  localEnd: z.string(),
  kind: z.enum(["sessions", "break", "plenary"]),
  label: z.string(),
});
export type SlotFact = z.infer<typeof slotFact>;

/** An open pitch, or one merged into another (shown as "merged into"). Withdrawn and hidden ones are not facts. */
export const pitchFact = z.object({
  id,
  title: z.string(),
  /** Sanitised HTML, rendered once when the pitch was written. */
  descriptionHtml: z.string(),
  tags: z.array(z.string()),
  /** The name the pitcher joined with; null when anonymous or made by organisers. */
  pitcherName: z.nullable(z.string()),
  /** Accepted co-hosts' names as they joined (an invitation shows nowhere until accepted). */
  coHostNames: z.array(z.string()),
  /** The organisers' cap on "I'm going"; null when there is none. */
  goingCap: z.nullable(z.int().check(z.positive())),
  status: z.enum(["open", "merged"]),
  mergedIntoId: z.nullable(id),
  createdAt: z.string(),
  /** Consecutive session slots it takes once placed (1, or more for a long session). */
  span: z.int().check(z.minimum(1)),
  /** Room features it needs (same vocabulary as `roomFact.features`). */
  needs: z.array(z.string()),
  /** Its own video call, stream or chat (https), or null (then its room's applies). */
  remoteUrl: z.nullable(z.string()),
});
export type PitchFact = z.infer<typeof pitchFact>;

/**
 * A placed session: `slotId` is its first slot; a long session (`span` > 1)
 * also covers the next `span - 1` session slots of that day, in the same room.
 */
export const placementFact = z.object({
  pitchId: id,
  roomId: id,
  slotId: id,
  pinned: z.boolean(),
  span: z.int().check(z.minimum(1)),
});
export type PlacementFact = z.infer<typeof placementFact>;

export const conflictFact = z.object({
  kind: z.enum([
    "double-booked",
    "pitcher-clash",
    "over-capacity",
    "voter-clash",
    /** A host cannot make this slot. */
    "host-unavailable",
    /** The room lacks a feature the session needs. */
    "needs",
    /** A long session's slots are no longer consecutive session slots of one day (slots changed). */
    "span",
  ]),
  slotId: id,
  pitchIds: z.array(id),
  message: z.string(),
  /** The short label on the cell ("Host unavailable", "Needs projector"). */
  label: z.string(),
});
export type ConflictFact = z.infer<typeof conflictFact>;

export const eventFacts = z.object({
  eventId: id,
  version: z.int().check(z.nonnegative()),
  settings: settingsFact,
  rooms: z.array(roomFact),
  slots: z.array(slotFact),
  /** Oldest first. */
  pitches: z.array(pitchFact),
  placements: z.array(placementFact),
  /**
   * Problems in the grid. While a blind vote is open, attendees get only the
   * ones that reveal no votes (double-booked, pitcher clash); organisers get all.
   */
  conflicts: z.array(conflictFact),
});
export type EventFacts = z.infer<typeof eventFacts>;

/**
 * What changed in one version. Every part is optional and replaces what it
 * names: `pitches` are upserts by id, `removedPitchIds` leave the list
 * (withdrawn or hidden), and the list parts (`rooms`, `slots`, `placements`,
 * `conflicts`) replace the whole list. `tallies`, when present, are the full
 * current counts (sent when a blind vote ends or a merge/hide moved votes).
 */
export const eventPatch = z.object({
  settings: z.optional(settingsFact),
  rooms: z.optional(z.array(roomFact)),
  slots: z.optional(z.array(slotFact)),
  pitches: z.optional(z.array(pitchFact)),
  removedPitchIds: z.optional(z.array(id)),
  placements: z.optional(z.array(placementFact)),
  conflicts: z.optional(z.array(conflictFact)),
  tallies: z.optional(z.lazy(() => tallies)),
});
export type EventPatch = z.infer<typeof eventPatch>;

/** The `event:patch` push: one per version, in order. */
export const eventPatchPush = z.object({
  eventId: id,
  version: z.int().check(z.positive()),
  patch: eventPatch,
});
export type EventPatchPush = z.infer<typeof eventPatchPush>;

/** Vote counts per pitch id; null while a blind vote hides them from this viewer. */
export const tallies = z.record(z.string(), z.int().check(z.nonnegative()));
export type Tallies = z.infer<typeof tallies>;

/** "I'm going" per session: places taken and people waiting. Counts travel coalesced, like tallies. */
export const goingCount = z.object({ going: z.int().check(z.nonnegative()), waiting: z.int().check(z.nonnegative()) });
export type GoingCount = z.infer<typeof goingCount>;
export const goingCounts = z.record(z.string(), goingCount);
export type GoingCounts = z.infer<typeof goingCounts>;

/** One of this attendee's "I'm going" marks: a place, or a place in the waiting list. */
export const goingMark = z.object({ pitchId: id, status: z.enum(["going", "waiting"]) });
export type GoingMark = z.infer<typeof goingMark>;

/** What only this viewer sees: it comes with the snapshot and is kept by the viewer's own acks. */
export const personalFacts = z.object({
  isOrganiser: z.boolean(),
  attendee: z.nullable(z.object({ id, name: z.string(), nameInWriteups: z.boolean() })),
  /** Pitches (open or not) this attendee voted for. */
  myVotes: z.array(id),
  /** Pitches this attendee pitched that are open, or hidden (and may be shown again). */
  myPitches: z.array(id),
  /** How many notes name this attendee (each waits for their own "Name me"). */
  mentions: z.int().check(z.nonnegative()),
  /** Open pitches this attendee co-hosts (accepted): they may edit them. */
  coHosting: z.array(id),
  /** Co-host invitations waiting for this attendee's answer. */
  invitations: z.int().check(z.nonnegative()),
  /** This attendee's "I'm going" marks (pushed to their own sockets when a waiting place moves up). */
  myGoing: z.array(goingMark),
});
export type PersonalFacts = z.infer<typeof personalFacts>;

/** `GET /e/:slug/state.json`: the snapshot with the tallies this viewer may see and its personal part. */
export const eventSnapshot = z.object({
  facts: eventFacts,
  tallies: z.nullable(tallies),
  /** "I'm going" counts of sessions anyone marked. */
  going: goingCounts,
  personal: personalFacts,
});
export type EventSnapshot = z.infer<typeof eventSnapshot>;
