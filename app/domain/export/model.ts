/**
 * The one data object every export renderer reads. It is built by
 * `buildExportModel` (app/services/export.server.ts) from one read of the
 * database, with the attribution rule already applied: every name in it is a
 * name that may be exported, and it holds no attendee id, cookie or secret.
 * Renderers are pure functions of this object (and of nothing else).
 */

import type { ItemHtml } from "../markdown.server";

import type { NameBasis } from "../attribution";

export type SlotKind = "sessions" | "break" | "plenary";
export type ItemKind = "note" | "tip" | "blocker" | "quote" | "action";

export interface ExportItem {
  kind: ItemKind;
  /** Markdown, as typed. */
  text: string;
  /** Blocker stories only (Markdown); null elsewhere. */
  blocker: string | null;
  impact: string | null;
  helped: string | null;
  /**
   * The sanitised HTML stored when the item was written (HTML exports use it
   * instead of rendering again); absent or empty fields are rendered from the Markdown.
   */
  html?: ItemHtml | null;
  /** Who said it: only when they agreed to be named and the session is not under the Chatham House rule. */
  saidBy: string | null;
  /** Why `saidBy` may be shown (for the preview's list of names); null when it is not. */
  saidByBasis?: NameBasis | null;
  /** Who wrote it down: only when they chose "Name me in write-ups" and not under the Chatham House rule. */
  author: string | null;
  createdAt: string;
}

/** A session photo: the web size, re-encoded without metadata when it was uploaded. */
export interface ExportPhoto {
  /** The photo's id (random, never an attendee's). */
  id: string;
  /** The uploader's description: the image's alt text everywhere. */
  alt: string;
  width: number;
  height: number;
  createdAt: string;
  /** The web size's address on this site (needs the passcode on a private event). */
  url: string;
  /** Its name inside a bundle (the static-site zip): photo-1.jpg, photo-2.jpg, ... per session. */
  fileName: string;
  /** The JPEG's bytes, when the export embeds or bundles them (zip, standalone HTML, export.json). */
  data?: Uint8Array;
}

/** Organiser exports only: a session's feedback, anonymous (ratings and comments, no one named). */
export interface ExportFeedback {
  ratings: number[];
  comments: string[];
}

export interface ExportPlacement {
  room: string;
  roomGuid: string;
  /** Wall-clock times in the event's time zone, YYYY-MM-DDTHH:MM. */
  localStart: string;
  /** The end of the last slot it covers (a long session covers several). */
  localEnd: string;
  /** Consecutive slots it takes (1, or more for a long session). */
  slots?: number;
  slotKind: SlotKind;
  slotLabel: string;
  pinned: boolean;
}

export interface ExportSession {
  /** The pitch's id, as in its public address /e/:slug/s/:id. Never an attendee's id. */
  id: string;
  /** A stable positive number, unique in the event (the pitch's rank by creation). */
  number: number;
  /** A stable UUID made from the pitch's id. */
  guid: string;
  url: string;
  title: string;
  /** Markdown. */
  description: string;
  /** `description` as stored sanitised HTML; null or absent when it must be rendered (an edited introduction). */
  descriptionHtml?: string | null;
  tags: string[];
  chathamHouse: boolean;
  notesLocked: boolean;
  /** Where to join from afar (video call, stream, chat): its own link, else its room's; https only. */
  remoteUrl?: string | null;
  /** The session's own remote link (not its room's), for export.json. */
  ownRemoteUrl?: string | null;
  /** Consecutive session slots it takes (1, or more for a long session). */
  span?: number;
  /** Room features it needs. */
  needs?: string[];
  /** The pitcher, when the attribution rule allows the name. */
  pitcher: string | null;
  /** Accepted co-hosts whom the rule allows to name (each by their own write-up choice), in order. */
  coHosts?: string[];
  /** Hosts (pitcher, co-hosts) and note-takers whom the rule allows to name, hosts first, without repeats. */
  authors: string[];
  createdAt: string;
  placement: ExportPlacement | null;
  /** Visible captured items, oldest first. */
  items: ExportItem[];
  /** Photos, oldest first. */
  photos: ExportPhoto[];
  /** Organiser exports only (export.json); absent from every public export. */
  feedback?: ExportFeedback;
}

export interface ExportRoom {
  name: string;
  capacity: number;
  guid: string;
  /** What the room offers (standard ids and the organisers' own tags). */
  features?: string[];
  remoteUrl?: string | null;
}

export interface ExportSlot {
  localStart: string;
  localEnd: string;
  kind: SlotKind;
  label: string;
}

export interface ExportEventInfo {
  slug: string;
  name: string;
  /** First day, YYYY-MM-DD. */
  date: string;
  /** IANA name, e.g. Europe/London. */
  timeZone: string;
  url: string;
  private: boolean;
  pitchingOpen: boolean;
  votingOpen: boolean;
  votesPerAttendee: number;
  blindVoting: boolean;
  shufflePitches: boolean;
}

export interface EventExport {
  event: ExportEventInfo;
  /** The site's origin, e.g. https://unconf.example.org. */
  origin: string;
  /** ISO instant the export was made. */
  generatedAt: string;
  rooms: ExportRoom[];
  /** Sorted by start. */
  slots: ExportSlot[];
  /** Open pitches only: scheduled ones in grid order (time, then room), then the unscheduled ones by creation. */
  sessions: ExportSession[];
  /**
   * Organiser exports only: each attendee's votes as a set of session ids,
   * with no attendee named or identified, in a sorted (not joining) order.
   */
  ballots?: string[][];
}

/** Overrides a blogger makes on the preview page before downloading. */
export interface PostEdits {
  title?: string;
  introduction?: string;
}

export function applyEdits(session: ExportSession, edits: PostEdits | undefined): ExportSession {
  if (!edits) return session;
  return {
    ...session,
    title: edits.title ?? session.title,
    description: edits.introduction ?? session.description,
    // The stored HTML is the old introduction's.
    descriptionHtml: edits.introduction === undefined ? session.descriptionHtml : null,
  };
}

export function findSession(model: EventExport, id: string): ExportSession | undefined {
  return model.sessions.find((s) => s.id === id);
}

/** Sessions in the order the event's exports list them, as documented on `sessions`. */
export function sortSessions<T extends Pick<ExportSession, "placement" | "createdAt" | "number">>(
  sessions: readonly T[],
  roomOrder: ReadonlyMap<string, number>,
): T[] {
  return [...sessions].sort((a, b) => {
    if (a.placement && !b.placement) return -1;
    if (!a.placement && b.placement) return 1;
    if (a.placement && b.placement) {
      const byTime = a.placement.localStart.localeCompare(b.placement.localStart);
      if (byTime !== 0) return byTime;
      const byRoom = (roomOrder.get(a.placement.room) ?? 0) - (roomOrder.get(b.placement.room) ?? 0);
      if (byRoom !== 0) return byRoom;
    }
    return a.number - b.number;
  });
}
