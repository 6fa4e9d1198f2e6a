import { z } from "zod";

/**
 * The facts an event's pages show, as one versioned state that the server
 * builds once per version (the snapshot) and then changes by pushing patches.
 * Shared by server and browser; docs/realtime.md describes it for other
 * clients. Everything here is public to anyone who may see the event, except
 * where a field says who gets it.
 */

const id = z.string().min(1).max(64);

export const settingsFact = z.object({
  name: z.string(),
  slug: z.string(),
  /** First day, YYYY-MM-DD. */
  date: z.string(),
  timeZone: z.string(),
  pitchingOpen: z.boolean(),
  votingOpen: z.boolean(),
  votesPerAttendee: z.number().int(),
  blindVoting: z.boolean(),
  shufflePitches: z.boolean(),
  /** Sessions offer "Give feedback" from their start. */
  feedbackOn: z.boolean(),
  /** What the organisers tell everyone now, and when they said it (dismissing one does not hide the next). */
  announcement: z.object({ text: z.string(), at: z.string() }).nullable(),
});
export type SettingsFact = z.infer<typeof settingsFact>;

export const roomFact = z.object({ id, name: z.string(), capacity: z.number().int() });
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
  pitcherName: z.string().nullable(),
  status: z.enum(["open", "merged"]),
  mergedIntoId: id.nullable(),
  createdAt: z.string(),
});
export type PitchFact = z.infer<typeof pitchFact>;

export const placementFact = z.object({ pitchId: id, roomId: id, slotId: id, pinned: z.boolean() });
export type PlacementFact = z.infer<typeof placementFact>;

export const conflictFact = z.object({
  kind: z.enum(["double-booked", "pitcher-clash", "over-capacity", "voter-clash"]),
  slotId: id,
  pitchIds: z.array(id),
  message: z.string(),
});
export type ConflictFact = z.infer<typeof conflictFact>;

export const eventFacts = z.object({
  eventId: id,
  version: z.number().int().nonnegative(),
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
  settings: settingsFact.optional(),
  rooms: z.array(roomFact).optional(),
  slots: z.array(slotFact).optional(),
  pitches: z.array(pitchFact).optional(),
  removedPitchIds: z.array(id).optional(),
  placements: z.array(placementFact).optional(),
  conflicts: z.array(conflictFact).optional(),
  tallies: z.lazy(() => tallies).optional(),
});
export type EventPatch = z.infer<typeof eventPatch>;

/** The `event:patch` push: one per version, in order. */
export const eventPatchPush = z.object({
  eventId: id,
  version: z.number().int().positive(),
  patch: eventPatch,
});
export type EventPatchPush = z.infer<typeof eventPatchPush>;

/** Vote counts per pitch id; null while a blind vote hides them from this viewer. */
export const tallies = z.record(z.string(), z.number().int().nonnegative());
export type Tallies = z.infer<typeof tallies>;

/** What only this viewer sees: it comes with the snapshot and is kept by the viewer's own acks. */
export const personalFacts = z.object({
  isOrganiser: z.boolean(),
  attendee: z.object({ id, name: z.string(), nameInWriteups: z.boolean() }).nullable(),
  /** Pitches (open or not) this attendee voted for. */
  myVotes: z.array(id),
  /** Pitches this attendee pitched that are open, or hidden (and may be shown again). */
  myPitches: z.array(id),
  /** How many notes name this attendee (each waits for their own "Name me"). */
  mentions: z.number().int().nonnegative(),
});
export type PersonalFacts = z.infer<typeof personalFacts>;

/** `GET /e/:slug/state.json`: the snapshot with the tallies this viewer may see and its personal part. */
export const eventSnapshot = z.object({
  facts: eventFacts,
  tallies: tallies.nullable(),
  personal: personalFacts,
});
export type EventSnapshot = z.infer<typeof eventSnapshot>;
