import { z } from "zod";
import type { ConflictFact, EventPatchPush, GoingCount, GoingMark } from "./facts";

/**
 * The typed real-time contract shared by the server (hub.server.ts) and the
 * browser (LiveChannel.tsx). docs/realtime.md describes it for people
 * writing other clients; keep the two in step.
 */

/** What a client sends to follow an event. */
export const joinEventPayload = z.object({ slug: z.string().min(1).max(80) });
export type JoinEventPayload = z.infer<typeof joinEventPayload>;

export type { EventPatch, EventPatchPush } from "./facts";

export interface TallyUpdate {
  eventId: string;
  /** Latest vote count per pitch, only for pitches that changed since the last tick. */
  tallies: Record<string, number>;
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: string };

export interface JoinedEvent {
  eventId: string;
  isOrganiser: boolean;
  attendeeId: string | null;
  /** The event's current version: a client holding another one refetches its snapshot. */
  version: number;
  /** Current vote counts, or null while a blind vote hides them from this socket. */
  tallies: Record<string, number> | null;
  /** Current "I'm going" counts (they may have moved while the client was away). */
  going: Record<string, GoingCount>;
}

/** Coalesced "I'm going" counts: the latest of each session that changed since the last tick. */
export interface GoingUpdate {
  eventId: string;
  counts: Record<string, GoingCount>;
}

export interface ServerToClientEvents {
  /** One committed change of the event's facts (see facts.ts): one per version, in order. */
  "event:patch": (push: EventPatchPush) => void;
  "item:upserted": (update: { pitchId: string; item: ItemView }) => void;
  "item:removed": (update: { pitchId: string; itemId: string }) => void;
  "session:presence": (update: { pitchId: string; viewers: number }) => void;
  /**
   * Organisers only, during a blind vote: the grid's conflicts worked out again after votes, at the
   * version the page holds (not a new version: attendees, who may not see them, get nothing).
   */
  "grid:conflicts": (update: { eventId: string; version: number; conflicts: ConflictFact[] }) => void;
  /** How many co-host invitations wait for this attendee's answer (their own sockets only). */
  "cohost:invitations": (update: { count: number }) => void;
  "going:counts": (update: GoingUpdate) => void;
  /** This attendee's own "I'm going" marks (their own sockets only), e.g. after moving up from a waiting list. */
  "going:mine": (update: { eventId: string; marks: GoingMark[] }) => void;
  /** How many notes name this attendee (sent to that attendee's own sockets only). */
  "mentions:count": (update: { count: number }) => void;
  /** A session's Chatham House rule or lock changed; `items` (all shown items) when names may have changed. */
  "session:state": (update: SessionState) => void;
  "votes:tallies": (update: TallyUpdate) => void;
  /** A photo was added to a session (sent to that session's viewers). */
  "photo:added": (update: { pitchId: string; photo: PhotoView }) => void;
  "photo:removed": (update: { pitchId: string; photoId: string }) => void;
  /**
   * A session's feedback changed: sent only to the event's organisers and to the
   * sockets of the session's pitcher (the host), never to anyone else.
   */
  "feedback:summary": (update: { pitchId: string; summary: FeedbackSummary }) => void;
}

/** A session photo as every viewer sees it; files at /e/:slug/photos/:id.jpg and :id.thumb.jpg. */
export interface PhotoView {
  id: string;
  /** "Describe the photo", as the uploader wrote it (plain text). */
  alt: string;
  width: number;
  height: number;
  thumbWidth: number;
  thumbHeight: number;
  createdAt: string;
}

/** Feedback on one session, for its host and the organisers only: anonymous. */
export interface FeedbackSummary {
  count: number;
  /** Mean rating, one decimal; null when there is none. */
  average: number | null;
  /** Non-empty comments, newest first. */
  comments: string[];
}

/** Cast (vote: true) or take back (vote: false) a vote; the wanted state, so retries are harmless. */
export const setVotePayload = z.object({
  pitchId: z.string().min(1).max(64),
  vote: z.boolean(),
});
export type SetVotePayload = z.infer<typeof setVotePayload>;

export interface VoteResult {
  pitchId: string;
  voted: boolean;
  /** Null while a blind vote hides tallies from this client. */
  votes: number | null;
  votesLeft: number;
}

/** A captured item as every viewer of a session sees it (names already filtered by the attribution rule). */
export interface ItemView {
  id: string;
  kind: "note" | "tip" | "blocker" | "quote" | "action";
  /** Sanitised HTML rendered from the Markdown fields. */
  textHtml: string;
  blockerHtml: string;
  impactHtml: string;
  helpedHtml: string;
  /** The speaker's name, only when they agreed and the session is not under the Chatham House rule. */
  speaker: string | null;
  createdAt: string;
  /** When it was last written (added or edited): what a session's items stamp is made of. */
  changedAt: string;
  edited: boolean;
}

export interface SessionState {
  pitchId: string;
  chathamHouse: boolean;
  notesLocked: boolean;
  items?: ItemView[];
}

/** The `session:watch` ack: presence, and what a page compares with what it holds (a stamp of the items). */
export interface WatchedSession {
  viewers: number;
  chathamHouse: boolean;
  notesLocked: boolean;
  /** Changes whenever the session's shown items change; a page whose items carry another stamp reloads them. */
  stamp: string;
  /** The same for the session's photos (photoStampOf). */
  photoStamp: string;
}

export const watchSessionPayload = z.object({ pitchId: z.string().min(1).max(64) });

export interface ClientToServerEvents {
  /** Follow one session's captured items and presence. */
  "session:watch": (payload: { pitchId: string }, ack: (result: Ack<WatchedSession>) => void) => void;
  /** Add a captured item; `id` is made by the client, so a retry is stored once. */
  "item:add": (
    payload: Record<string, unknown>,
    ack: (result: Ack<{ item: ItemView; duplicate: boolean }>) => void,
  ) => void;
  "event:join": (payload: JoinEventPayload, ack: (result: Ack<JoinedEvent>) => void) => void;
  "vote:set": (payload: SetVotePayload, ack: (result: Ack<VoteResult>) => void) => void;
  /** Mark (going: true) or unmark a placed session; the wanted state, so retries are harmless. */
  "going:set": (payload: SetGoingPayload, ack: (result: Ack<GoingResultAck>) => void) => void;
}

export const setGoingPayload = z.object({ pitchId: z.string().min(1).max(64), going: z.boolean() });
export type SetGoingPayload = z.infer<typeof setGoingPayload>;

export interface GoingResultAck {
  pitchId: string;
  status: "going" | "waiting" | null;
  mine: GoingMark[];
  counts: GoingCount;
}

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  cookieHeader: string;
  ip: string;
  /** The event this socket joined, and its slug, once "event:join" succeeded. */
  slug?: string;
}

/** The Socket.IO room that carries one event's broadcasts. */
export function eventRoom(eventId: string): string {
  return `event:${eventId}`;
}

/** The room of one session's viewers: its items and presence go only here. */
export function sessionRoom(pitchId: string): string {
  return `session:${pitchId}`;
}

/** The room of one attendee's own sockets (every tab): personal news such as mentions. */
export function attendeeRoom(attendeeId: string): string {
  return `attendee:${attendeeId}`;
}

/** The room of an event's organisers: blind-vote tallies go only here. */
export function organiserRoom(eventId: string): string {
  return `organisers:${eventId}`;
}
