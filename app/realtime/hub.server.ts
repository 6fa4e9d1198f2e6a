import type { Server, Socket } from "socket.io";
import type { Publisher, ServiceContext } from "../services/context.server";
import { isServiceError } from "../services/errors";
import { readIdentity } from "../services/identity.server";
import { viewerForSlug } from "../services/viewer.server";
import {
  type Ack,
  type ChangeScope,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
  eventRoom,
  joinEventPayload,
} from "./contract";

export type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** How long tally changes wait to be sent together (DESIGN.md: coalesced broadcasts). */
export const TALLY_TICK_MS = 50;

/**
 * Publishes committed changes to each event's room. Tallies are coalesced per
 * event: whatever changed within one tick goes out as one message.
 */
export function createPublisher(io: IoServer): Publisher & { flush(): void; close(): void } {
  const pending = new Map<string, Map<string, number>>();
  let timer: NodeJS.Timeout | null = null;

  function flush() {
    timer = null;
    for (const [eventId, tallies] of pending) {
      io.to(eventRoom(eventId)).emit("votes:tallies", { eventId, tallies: Object.fromEntries(tallies) });
    }
    pending.clear();
  }

  return {
    changed(eventId: string, scope: ChangeScope, pitchId?: string) {
      io.to(eventRoom(eventId)).emit("event:changed", pitchId ? { eventId, scope, pitchId } : { eventId, scope });
    },
    tally(eventId: string, pitchId: string, votes: number) {
      let forEvent = pending.get(eventId);
      if (!forEvent) {
        forEvent = new Map();
        pending.set(eventId, forEvent);
      }
      forEvent.set(pitchId, votes);
      timer ??= setTimeout(flush, TALLY_TICK_MS);
    },
    flush() {
      if (timer) clearTimeout(timer);
      flush();
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending.clear();
    },
  };
}

function errorMessage(error: unknown): string {
  return isServiceError(error) ? error.message : "Something went wrong on the server. Try again.";
}

/**
 * Wires socket commands to the same service functions the HTTP actions use.
 * Identity comes from the handshake's cookie, exactly as for HTTP requests;
 * a client that joins or becomes organiser over HTTP reconnects to pick up
 * its new cookie.
 */
export function attachHub(io: IoServer, ctx: ServiceContext): void {
  io.use((socket, next) => {
    socket.data.cookieHeader = socket.handshake.headers.cookie ?? "";
    socket.data.ip = socket.handshake.address;
    next();
  });

  io.on("connection", (socket: IoSocket) => {
    socket.on("event:join", async (payload, ack) => {
      if (typeof ack !== "function") return;
      const started = performance.now();
      try {
        const { slug } = joinEventPayload.parse(payload);
        const identity = await readIdentity(ctx.identityCookie, socket.data.cookieHeader);
        const viewer = viewerForSlug(ctx, slug, identity, socket.data.ip);
        if (!viewer.hasAccess) {
          ack({ ok: false, error: "This event is private: enter its passcode first." });
          return;
        }
        for (const room of socket.rooms) if (room.startsWith("event:")) await socket.leave(room);
        await socket.join(eventRoom(viewer.event.id));
        ack({
          ok: true,
          eventId: viewer.event.id,
          isOrganiser: viewer.isOrganiser,
          attendeeId: viewer.attendee?.id ?? null,
        });
        ctx.logger.info({ cmd: "event:join", ms: Math.round(performance.now() - started) }, "socket command");
      } catch (error) {
        const message =
          error && typeof error === "object" && "issues" in error ? "That request is not valid." : errorMessage(error);
        if (!isServiceError(error) && !(error && typeof error === "object" && "issues" in error)) {
          ctx.logger.error({ err: error, cmd: "event:join" }, "socket command failed");
        }
        ack({ ok: false, error: message } satisfies Ack);
      }
    });
  });
}
