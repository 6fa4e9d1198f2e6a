import { type Socket, io } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../app/realtime/contract";
import type { HttpClient } from "./http";

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connects as the person whose cookies `client` holds (or as nobody). */
export async function connectSocket(base: string, client?: HttpClient, origin?: string): Promise<TestSocket> {
  const headers: Record<string, string> = {};
  const cookie = client ? [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  if (cookie) headers.Cookie = cookie;
  if (origin) headers.Origin = origin;
  const socket: TestSocket = io(base, {
    transports: ["websocket"],
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("socket did not connect in 5 s")), 5000);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  return socket;
}

/** Resolves with the next `event` that matches, or rejects after `ms`: a missed broadcast fails the test. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  matches: (...args: Parameters<ServerToClientEvents[E]>) => boolean = () => true,
  ms = 3000,
): Promise<Parameters<ServerToClientEvents[E]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener as never);
      reject(new Error(`no "${String(event)}" within ${ms} ms`));
    }, ms);
    const listener = (...args: Parameters<ServerToClientEvents[E]>) => {
      if (!matches(...args)) return;
      clearTimeout(timer);
      socket.off(event, listener as never);
      resolve(args);
    };
    socket.on(event, listener as never);
  });
}

/** Collects every `event` until stopped, to assert that something was NOT sent. */
export function record<E extends keyof ServerToClientEvents>(socket: TestSocket, event: E) {
  const seen: Array<Parameters<ServerToClientEvents[E]>> = [];
  const listener = (...args: Parameters<ServerToClientEvents[E]>) => seen.push(args);
  socket.on(event, listener as never);
  return {
    seen,
    stop: () => socket.off(event, listener as never),
  };
}
