import type { Server, Socket } from "socket.io";
import type { Attendee } from "../../db/schema";
import type { ServiceContext } from "../services/context.server";
import { ServiceError } from "../services/errors";
import { type Identity, readIdentity } from "../services/identity.server";
import { type Viewer, accessOf, resolveViewer } from "../services/viewer.server";
import {
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
  eventRoom,
  organiserRoom,
} from "./contract";

type IoServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type IoSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** How often the sockets' event rows are compared with commits made by other processes (`npm run organiser-link`). */
export const OUTSIDE_CHANGES_CHECK_MS = 1000;

/** Who a socket is in the event it joined: what its cookie says and the attendee row, read once. */
interface Joined {
  eventId: string;
  identity: Identity;
  /** Read at join. Socket commands use only its id; a rename over HTTP does not need to reach it. */
  attendee: Attendee | null;
}

/**
 * Who is asking, per socket, resolved once instead of on every command
 * (issue 9: checking the cookie's HMAC and reading the event and attendee
 * again for each vote was 20% of a vote burst's CPU).
 *
 * At "event:join" the cookie is checked (once per socket: a new cookie comes
 * with a new connection) and the event and attendee rows are read; every
 * later command builds its Viewer from that and the event row in the event
 * cache, which the services keep current. So a setting (voting open, budget,
 * blind) applies to the very next command, and when the passcode or the
 * organiser key changes, each socket of the event is checked again at once:
 * one that lost access leaves every room of the event (no more tallies,
 * patches or notes) and its next command is refused until it joins again;
 * an organiser whose key was replaced leaves the organiser room (issue 10,
 * hole 9).
 *
 * `leftSession` is told of each session room a dropped socket left, so the
 * other viewers' presence count stays right.
 */
export function socketViewers(io: IoServer, ctx: ServiceContext, leftSession: (pitchId: string) => void) {
  const identities = new WeakMap<IoSocket, Identity>();
  const joined = new WeakMap<IoSocket, Joined>();

  async function identityOf(socket: IoSocket): Promise<Identity> {
    const known = identities.get(socket);
    if (known) return known;
    const identity = await readIdentity(ctx.identityCookie, socket.data.cookieHeader);
    identities.set(socket, identity);
    return identity;
  }

  /** Leaves every room of the event, synchronously, so that nothing published after this reaches the socket. */
  function drop(socket: IoSocket): void {
    joined.delete(socket);
    socket.data.slug = undefined;
    const sessions: string[] = [];
    for (const room of [...socket.rooms]) {
      if (room === socket.id) continue;
      // The in-memory adapter (and the adapters built on it) leaves at once; the promise is only for its type.
      void socket.leave(room);
      if (room.startsWith("session:")) sessions.push(room.slice("session:".length));
    }
    for (const pitchId of sessions) leftSession(pitchId);
  }

  ctx.events.onAccessChanged((eventId, event) => {
    const members = io.sockets.adapter.rooms.get(eventRoom(eventId));
    if (!members) return;
    for (const id of [...members]) {
      const socket = io.sockets.sockets.get(id);
      const who = socket && joined.get(socket);
      if (!socket || !who || who.eventId !== eventId) continue;
      const access = event ? accessOf(event, who.identity) : null;
      if (!access?.hasAccess) drop(socket);
      else if (!access.isOrganiser) void socket.leave(organiserRoom(eventId));
    }
  });

  // Another process may change an event row (a new organiser link); sockets that send nothing must hear of it too.
  setInterval(() => {
    if (ctx.db.$client.open) ctx.events.sync(ctx.db);
  }, OUTSIDE_CHANGES_CHECK_MS).unref();

  return {
    /** For "event:join": the viewer from the cookie and the event's current row (not kept until `keep`). */
    async resolve(socket: IoSocket, slug: string): Promise<Viewer> {
      const identity = await identityOf(socket);
      const event = ctx.events.fresh(ctx.db, slug);
      if (!event) throw new ServiceError("not_found", "There is no event at this address.");
      return resolveViewer(ctx, event, identity, socket.data.ip);
    },

    /**
     * After the socket joined the event's rooms: keeps who it is for later
     * commands. Access is checked once more, as the rooms were joined after
     * awaits during which a change could not yet see this socket.
     */
    keep(socket: IoSocket, viewer: Viewer): void {
      const identity = identities.get(socket);
      const event = ctx.events.byId(ctx.db, viewer.event.id);
      const access = event && identity ? accessOf(event, identity) : null;
      if (!identity || !access?.hasAccess) {
        drop(socket);
        throw new ServiceError("forbidden", "This event is private: enter its passcode first.");
      }
      joined.set(socket, { eventId: viewer.event.id, identity, attendee: viewer.attendee });
      if (!access.isOrganiser) void socket.leave(organiserRoom(viewer.event.id));
    },

    /** The viewer for a command of a joined socket, with the event's current settings; null before a join. */
    current(socket: IoSocket): Viewer | null {
      const who = joined.get(socket);
      if (!who) return null;
      const event = ctx.events.byId(ctx.db, who.eventId);
      if (!event) return null;
      return { event, attendee: who.attendee, ip: socket.data.ip, ...accessOf(event, who.identity) };
    },
  };
}
