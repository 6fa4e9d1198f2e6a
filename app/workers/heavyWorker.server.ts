import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { databasePath } from "../../db/client";
import * as schema from "../../db/schema";
import { isServiceError } from "../services/errors";
import { type HeavyJob, runHeavyJob } from "../services/heavyWork.server";

/**
 * One worker thread of the pool (pool.server.ts): runs heavy jobs one at a
 * time. It reads through its own read-only connection; WAL lets it read a
 * consistent snapshot while the server's one writing connection goes on
 * writing, and it can never write.
 */

/** A worker runs one job at a time, so a reply needs no id: it answers the job its worker holds. */
export interface WorkerRequest {
  job: HeavyJob;
}

export type WorkerReply =
  | { ok: true; result: unknown }
  | { ok: false; error: { message: string; kind?: string; fieldErrors?: Record<string, string[]> } };

/**
 * On Linux a thread is a task with its own id and priority: this one gives
 * way (nice 10) whenever the event loop's thread wants the same core, so a long
 * export on a busy server slows down itself rather than everyone's requests.
 * Elsewhere the priority would be the whole process's, so it is left alone.
 */
function yieldToEventLoop(): void {
  if (process.platform !== "linux") return;
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid) && tid > 0 && tid !== process.pid) setPriority(tid, 10);
  } catch {
    // No /proc (a container without it): run at the normal priority.
  }
}

yieldToEventLoop();

const { databaseUrl } = workerData as { databaseUrl: string };
const sqlite = new Database(databasePath(databaseUrl), { readonly: true, fileMustExist: true });
sqlite.pragma("busy_timeout = 5000");
const db = drizzle(sqlite, { schema });

const port = parentPort;
if (!port) throw new Error("heavyWorker.server.ts runs as a worker thread");

port.on("message", ({ job }: WorkerRequest) => {
  try {
    const result = runHeavyJob(db, job);
    // A zip's bytes move to the main thread instead of being copied.
    const body = (result as { body?: unknown }).body;
    const transfer = body instanceof Uint8Array ? [body.buffer as ArrayBuffer] : [];
    port.postMessage({ ok: true, result } satisfies WorkerReply, transfer);
  } catch (error) {
    const reply: WorkerReply = isServiceError(error)
      ? { ok: false, error: { message: error.message, kind: error.kind, fieldErrors: error.fieldErrors } }
      : { ok: false, error: { message: error instanceof Error ? (error.stack ?? error.message) : String(error) } };
    port.postMessage(reply);
  }
});

port.postMessage({ ready: true });
