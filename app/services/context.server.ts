import type { Cookie } from "@remix-run/node";
import type { Logger } from "pino";
import type { Db } from "../../db/client";
import type { ChangeScope, ItemView } from "../realtime/contract";
import type { WriteLimiter } from "./rateLimit.server";

/** How services announce committed changes; implemented by the Socket.IO hub. */
export interface Publisher {
  /** A captured item was added or changed: sent to that session's viewers. */
  itemUpserted(pitchId: string, item: ItemView): void;
  itemRemoved(pitchId: string, itemId: string): void;
  changed(eventId: string, scope: ChangeScope, pitchId?: string): void;
  /**
   * Coalesced: many calls within a tick go out as one message with the latest
   * counts. "organisers" keeps a blind vote's tallies from attendees' sockets.
   */
  tally(eventId: string, pitchId: string, votes: number, audience: "everyone" | "organisers"): void;
}

/** What every service function needs; the same object serves HTTP and sockets. */
export type ServiceContext = {
  db: Db;
  publish: Publisher;
  limiter: WriteLimiter;
  logger: Logger;
  identityCookie: Cookie;
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
