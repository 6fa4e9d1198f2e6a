import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { ServiceError, type ServiceErrorKind } from "../services/errors";
import type { HeavyJob, HeavyOutput, HeavyWork } from "../services/heavyWork.server";
import type { WorkerReply } from "./heavyWorker.server";

/**
 * A small pool of worker threads for heavy jobs (app/services/heavyWork.server.ts),
 * so an export or "Suggest a grid" at a large event never holds up the event
 * loop that answers every other request and socket.
 *
 * - Each worker runs one job at a time; the rest wait in one queue, oldest first.
 * - Identical jobs asked for while one is queued or running share its answer
 *   (a hundred people downloading the zip at once cost one zip).
 * - The queue is bounded: beyond `maxQueued` a job is refused at once with
 *   "rate_limited", rather than answered minutes later.
 * - A job that runs past `timeoutMs` ends its worker (a thread cannot be
 *   interrupted otherwise) and fails; a worker that dies is replaced.
 */

export interface PoolOptions {
  /** The worker's entry file (app/workers/heavy.worker.mjs). */
  entry: URL;
  databaseUrl: string;
  /** Worker threads; one leaves the other core of a small server to the event loop. */
  size?: number;
  maxQueued?: number;
  timeoutMs?: number;
  logger?: Pick<Logger, "error" | "warn">;
}

interface Task {
  job: HeavyJob;
  key: string;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  /** Loaded: a job's time limit starts when a loaded thread takes it, not while the thread starts. */
  loaded: boolean;
  task: Task | null;
  timer: NodeJS.Timeout | null;
  /** Being ended (timed out): takes no new job. */
  ending: boolean;
}

export class WorkerPool implements HeavyWork {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  /** Queued or running jobs by key, so an identical job joins the one already asked for. */
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly size: number;
  private readonly maxQueued: number;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    this.size = Math.max(1, options.size ?? 1);
    this.maxQueued = options.maxQueued ?? 32;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  /** Resolves when every worker has loaded its code (start-up compiles TypeScript once). */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.ready));
  }

  run<J extends HeavyJob>(job: J): Promise<HeavyOutput<J>> {
    if (this.closed) return Promise.reject(new Error("The worker pool is closed."));
    // Exports and previews are asked for by id, so equal jobs are cheap to recognise; others are never shared.
    const key = job.kind === "export" || job.kind === "preview" ? JSON.stringify(job) : "";
    const same = key ? this.pending.get(key) : undefined;
    if (same) return same as Promise<HeavyOutput<J>>;
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(
        new ServiceError("rate_limited", "The server is busy with other exports. Try again in a minute."),
      );
    }
    const promise = new Promise<unknown>((resolve, reject) => {
      this.queue.push({ job, key, resolve, reject });
    }).finally(() => {
      if (key) this.pending.delete(key);
    });
    if (key) this.pending.set(key, promise);
    this.dispatch();
    return promise as Promise<HeavyOutput<J>>;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error("The server is shutting down."));
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        slot.task?.reject(new Error("The server is shutting down."));
        slot.task = null;
        await slot.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.entry, { workerData: { databaseUrl: this.options.databaseUrl } });
    let markReady: () => void = () => {};
    const slot: Slot = {
      worker,
      ready: new Promise((resolve) => {
        markReady = resolve;
      }),
      loaded: false,
      task: null,
      timer: null,
      ending: false,
    };
    worker.on("message", (message: WorkerReply | { ready: true }) => {
      if ("ready" in message) {
        slot.loaded = true;
        markReady();
        this.dispatch();
        return;
      }
      this.settle(slot, message);
    });
    worker.on("error", (error) => this.options.logger?.error({ err: error }, "worker thread failed"));
    worker.on("exit", () => this.replace(slot));
    return slot;
  }

  /** A worker ended (crash, timeout or close): its job fails, a new worker takes its place. */
  private replace(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const task = slot.task;
    slot.task = null;
    task?.reject(new Error("The worker thread stopped before finishing the job."));
    if (this.closed) return;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots[index] = this.spawn();
    this.dispatch();
  }

  private settle(slot: Slot, reply: WorkerReply): void {
    const task = slot.task;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
    if (task) {
      if (reply.ok) task.resolve(reply.result);
      else if (reply.error.kind) {
        const { kind, message, fieldErrors } = reply.error;
        task.reject(new ServiceError(kind as ServiceErrorKind, message, fieldErrors));
      } else task.reject(new Error(`A worker job failed: ${reply.error.message}`));
    }
    this.dispatch();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.loaded || slot.task || slot.ending || this.queue.length === 0) continue;
      const task = this.queue.shift() as Task;
      slot.task = task;
      slot.timer = setTimeout(() => {
        this.options.logger?.warn({ job: task.job.kind, timeoutMs: this.timeoutMs }, "worker job timed out");
        slot.task = null;
        slot.ending = true;
        task.reject(new ServiceError("conflict", "That took too long and was stopped. Try again later."));
        void slot.worker.terminate();
      }, this.timeoutMs);
      slot.worker.postMessage({ job: task.job });
    }
  }
}
