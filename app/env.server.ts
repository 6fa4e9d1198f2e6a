import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import proxyAddr from "proxy-addr";
import { z } from "zod";
import { databasePath } from "../db/client";

/**
 * Which proxies in front of the server to believe, as Express's `trust proxy`
 * takes it: a number of hops (the client address is that many entries from the
 * right of `X-Forwarded-For`), or a list of proxy addresses and subnets
 * (`loopback`, `linklocal`, `uniquelocal`, `10.0.0.0/8`, `::1`, ...).
 * `false` is 0 hops (nothing in front); `true` is 1 hop (one proxy that
 * appends the address it saw, as the nginx example in docs/operations.md
 * does). Express's own `true`, "trust every hop", would let any client choose
 * its address by sending `X-Forwarded-For`, so it is not offered.
 */
export type TrustProxy = { hops: number } | { addresses: string[] };

const trustProxySchema = z
  .string()
  .trim()
  .transform((value, ctx): TrustProxy => {
    const lower = value.toLowerCase();
    if (lower === "false" || lower === "") return { hops: 0 };
    if (lower === "true") return { hops: 1 };
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops <= 10) return { hops };
    }
    const addresses = value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    try {
      if (addresses.length === 0 || /^\d+$/.test(value)) throw new Error();
      proxyAddr.compile(addresses);
      return { addresses };
    } catch {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          "TRUST_PROXY must be false, true (one proxy), a number of proxies from 0 to 10, or a comma-separated list of proxy addresses or subnets (loopback, linklocal, uniquelocal, 10.0.0.0/8, ::1)",
      });
      return z.NEVER;
    }
  });

/** The trust function Express and the Socket.IO handshake both use: `trust(address, hop)`. */
export function trustFunction(trust: TrustProxy): (address: string, hop: number) => boolean {
  if ("hops" in trust) {
    const { hops } = trust;
    return (_address, hop) => hop < hops;
  }
  return proxyAddr.compile(trust.addresses);
}

const SIZE_UNITS: Record<string, number> = { "": 1, b: 1, kb: 1024, mb: 1024 * 1024 };

/** A size in bytes: `262144`, `256kb` or `20mb` (powers of 1024). */
function byteSize(name: string, min: number, max: number) {
  return z
    .string()
    .trim()
    .transform((value, ctx) => {
      const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb)?$/i.exec(value);
      const bytes = match
        ? Math.floor(Number(match[1]) * (SIZE_UNITS[(match[2] ?? "").toLowerCase()] ?? 1))
        : Number.NaN;
      if (!Number.isFinite(bytes) || bytes < min || bytes > max) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `${name} must be a size such as 256kb or 2mb, from ${describeBytes(min)} to ${describeBytes(max)}`,
        });
        return z.NEVER;
      }
      return bytes;
    });
}

/** 262144 reads as "256 KB", 20971520 as "20 MB". */
export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

const perPeriod = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z.string().min(1).default("data/unconf.sqlite"),
  SESSION_SECRET: z
    .string()
    .min(32, "SESSION_SECRET must be at least 32 characters; leave it unset to have one generated")
    .optional(),
  /** Origin used in links shown to people (e.g. https://camp.example.org); defaults to the request's. */
  PUBLIC_URL: z
    .string()
    .url()
    .refine(
      (v) => !URL.canParse(v) || /^https?:\/\/[^/]+\/?$/.test(v),
      "PUBLIC_URL must be an origin such as https://camp.example.org (no path)",
    )
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** "on" creates the demo event when the database has no events. */
  DEMO: z.enum(["on", "off"]).default("on"),
  /** Which reverse proxies to believe for the client's address, protocol and host (see TrustProxy). */
  TRUST_PROXY: trustProxySchema.default("false"),
  /** Write limits: generous per IP because a whole venue often shares one address. */
  WRITES_PER_MINUTE_PER_ATTENDEE: perPeriod(120),
  WRITES_PER_MINUTE_PER_IP: perPeriod(3000),
  /** New attendees (first joins without a cookie) per IP: a venue's doors, not a script minting voters. */
  NEW_ATTENDEES_PER_MINUTE_PER_IP: perPeriod(60),
  /** New events, by the form or by import, per IP. */
  NEW_EVENTS_PER_HOUR_PER_IP: perPeriod(30),
  /** Wrong passcode guesses per IP (right ones are not counted). */
  PASSCODE_GUESSES_PER_MINUTE_PER_IP: perPeriod(30),
  /** The largest request body, counted as it arrives: every form post. */
  MAX_FORM_SIZE: byteSize("MAX_FORM_SIZE", 1024, 64 * 1024 * 1024).default("256kb"),
  /** The largest request body for /import (an export file). */
  MAX_IMPORT_SIZE: byteSize("MAX_IMPORT_SIZE", 1024, 1024 * 1024 * 1024).default("20mb"),
  /** The largest photo upload (a session photo's form post), counted as it arrives. */
  MAX_PHOTO_SIZE: byteSize("MAX_PHOTO_SIZE", 64 * 1024, 100 * 1024 * 1024).default("15mb"),
});

export type Env = z.infer<typeof envSchema>;

declare global {
  namespace NodeJS {
    interface ProcessEnv extends Partial<Record<keyof Env, string>> {}
  }
}

/** Reads and checks the environment; throws a message that names every wrong variable. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Unconf cannot start: the environment is wrong.\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/**
 * The cookie-signing secret: SESSION_SECRET when set, otherwise one generated
 * once and kept beside the database so cookies survive a restart.
 */
export function sessionSecret(env: Env): string {
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  const dbPath = databasePath(env.DATABASE_URL);
  const folder = dbPath === ":memory:" ? null : dirname(resolve(dbPath));
  if (!folder) return randomBytes(32).toString("hex");
  const file = join(folder, "session-secret");
  try {
    if (existsSync(file)) {
      const kept = readFileSync(file, "utf8").trim();
      if (kept.length < 32) throw new Error("it holds fewer than 32 characters");
      return kept;
    }
    mkdirSync(folder, { recursive: true });
    const secret = randomBytes(32).toString("hex");
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Unconf cannot start: the cookie-signing secret ${file} cannot be read or written (${why}). Fix the file or its folder's permissions, or set SESSION_SECRET.`,
    );
  }
}
