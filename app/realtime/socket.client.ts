import { type Socket, io } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "./contract";

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: ClientSocket | null = null;

/** One connection per tab, shared by every component that listens. */
export function getSocket(): ClientSocket {
  socket ??= io({ autoConnect: true, reconnectionDelayMax: 5000 });
  return socket;
}
