import { type EventFile, eventFileSchema } from "../schemas/eventFile";
import { importLimits as most } from "../schemas/limits";
import { ServiceError } from "./errors";
import { validate } from "./validate";

/**
 * The first CPU-heavy part of an import, as one job (parse the JSON, check
 * every part of the file), so the server runs it in its worker thread
 * (app/services/heavyWork.server.ts) and the event loop stays free while a
 * large file is read. The Markdown is rendered after it, in "render" jobs of
 * a bounded size (importEvent). Nothing here touches the database.
 */

export interface CheckedImport {
  file: EventFile;
}

const length = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

/**
 * Counts before the full check: a file far over the limits (50,000 ballots)
 * is refused by a few array lengths instead of being checked part by part.
 * The schema applies the same limits again, so nothing depends on this.
 */
export function overLimits(raw: unknown): string[] {
  if (raw === null || typeof raw !== "object") return [];
  const file = raw as Record<string, unknown>;
  const problems: string[] = [];
  const count = (what: string, n: number, max: number) => {
    if (n > max) problems.push(`At most ${max} ${what} can be imported; this file has ${n}.`);
  };
  count("rooms", length(file.rooms), most.rooms);
  count("time slots", length(file.timeSlots), most.timeSlots);
  count("sessions", length(file.sessions), most.sessions);
  count("ballots", length(file.ballots), most.ballots);
  const sessions = Array.isArray(file.sessions) ? file.sessions : [];
  const notes = sessions.reduce<number>(
    (n, s) => n + (s !== null && typeof s === "object" ? length((s as { notes?: unknown }).notes) : 0),
    0,
  );
  count("notes", notes, most.notesPerEvent);
  const ballots = Array.isArray(file.ballots) ? file.ballots : [];
  count(
    "votes",
    ballots.reduce<number>((n, b) => n + length(b), 0),
    most.votes,
  );
  return problems;
}

/** Parses and checks an event file's text; a refusal is an "invalid" ServiceError naming the problem. */
export function checkImport(source: string): CheckedImport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    const message = `That is not a JSON file (${error instanceof Error ? error.message : "it does not parse"}).`;
    throw new ServiceError("invalid", message, { json: [message] });
  }
  const problems = overLimits(parsed);
  if (problems.length > 0) {
    throw new ServiceError("invalid", problems[0] as string, { "": problems });
  }
  return { file: validate(eventFileSchema, parsed) };
}
