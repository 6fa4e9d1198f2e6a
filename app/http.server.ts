import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import {
  type AppLoadContext,
  type ServerBuild,
  createRequestHandler,
  writeReadableStreamToWritable,
} from "@remix-run/node";
import type { NextFunction, Request as ExpressRequest, Response as ExpressResponse, RequestHandler } from "express";
import proxyAddr from "proxy-addr";
import { describeBytes } from "./env.server";
import { sameOrigin } from "./security.server";

/**
 * The HTTP edge of the server, between Express and Remix: who the client is
 * behind proxies, which origins may post, and request bodies read with a cap
 * counted as the bytes arrive (whatever Content-Length says), so no request
 * can make the server hold more than the cap in memory.
 */

export type Trust = (address: string, hop: number) => boolean;

/**
 * The client's address as Express computes `req.ip` with the same trust
 * function: walk `X-Forwarded-For` from the right past trusted proxies only.
 * Used for Socket.IO handshakes, which never pass through Express.
 */
export function clientAddress(req: { headers: IncomingHttpHeaders; remoteAddress: string }, trust: Trust): string {
  // proxy-addr reads the socket's address from req.socket or req.connection.
  const view = { headers: req.headers, socket: { remoteAddress: req.remoteAddress } } as unknown as IncomingMessage;
  return proxyAddr(view, trust);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  const first = text?.split(",")[0]?.trim();
  return first || undefined;
}

/**
 * May a request with this `Origin` act on the user's behalf? Browsers send
 * `Origin` with every form post and socket handshake; a post from this site
 * names exactly the scheme, host and port the request was sent to (as the
 * proxy in front reports them in `X-Forwarded-Proto` and `X-Forwarded-Host`,
 * headers a page on another site cannot set), or `PUBLIC_URL`. `Origin: null`
 * (sandboxed frames, `file:` pages, data URLs) and another scheme are
 * refused like another site. No `Origin` at all is not a browser acting for a
 * user (cookies are SameSite=Lax besides), so it passes.
 */
export function originAllowed(
  origin: string | undefined,
  req: { headers: IncomingHttpHeaders; socket?: unknown },
  publicUrl?: string,
): boolean {
  if (origin === undefined) return true;
  if (publicUrl && origin === publicUrl) return true;
  const host = firstValue(req.headers["x-forwarded-host"]) ?? firstValue(req.headers.host);
  const encrypted = Boolean((req.socket as TLSSocket | undefined)?.encrypted);
  const protocol = firstValue(req.headers["x-forwarded-proto"])?.toLowerCase() ?? (encrypted ? "https" : "http");
  return sameOrigin(origin, host, protocol);
}

/** Refuses posts whose Origin is another site, `null` or another scheme (see originAllowed). */
export function sameOriginPosts(publicUrl?: string): RequestHandler {
  return (req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    if (!originAllowed(req.headers.origin, req, publicUrl)) {
      res.status(403).type("text/plain").send("Cross-site requests are not allowed.");
      return;
    }
    next();
  };
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request is too large: at most ${describeBytes(limit)} may be sent here.`);
    this.name = "BodyTooLarge";
  }
}

/** After the cap, up to this much more is read and thrown away, so the client can read the 413; then the connection is cut. */
const DISCARD_BYTES = 4 * 1024 * 1024;
const DISCARD_MS = 10_000;

/**
 * Reads a request body into memory, counting bytes as they arrive. Past
 * `limit` it keeps nothing more: it rejects with BodyTooLarge once the client
 * has finished sending (so it reads the answer), or at once when the client
 * declared or sent far more, and then cuts the connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > limit;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      if (error) {
        chunks.length = 0;
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    // Past the cap nothing is kept: the data listener stays, so the rest flows by and is dropped.
    // The 413 that follows says Connection: close, so the connection ends after it.
    const tooLarge = () => finish(new BodyTooLarge(limit));
    const startDiscarding = () => {
      over = true;
      chunks.length = 0;
      if (Number.isFinite(declared) && declared > limit + DISCARD_BYTES) return tooLarge();
      timer = setTimeout(tooLarge, DISCARD_MS);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (!over && size > limit) startDiscarding();
      if (over) {
        if (size > limit + DISCARD_BYTES) tooLarge();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => (over ? tooLarge() : finish(null));
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(new Error("the client closed the connection before sending the whole request"));

    if (over) startDiscarding();
    if (settled) return;
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/** A Buffer as the plain Uint8Array that fetch's types take (no copy). */
function bytes(buffer: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset, buffer.byteLength);
}

/** The session photo upload (/e/:slug/s/:id/photos), whose body may be as large as MAX_PHOTO_SIZE. */
export function isPhotoUpload(path: string): boolean {
  return /^\/e\/[^/]+\/s\/[^/]+\/photos(\.data)?$/.test(path);
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/** Why a body cannot be a form, or null when it is one (urlencoded always parses; multipart may not). */
async function formProblem(contentType: string | undefined, body: Buffer): Promise<string | null> {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (!type || !FORM_TYPES.includes(type)) {
    return `This address takes form posts only (application/x-www-form-urlencoded or multipart/form-data), not ${
      type ? type.slice(0, 100) : "a body without a Content-Type"
    }.`;
  }
  if (type === "multipart/form-data") {
    try {
      await new Response(bytes(body), { headers: { "Content-Type": contentType as string } }).formData();
    } catch {
      return "The form could not be read: the multipart body is malformed.";
    }
  }
  return null;
}

/**
 * Reads every request body before Remix sees it: at most `limitFor(req)`
 * bytes, counted as they stream in (413 past it), and only as a form
 * (400 for JSON, text, garbage or no Content-Type). The body is left in
 * `res.locals.body` for remixHandler.
 */
export function bodyGuard(limitFor: (req: ExpressRequest) => number): RequestHandler {
  return (req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    readBody(req, limitFor(req)).then(
      async (body) => {
        const problem = await formProblem(req.headers["content-type"], body);
        if (problem) {
          res.status(400).type("text/plain").send(problem);
          return;
        }
        res.locals.body = body;
        next();
      },
      (error: unknown) => {
        if (res.headersSent || res.writableEnded) return;
        if (error instanceof BodyTooLarge) {
          res.status(413).set("Connection", "close").type("text/plain").send(error.message);
          return;
        }
        // The client went away or the connection broke: nobody is left to answer.
        req.destroy();
      },
    );
  };
}

/**
 * Remix's Express adapter (@remix-run/express createRequestHandler), except
 * that the request body is the one bodyGuard read, not the raw stream.
 */
export function remixHandler(options: {
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: string;
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
}): RequestHandler {
  const handle = createRequestHandler(options.build, options.mode);
  return async (req: ExpressRequest, res: ExpressResponse, next: NextFunction) => {
    try {
      const forwardedPort = req.get("X-Forwarded-Host")?.split(":")[1];
      const hostPort = req.get("host")?.split(":")[1];
      const port = [forwardedPort, hostPort].map((p) => Number.parseInt(p ?? "", 10)).find(Number.isSafeInteger);
      // req.hostname and req.protocol follow the `trust proxy` setting.
      const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
      // Abort loaders and actions once the response can no longer be written (closed before finishing).
      const controller = new AbortController();
      let finished = false;
      res.on("finish", () => {
        finished = true;
      });
      res.on("close", () => {
        if (!finished) controller.abort();
      });
      const headers = new Headers();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
      }
      const body = res.locals.body as Buffer | undefined;
      const request = new Request(url.href, {
        method: req.method,
        headers,
        signal: controller.signal,
        ...(body ? { body: bytes(body) } : {}),
      });
      const response = await handle(request, options.getLoadContext(req, res));
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [key, value] of response.headers.entries()) res.append(key, value);
      if (response.headers.get("Content-Type")?.match(/text\/event-stream/i)) res.flushHeaders();
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      next(error);
    }
  };
}
