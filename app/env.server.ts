import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { databasePath } from "../db/client";

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
  /** Set when a reverse proxy sits in front, so client IPs (rate limits) and https are read from it. */
  TRUST_PROXY: z.enum(["true", "false"]).default("false"),
  /** Write limits: generous per IP because a whole venue often shares one address. */
  WRITES_PER_MINUTE_PER_ATTENDEE: z.coerce.number().int().min(1).default(120),
  WRITES_PER_MINUTE_PER_IP: z.coerce.number().int().min(1).default(3000),
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
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(folder, { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
