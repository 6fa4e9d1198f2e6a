import type { Cookie } from "@remix-run/node";
import type { Logger } from "pino";
import type { Db } from "../../db/client";
import type { FeedbackSummary, ItemView, PhotoView, SessionState } from "../realtime/contract";
import type { ConflictFact, EventPatch, GoingCount, GoingMark } from "../realtime/facts";
import type { EventCache } from "./eventCache.server";
import type { FactsCache } from "./facts.server";
import type { HeavyWork } from "./heavyWork.server";
import type { WriteLimiter } from "./rateLimit.server";

/** How services announce committed changes; implemented by the Socket.IO hub. */
export interface Publisher {
  /** A captured item was added or changed: sent to that session's viewers. */
  itemUpserted(pitchId: string, item: ItemView): void;
  itemRemoved(pitchId: string, itemId: string): void;
  /** Organisers only: conflicts worked out again at the current version (blind vote). */
  organiserConflicts(eventId: string, version: number, conflicts: ConflictFact[]): void;
  /** How many notes now name this attendee: sent to their own sockets ("Your mentions (N)"). */
  mentions(attendeeId: string, count: number): void;
  /** How many co-host invitations wait for this attendee: sent to their own sockets. */
  coHostInvitations(attendeeId: string, count: number): void;
  /** Coalesced like tallies: a session's "I'm going" counts, to everyone in the event. */
  goingCount(eventId: string, pitchId: string, counts: GoingCount): void;
  /** This attendee's own marks now (a waiting place moved up, or another tab changed them). */
  myGoing(attendeeId: string, eventId: string, marks: GoingMark[]): void;
  /** A session's rule or lock changed: sent to that session's viewers. */
  sessionState(state: SessionState): void;
  /**
   * One committed version of the event's facts. Organisers get `organiserPatch`
   * (every conflict, blind tallies); everyone else `patch`.
   */
  patch(eventId: string, version: number, patch: EventPatch, organiserPatch: EventPatch): void;
  /**
   * Coalesced: many calls within a tick go out as one message with the latest
   * counts. "organisers" keeps a blind vote's tallies from attendees' sockets.
   */
  tally(eventId: string, pitchId: string, votes: number, audience: "everyone" | "organisers"): void;
  /** A photo was added to or removed from a session: sent to that session's viewers. */
  photoAdded(pitchId: string, photo: PhotoView): void;
  photoRemoved(pitchId: string, photoId: string): void;
  /** A session's feedback changed: sent to the event's organisers and the session's host only. */
  feedback(eventId: string, hostId: string | null, pitchId: string, summary: FeedbackSummary): void;
}

/** What every service function needs; the same object serves HTTP and sockets. */
export type ServiceContext = {
  db: Db;
  publish: Publisher;
  facts: FactsCache;
  /** Event rows for the sockets' per-command checks; services that change an event row update it. */
  events: EventCache;
  limiter: WriteLimiter;
  logger: Logger;
  identityCookie: Cookie;
  /** Worker threads for exports, "Suggest a grid" and bulk rendering; absent in unit tests (the work then runs in-process). */
  heavy?: HeavyWork;
  /** Where session photos are kept (app/services/photoImage.server.ts photosFolder); a temporary folder when absent. */
  photosDir?: string;
};

/** Remix's load context: the services' context plus what one request adds. */
export type RequestContext = ServiceContext & {
  cspNonce: string;
  clientIp: string;
  publicUrl?: string;
};

declare module "@remix-run/node" {
  interface AppLoadContext extends RequestContext {}
  interface Future {
    v3_singleFetch: true;
  }
}
