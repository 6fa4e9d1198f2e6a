import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import helmet from "helmet";
import pino from "pino";
import { pinoHttp } from "pino-http";
import { Server } from "socket.io";
import type { ViteDevServer } from "vite";
import { readEnv, sessionSecret, trustFunction } from "./app/env.server";
import { bodyGuard, isPhotoUpload, originAllowed, remixHandler, sameOriginPosts } from "./app/http.server";
import { type IoServer, attachHub, createPublisher } from "./app/realtime/hub.server";
import type { RequestContext, ServiceContext } from "./app/services/context.server";
import { createEventCache } from "./app/services/eventCache.server";
import { createFactsCache } from "./app/services/facts.server";
import { redactUrl } from "./app/security.server";
import { createIdentityCookie } from "./app/services/identity.server";
import { type HeavyWork, inlineHeavyWork } from "./app/services/heavyWork.server";
import { createWriteLimiter } from "./app/services/rateLimit.server";
import { photosFolder } from "./app/services/photoFiles.server";
import { backfillStoredHtml } from "./app/services/storedHtml.server";
import { WorkerPool } from "./app/workers/pool.server";
import { closeDatabase, databasePath, openDatabase } from "./db/client";
import { seedDemoIfEmpty } from "./db/seed";

async function main() {
  const env = readEnv();
  const isProduction = env.NODE_ENV === "production";
  const logger = pino({ level: env.LOG_LEVEL, redact: ["req.headers.cookie", "res.headers['set-cookie']"] });

  const db = openDatabase(env.DATABASE_URL);
  // One rule for who the client is behind proxies, for Express (req.ip) and Socket.IO handshakes alike.
  const trust = trustFunction(env.TRUST_PROXY);
  // Exports and "Suggest a grid" run in a worker thread that reads through its own connection
  // (an in-memory database cannot be shared with one, so there the work stays in-process).
  const heavy: HeavyWork =
    databasePath(env.DATABASE_URL) === ":memory:"
      ? inlineHeavyWork(db)
      : new WorkerPool({
          entry: new URL("./app/workers/heavy.worker.mjs", import.meta.url),
          databaseUrl: env.DATABASE_URL,
          logger,
        });
  const app = express();
  const httpServer = createServer(app);
  const io: IoServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // Cookies carry identity, so a page from another site (or `null`, or another scheme) must not open a socket as this user.
    allowRequest: (req, callback) => {
      callback(null, originAllowed(req.headers.origin, req, env.PUBLIC_URL));
    },
  });
  const publisher = createPublisher(io);
  const photosDir = photosFolder(env.DATABASE_URL);
  const services: ServiceContext = {
    db,
    publish: publisher,
    facts: createFactsCache({
      onBuild: (eventId, version, builds) =>
        logger.info({ eventId, version, snapshotBuilds: builds }, "event facts built for a version"),
    }),
    events: createEventCache(),
    logger,
    identityCookie: createIdentityCookie(sessionSecret(env)),
    heavy,
    photosDir,
    limiter: createWriteLimiter({
      perAttendeePerMinute: env.WRITES_PER_MINUTE_PER_ATTENDEE,
      perIpPerMinute: env.WRITES_PER_MINUTE_PER_IP,
      newAttendeesPerIpPerMinute: env.NEW_ATTENDEES_PER_MINUTE_PER_IP,
      newEventsPerIpPerHour: env.NEW_EVENTS_PER_HOUR_PER_IP,
      wrongGuessesPerIpPerMinute: env.PASSCODE_GUESSES_PER_MINUTE_PER_IP,
    }),
  };
  attachHub(io, services, { trust });

  const viteDevServer: ViteDevServer | undefined = isProduction
    ? undefined
    : await import("vite").then((vite) =>
        vite.createServer({ server: { middlewareMode: true, hmr: { server: httpServer } } }),
      );

  app.set("trust proxy", trust);
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: isProduction
            ? ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`]
            : ["'self'", "'unsafe-inline'"],
          connectSrc: isProduction ? ["'self'"] : ["'self'", "ws:"],
          // blob: shows a photo waiting in the outbox (a local file) before it is sent.
          imgSrc: ["'self'", "data:", "blob:"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      // Events are often served over plain HTTP on a venue network.
      strictTransportSecurity: false,
      // Not "no-referrer": with it, browsers send `Origin: null` on same-origin form posts made without
      // JavaScript, and `null` is refused like another site (it is what sandboxed and `file:` pages send).
      // "same-origin" still keeps organiser keys in URLs from other sites.
      referrerPolicy: { policy: "same-origin" },
    }),
  );
  app.use(compression());
  app.use(
    pinoHttp({
      logger,
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info",
      serializers: {
        req: (req) => ({ method: req.method, url: redactUrl(req.url) }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url?.startsWith("/assets/") ?? false },
    }),
  );

  // Form posts from another site are refused: cookies are SameSite=Lax, this is the second lock.
  app.use(sameOriginPosts(env.PUBLIC_URL));

  app.get("/healthz", (_req, res) => {
    try {
      db.$client.prepare("select 1").get();
      res.json({ ok: true });
    } catch (error) {
      logger.error({ err: error }, "health check failed");
      res.status(503).json({ ok: false, error: "database unreachable" });
    }
  });

  if (viteDevServer) {
    app.use(viteDevServer.middlewares);
  } else {
    app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
    app.use(express.static("build/client", { maxAge: "1h" }));
  }

  const buildPath = "./build/server/index.js";
  const build = viteDevServer
    ? () => viteDevServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>
    : ((await import(/* @vite-ignore */ pathToFileURL(buildPath).href)) as ServerBuild);

  // Every request body is read here with a cap counted as it streams in, and must be a form.
  app.use(
    bodyGuard((req) =>
      ["/import", "/import.data"].includes(req.path)
        ? env.MAX_IMPORT_SIZE
        : isPhotoUpload(req.path)
          ? env.MAX_PHOTO_SIZE
          : env.MAX_FORM_SIZE,
    ),
  );
  app.all(
    "*",
    remixHandler({
      build,
      mode: env.NODE_ENV,
      getLoadContext: (req, res): RequestContext => ({
        ...services,
        cspNonce: res.locals.cspNonce as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
        publicUrl: env.PUBLIC_URL,
      }),
    }),
  );

  const demo = env.DEMO === "on" ? seedDemoIfEmpty(db) : null;

  await new Promise<void>((resolve) => httpServer.listen(env.PORT, env.HOST, resolve));
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const base = env.PUBLIC_URL ?? `http://localhost:${port}`;
  logger.info({ port, mode: env.NODE_ENV }, "listening");
  if (demo) {
    console.log(
      [
        "",
        `Unconf is running at ${base}`,
        `Demo event "${demo.name}":`,
        `  Attendee link:  ${base}/e/${demo.slug}`,
        `  Organiser link: ${base}/e/${demo.slug}/admin?key=${demo.organiserKey}`,
        "  (The organiser link is shown once. `npm run organiser-link -- <slug>` makes a new one.)",
        "",
      ].join("\n"),
    );
  }

  let closing = false;
  // Rows written before the HTML columns existed get theirs in the background, batch by batch.
  void backfillStoredHtml(db, heavy).then(
    (done) => {
      if (done.items || done.pitches) logger.info(done, "stored HTML filled in for older rows");
    },
    (error: unknown) => {
      // Stopping mid-way is fine: the rest is filled in at the next start.
      if (!closing) logger.error({ err: error }, "filling in stored HTML failed");
    },
  );
  async function shutdown(signal: string) {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    publisher.close();
    services.facts.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
    httpServer.closeAllConnections();
    await viteDevServer?.close();
    await heavy.close();
    closeDatabase(db);
    logger.info("stopped");
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
