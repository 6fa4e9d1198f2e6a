import { z } from "zod";
import { overlaps } from "../domain/timeSlots";
import { SPAN_MAX } from "../domain/spans";
import {
  createEventSchema,
  featureListSchema,
  isoDate,
  remoteUrlSchema,
  roomSchema,
  slotKinds,
  votingSettingsSchema,
} from "./event";
import { SINGLE_LINE, SINGLE_LINE_MESSAGE, importLimits as most, limits } from "./limits";

/**
 * The whole-event file, /e/:slug/export.json, and what /import accepts. The
 * same schema types the exporter's output, so the two cannot drift apart.
 * Names in it are only those the attribution rule lets an export show; it
 * holds no attendee, pitch or item id, no cookie and no secret.
 */

export const EVENT_FILE_FORMAT = "unconf-event";
export const EVENT_FILE_VERSION = 1;

const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, "Write times as YYYY-MM-DDTHH:MM.")
  .refine((v) => isoDate.safeParse(v.slice(0, 10)).success, "That is not a real date.");

const instant = z.string().datetime({ message: "Write instants as ISO 8601 in UTC, e.g. 2026-12-01T09:30:00.000Z." });

const personName = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "A name cannot be empty: use null when nobody is named.")
    .max(max, `A name can be at most ${max} characters.`)
    .regex(SINGLE_LINE, SINGLE_LINE_MESSAGE);

const itemKinds = ["note", "tip", "blocker", "quote", "action"] as const;

const storyPart = z
  .string()
  .max(most.storyPart, `Blocker, impact and what helped can be at most ${most.storyPart} characters each.`)
  .nullable();

export const fileItemSchema = z
  .object({
    kind: z.enum(itemKinds, {
      errorMap: () => ({ message: "The kind must be note, tip, blocker, quote or action." }),
    }),
    text: z.string().max(limits.itemText, `A note's text can be at most ${limits.itemText} characters.`),
    blocker: storyPart,
    impact: storyPart,
    helped: storyPart,
    saidBy: personName(80).nullable(),
    author: personName(limits.attendeeName).nullable(),
    createdAt: instant,
  })
  .strict()
  .superRefine((item, ctx) => {
    if (item.kind === "blocker" && !item.blocker?.trim()) {
      ctx.addIssue({ code: "custom", path: ["blocker"], message: "A blocker story needs its blocker." });
    }
    if (item.kind !== "blocker" && !item.text.trim()) {
      ctx.addIssue({ code: "custom", path: ["text"], message: "This note has no text." });
    }
  });

/** A photo's web size (JPEG) in base64: at most 4 MB of image, re-read and re-encoded on import. */
const PHOTO_BASE64_MAX = Math.ceil((4 * 1024 * 1024 * 4) / 3) + 4;

export const filePhotoSchema = z
  .object({
    alt: z
      .string()
      .trim()
      .min(1, "A photo needs its description (alt text).")
      .max(300, "A photo's description can be at most 300 characters."),
    createdAt: instant,
    jpeg: z
      .string()
      .max(PHOTO_BASE64_MAX, "A photo can be at most 4 MB.")
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, "A photo must be base64."),
  })
  .strict();

/** Organiser exports only: anonymous feedback (not imported: it belongs to the event it was given in). */
const fileFeedbackSchema = z
  .object({
    ratings: z.array(z.number().int().min(1).max(5)).max(5000),
    comments: z.array(z.string().max(1000)).max(5000),
  })
  .strict();

export const fileSessionSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, "Every session needs a title.")
      .max(limits.pitchTitle, `A title can be at most ${limits.pitchTitle} characters.`)
      .regex(SINGLE_LINE, SINGLE_LINE_MESSAGE),
    description: z
      .string()
      .max(limits.pitchDescription, `A description can be at most ${limits.pitchDescription} characters.`),
    tags: z
      .array(
        z
          .string()
          .trim()
          .min(1, "A tag cannot be empty.")
          .max(most.tag, `Each tag can be at most ${most.tag} characters.`)
          .regex(SINGLE_LINE, SINGLE_LINE_MESSAGE),
      )
      .max(most.tagsPerSession, `At most ${most.tagsPerSession} tags per session.`),
    chathamHouse: z.boolean(),
    notesLocked: z.boolean(),
    pitcher: personName(limits.attendeeName).nullable(),
    createdAt: instant,
    /** The number of ballots that include this session (derived; checked when present). */
    votes: z.number().int().min(0).optional(),
    /** Consecutive session slots it takes (a long session); 1 when absent. */
    slots: z
      .number()
      .int()
      .min(1, "A session takes at least 1 slot.")
      .max(SPAN_MAX, `A session can take at most ${SPAN_MAX} slots.`)
      .optional(),
    needs: featureListSchema.optional(),
    remoteUrl: remoteUrlSchema.optional(),
    placement: z
      .object({ room: z.string().min(1), start: localDateTime, pinned: z.boolean() })
      .strict()
      .nullable(),
    notes: z
      .array(fileItemSchema)
      .max(most.notesPerSession, `At most ${most.notesPerSession} notes per session (the import limit).`),
    photos: z.array(filePhotoSchema).max(50, "At most 50 photos per session.").optional(),
    feedback: fileFeedbackSchema.optional(),
  })
  .strict();

export const fileSlotSchema = z
  .object({
    start: localDateTime,
    end: localDateTime,
    kind: z.enum(slotKinds, { errorMap: () => ({ message: "A slot's kind must be sessions, break or plenary." }) }),
    label: z
      .string()
      .trim()
      .max(limits.slotLabel, `A label can be at most ${limits.slotLabel} characters.`)
      .regex(SINGLE_LINE, SINGLE_LINE_MESSAGE),
  })
  .strict();

export const eventFileSchema = z
  .object({
    format: z.literal(EVENT_FILE_FORMAT, {
      errorMap: () => ({ message: `This is not an Unconf event file (its "format" must be "${EVENT_FILE_FORMAT}").` }),
    }),
    version: z.literal(EVENT_FILE_VERSION, {
      errorMap: () => ({ message: `This file's version is not one this install reads (${EVENT_FILE_VERSION}).` }),
    }),
    exportedAt: instant.optional(),
    source: z.string().url("source must be a URL.").optional(),
    event: z
      .object({
        name: createEventSchema.shape.name,
        date: isoDate,
        timeZone: createEventSchema.shape.timeZone,
        private: z.boolean(),
        pitchingOpen: z.boolean(),
        votingOpen: z.boolean(),
        votesPerAttendee: votingSettingsSchema.shape.votesPerAttendee,
        blindVoting: z.boolean(),
        shufflePitches: z.boolean(),
      })
      .strict(),
    rooms: z
      .array(
        roomSchema.extend({ features: featureListSchema.optional(), remoteUrl: remoteUrlSchema.optional() }).strict(),
      )
      .max(most.rooms, `At most ${most.rooms} rooms (the import limit).`),
    timeSlots: z.array(fileSlotSchema).max(most.timeSlots, `At most ${most.timeSlots} time slots (the import limit).`),
    sessions: z.array(fileSessionSchema).max(most.sessions, `At most ${most.sessions} sessions (the import limit).`),
    /** Anonymous ballots: each one attendee's votes, as indexes into `sessions`. */
    ballots: z
      .array(
        z
          .array(z.number().int().min(0))
          .max(most.votesPerBallot, `A ballot can hold at most ${most.votesPerBallot} votes (the import limit).`),
      )
      .max(most.ballots, `At most ${most.ballots} ballots (the import limit).`),
  })
  .strict()
  .superRefine((file, ctx) => {
    const roomNames = new Map<string, number>();
    file.rooms.forEach((room, i) => {
      const folded = room.name.toLocaleLowerCase();
      if (roomNames.has(folded)) {
        ctx.addIssue({
          code: "custom",
          path: ["rooms", i, "name"],
          message: `There are two rooms called "${room.name}".`,
        });
      }
      roomNames.set(folded, i);
    });
    const slotByStart = new Map<string, z.infer<typeof fileSlotSchema>>();
    file.timeSlots.forEach((slot, i) => {
      if (slot.end <= slot.start) {
        ctx.addIssue({
          code: "custom",
          path: ["timeSlots", i, "end"],
          message: "A time slot must end after it starts.",
        });
      }
      const clash = file.timeSlots.findIndex(
        (other, j) =>
          j < i &&
          overlaps({ localStart: slot.start, localEnd: slot.end }, { localStart: other.start, localEnd: other.end }),
      );
      if (clash >= 0) {
        ctx.addIssue({
          code: "custom",
          path: ["timeSlots", i, "start"],
          message: `This slot overlaps time slot ${clash}.`,
        });
      }
      slotByStart.set(slot.start, slot);
    });
    const taken = new Set<string>();
    let itemCount = 0;
    file.sessions.forEach((session, i) => {
      itemCount += session.notes.length;
      const placement = session.placement;
      if (!placement) return;
      const path = ["sessions", i, "placement"];
      const roomIndex = roomNames.get(placement.room.toLocaleLowerCase());
      const slot = slotByStart.get(placement.start);
      if (roomIndex === undefined || file.rooms[roomIndex]?.name !== placement.room) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "room"],
          message: `There is no room called "${placement.room}".`,
        });
      }
      if (!slot) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "start"],
          message: `No time slot starts at ${placement.start}.`,
        });
      } else if (slot.kind === "break") {
        ctx.addIssue({ code: "custom", path: [...path, "start"], message: "Nothing can be placed in a break." });
      }
      const cell = slot?.kind === "plenary" ? `plenary ${placement.start}` : `${placement.room} ${placement.start}`;
      if (taken.has(cell)) {
        ctx.addIssue({ code: "custom", path, message: `Two sessions are placed in ${cell}.` });
      }
      taken.add(cell);
    });
    const photoCount = file.sessions.reduce((n, session) => n + (session.photos?.length ?? 0), 0);
    if (photoCount > 500) {
      ctx.addIssue({ code: "custom", path: ["sessions"], message: "At most 500 photos in one event file." });
    }
    if (itemCount > most.notesPerEvent) {
      ctx.addIssue({
        code: "custom",
        path: ["sessions"],
        message: `At most ${most.notesPerEvent} notes in one event (the import limit); this file has ${itemCount}.`,
      });
    }
    const voteCount = file.ballots.reduce((n, ballot) => n + ballot.length, 0);
    if (voteCount > most.votes) {
      ctx.addIssue({
        code: "custom",
        path: ["ballots"],
        message: `At most ${most.votes} votes in one event (the import limit); this file has ${voteCount}.`,
      });
    }
    const counts = new Array<number>(file.sessions.length).fill(0);
    file.ballots.forEach((ballot, b) => {
      const seen = new Set<number>();
      ballot.forEach((index, k) => {
        if (index >= file.sessions.length) {
          ctx.addIssue({ code: "custom", path: ["ballots", b, k], message: `There is no session number ${index}.` });
        } else if (seen.has(index)) {
          ctx.addIssue({ code: "custom", path: ["ballots", b, k], message: "A ballot names the same session twice." });
        } else {
          counts[index] = (counts[index] ?? 0) + 1;
        }
        seen.add(index);
      });
    });
    file.sessions.forEach((session, i) => {
      if (session.votes !== undefined && session.votes !== counts[i]) {
        ctx.addIssue({
          code: "custom",
          path: ["sessions", i, "votes"],
          message: `This session has ${session.votes} votes but ${counts[i]} ballots name it.`,
        });
      }
    });
  });

export type EventFile = z.output<typeof eventFileSchema>;
export type EventFileInput = z.input<typeof eventFileSchema>;
