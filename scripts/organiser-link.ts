/**
 * Prints a fresh organiser link for an event, replacing the old key (every
 * earlier organiser link and organiser cookie stops working). For the person
 * running the server who has lost the link: `npm run organiser-link -- <slug>`.
 */
import { readEnv } from "../app/env.server";
import { rotateOrganiserKey } from "../app/services/events.server";
import { closeDatabase, openDatabase } from "../db/client";

const slug = process.argv[2];
if (!slug) {
  console.error("Usage: npm run organiser-link -- <event-slug>");
  process.exit(2);
}
const env = readEnv();
const db = openDatabase(env.DATABASE_URL);
try {
  const { organiserKey } = rotateOrganiserKey({ db }, slug);
  const base = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  console.log(`${base}/e/${slug}/admin?key=${organiserKey}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  closeDatabase(db);
}
