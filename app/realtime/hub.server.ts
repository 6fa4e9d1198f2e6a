import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Server, Socket } from "socket.io";
import { ZodError } from "zod";
import { type Trust, clientAddress } from "../http.server";
import type { Publisher, ServiceContext } from "../services/context.server";
import { ServiceError, isServiceError } from "../services/errors";
import { addItem, checkWatch } from "../services/capture.server";
import { goingFor, talliesFor } from "../services/facts.server";
import { setGoing } from "../services/going.server";
import { setVote } from "../services/pitches.server";
import type { Viewer } from "../services/viewer.server";
import {
  type Ack,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
  attendeeRoom,
  eventRoom,
  joinEventPayload,
  organiserRoom,
  sessionRoom,
  watchSessionPayload,
  setGoingPayload,
  setVotePayload,
} from "./contract";
import type { GoingCount } from "./facts";
import { socketViewers } from "./socketViewers.server";

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** How long tally changes wait to be sent together (DESIGN.md: coalesced broadcasts). */
export const TALLY_TICK_MS = 50;

type Audience = "everyone" | "organisers";

/**
 * Publishes committed changes to each event's room. Tallies are coalesced per
 * event and audience: whatever changed within one tick goes out as one
 * message with the latest counts, at most one per tick.
 */
export function createPublisher(io: IoServer): Publisher & { flush(): void; close(): void } {
  const pending = new Map<string, { eventId: string; audience: Audience; tallies: Map<string, number> }>();
  const pendingGoing = new Map<string, Map<string, GoingCount>>();
  let timer: NodeJS.Timeout | null = null;
  let lastFlush = Number.NEGATIVE_INFINITY;

  function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    lastFlush = performance.now();
    for (const { eventId, audience, tallies } of pending.values()) {
      const room = audience === "everyone" ? eventRoom(eventId) : organiserRoom(eventId);
      io.to(room).emit("votes:tallies", { eventId, tallies: Object.fromEntries(tallies) });
    }
    pending.clear();
    for (const [eventId, counts] of pendingGoing)
      io.to(eventRoom(eventId)).emit("going:counts", { eventId, counts: Object.fromEntries(counts) });
    pendingGoing.clear();
  }

  /** Throttled, leading edge: a lone change goes out at once, a burst at most once a tick. */
  function schedule() {
    const wait = lastFlush + TALLY_TICK_MS - performance.now();
    // Due now: send from here. A timer would wait behind every queued command (in a burst of
    // 2,000 votes one client got 3 tally messages in 2.85 s), while each vote passes through here.
    if (wait <= 0) flush();
    else timer ??= setTimeout(flush, wait);
  }

  return {
    itemUpserted(pitchId, item) {
      io.to(sessionRoom(pitchId)).emit("item:upserted", { pitchId, item });
    },
    itemRemoved(pitchId, itemId) {
      io.to(sessionRoom(pitchId)).emit("item:removed", { pitchId, itemId });
    },
    organiserConflicts(eventId, version, conflicts) {
      io.to(organiserRoom(eventId)).emit("grid:conflicts", { eventId, version, conflicts });
    },
    mentions(attendeeId, count) {
      io.to(attendeeRoom(attendeeId)).emit("mentions:count", { count });
    },
    coHostInvitations(attendeeId, count) {
      io.to(attendeeRoom(attendeeId)).emit("cohost:invitations", { count });
    },
    myGoing(attendeeId, eventId, marks) {
      io.to(attendeeRoom(attendeeId)).emit("going:mine", { eventId, marks });
    },
    goingCount(eventId, pitchId, counts) {
      let entry = pendingGoing.get(eventId);
      if (!entry) {
        entry = new Map();
        pendingGoing.set(eventId, entry);
      }
      entry.set(pitchId, counts);
      schedule();
    },
    photoAdded(pitchId, photo) {
      io.to(sessionRoom(pitchId)).emit("photo:added", { pitchId, photo });
    },
    photoRemoved(pitchId, photoId) {
      io.to(sessionRoom(pitchId)).emit("photo:removed", { pitchId, photoId });
    },
    feedback(eventId, hostId, pitchId, summary) {
      const rooms = [organiserRoom(eventId), ...(hostId ? [attendeeRoom(hostId)] : [])];
      io.to(rooms).emit("feedback:summary", { pitchId, summary });
    },
    sessionState(state) {
      io.to(sessionRoom(state.pitchId)).emit("session:state", state);
    },
    patch(eventId, version, patch, organiserPatch) {
      // Full counts in the patch supersede coalesced ones still waiting for the tick (they are older).
      if (organiserPatch.tallies) {
        pending.delete(`everyone|${eventId}`);
        pending.delete(`organisers|${eventId}`);
      }
      // Organisers sit in both rooms: they get their own version of the push, not both.
      io.to(eventRoom(eventId)).except(organiserRoom(eventId)).emit("event:patch", { eventId, version, patch });
      io.to(organiserRoom(eventId)).emit("event:patch", { eventId, version, patch: organiserPatch });
    },
    tally(eventId: string, pitchId: string, votes: number, audience: Audience) {
      const key = `${audience}|${eventId}`;
      let entry = pending.get(key);
      if (!entry) {
        entry = { eventId, audience, tallies: new Map() };
        pending.set(key, entry);
      }
      entry.tallies.set(pitchId, votes);
      schedule();
    },
    flush,
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending.clear();
      pendingGoing.clear();
    },
  };
}

/**
 * Wires socket commands to the same service functions the HTTP actions use.
 * Identity comes from the handshake's cookie, exactly as for HTTP requests;
 * a client that joins or becomes organiser over HTTP reconnects to pick up
 * its new cookie. Who is asking is resolved once, at "event:join", and each
 * command reads the event's current row from the event cache
 * (socketViewers.server.ts).
 */
/** At most this many event:join and session:watch commands per connection in NAVIGATION_WINDOW_S seconds. */
export const NAVIGATIONS_PER_WINDOW = 20;
const NAVIGATION_WINDOW_S = 10;

export function attachHub(io: IoServer, ctx: ServiceContext, options: { trust: Trust }): void {
  io.use((socket, next) => {
    socket.data.cookieHeader = socket.handshake.headers.cookie ?? "";
    // The client's address as Express reads req.ip: X-Forwarded-For only as far as TRUST_PROXY trusts the hops.
    const { headers, address } = socket.handshake;
    socket.data.ip = clientAddress({ headers, remoteAddress: address }, options.trust);
    next();
  });

  const viewers = socketViewers(io, ctx, (pitchId) => announcePresence(pitchId));

  /**
   * Joins and watches one connection may make: a person moving between pages
   * and reconnecting, never a script (1,922 watches in 20 s once sent 384,000
   * presence messages: issue 10, hole 10). They are not writes, so they do
   * not spend the address's write budget (a venue shares it). vote:set and
   * item:add are limited by their services, as over HTTP.
   */
  const navigations = new RateLimiterMemory({ points: NAVIGATIONS_PER_WINDOW, duration: NAVIGATION_WINDOW_S });
  async function limitNavigation(socket: IoSocket): Promise<void> {
    try {
      await navigations.consume(socket.id);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ServiceError(
        "rate_limited",
        `Slow down: too many page changes on this connection. Try again in ${seconds} s.`,
      );
    }
  }

  /** Who is asking: resolved at "event:join" and kept on the socket, with the event's current row. */
  async function viewerOf(socket: IoSocket, slug: string): Promise<Viewer> {
    return viewers.current(socket) ?? viewers.resolve(socket, slug);
  }

  /** Runs one command: parse, call the service, answer the ack; failures answer `{ ok: false, error }`. */
  function command<P, R extends object>(name: keyof ClientToServerEvents, run: (payload: P) => Promise<R>) {
    return async (payload: P, maybeAck: (result: Ack<R>) => void) => {
      // emit(name, callback) hands the callback over as the payload: answer it, never leave it waiting.
      let ack = maybeAck;
      if (typeof payload === "function") {
        ack = payload as unknown as (result: Ack<R>) => void;
        payload = undefined as P;
      }
      if (typeof ack !== "function") return;
      const started = performance.now();
      try {
        const result = await run(payload);
        ack({ ok: true, ...result });
        ctx.logger.info({ cmd: name, ms: Math.round(performance.now() - started) }, "socket command");
      } catch (error) {
        if (error instanceof ZodError) {
          ack({ ok: false, error: "That request is not valid." });
        } else if (isServiceError(error)) {
          ack({ ok: false, error: error.message });
        } else {
          ctx.logger.error({ err: error, cmd: name }, "socket command failed");
          ack({ ok: false, error: "Something went wrong on the server. Try again." });
        }
      }
    };
  }

  /** How many sockets watch a session (this process; a multi-node setup would ask the adapter). */
  function announcePresence(pitchId: string, leaving = 0) {
    const room = sessionRoom(pitchId);
    const viewers = Math.max(0, (io.sockets.adapter.rooms.get(room)?.size ?? 0) - leaving);
    io.to(room).emit("session:presence", { pitchId, viewers });
    return viewers;
  }

  io.on("connection", (socket: IoSocket) => {
    socket.on("disconnecting", () => {
      for (const room of socket.rooms)
        if (room.startsWith("session:")) announcePresence(room.slice("session:".length), 1);
    });

    socket.on(
      "event:join",
      command("event:join", async (payload) => {
        const { slug } = joinEventPayload.parse(payload);
        await limitNavigation(socket);
        const viewer = await viewers.resolve(socket, slug);
        if (!viewer.hasAccess) throw new ServiceError("forbidden", "This event is private: enter its passcode first.");
        for (const room of socket.rooms) {
          if (room === socket.id) continue;
          await socket.leave(room);
          if (room.startsWith("session:")) announcePresence(room.slice("session:".length));
        }
        await socket.join(eventRoom(viewer.event.id));
        if (viewer.isOrganiser) await socket.join(organiserRoom(viewer.event.id));
        if (viewer.attendee) await socket.join(attendeeRoom(viewer.attendee.id));
        socket.data.slug = viewer.event.slug;
        viewers.keep(socket, viewer);
        return {
          eventId: viewer.event.id,
          isOrganiser: viewer.isOrganiser,
          attendeeId: viewer.attendee?.id ?? null,
          // A client holding another version refetches its snapshot; counts may have moved while it was away.
          version: viewer.event.version,
          tallies: talliesFor(ctx, viewer.event, viewer.isOrganiser),
          going: goingFor(ctx, viewer.event.id),
        };
      }),
    );

    socket.on(
      "session:watch",
      command("session:watch", async (payload) => {
        const { pitchId } = watchSessionPayload.parse(payload);
        if (!socket.data.slug) throw new ServiceError("forbidden", "Join the event (event:join) first.");
        await limitNavigation(socket);
        const session = checkWatch(ctx, await viewerOf(socket, socket.data.slug), pitchId);
        for (const room of socket.rooms) {
          if (room.startsWith("session:") && room !== sessionRoom(pitchId)) {
            await socket.leave(room);
            announcePresence(room.slice("session:".length));
          }
        }
        await socket.join(sessionRoom(pitchId));
        return { viewers: announcePresence(pitchId), ...session };
      }),
    );

    socket.on(
      "item:add",
      command("item:add", async (payload) => {
        if (!socket.data.slug) throw new ServiceError("forbidden", "Join the event (event:join) first.");
        return addItem(ctx, await viewerOf(socket, socket.data.slug), payload);
      }),
    );

    socket.on(
      "vote:set",
      command("vote:set", async (payload) => {
        const input = setVotePayload.parse(payload);
        if (!socket.data.slug) throw new ServiceError("forbidden", "Join the event (event:join) before voting.");
        return setVote(ctx, await viewerOf(socket, socket.data.slug), input);
      }),
    );

    socket.on(
      "going:set",
      command("going:set", async (payload) => {
        const input = setGoingPayload.parse(payload);
        if (!socket.data.slug) throw new ServiceError("forbidden", "Join the event (event:join) first.");
        return setGoing(ctx, await viewerOf(socket, socket.data.slug), input);
      }),
    );
  });
}
