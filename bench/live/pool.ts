import type { ChildProcess } from "node:child_process";
import type { ClientSpec, Envelope, Reply, Request, UsageResult } from "./protocol";
import { spawnWithLimit } from "./servers";

/**
 * The load generator: 1-3 child processes (bench/live/clientProcess.ts), each
 * holding a share of the attendees, spread round-robin (attendee i lives in
 * process i mod P) so every share has the same mix of roles.
 */
export class ClientPool {
  private readonly children: ChildProcess[] = [];
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;

  constructor(
    readonly size: number,
    nofile: number,
  ) {
    for (let p = 0; p < size; p++) {
      // BENCH_LIVE_PROFILE=dir writes a V8 CPU profile of each client process there (to see what the load costs).
      const profile = process.env.BENCH_LIVE_PROFILE
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_LIVE_PROFILE}`]
        : [];
      const child = spawnWithLimit([...profile, "--import", "tsx", "bench/live/clientProcess.ts"], {}, nofile, [
        "ignore",
        "inherit",
        "inherit",
        "ipc",
      ]);
      child.on("message", (reply: Reply) => {
        const waiter = this.waiting.get(reply.id);
        if (!waiter) return;
        this.waiting.delete(reply.id);
        if (reply.ok) waiter.resolve(reply.result);
        else waiter.reject(new Error(`client process ${p}: ${reply.error}`));
      });
      // A send to a process that already exited (the run stopped at its time limit) rejects that request;
      // without this listener Node throws the channel error as an unhandled 'error' event.
      child.on("error", (error) => {
        for (const [id, waiter] of this.waiting) {
          waiter.reject(new Error(`client process ${p}: ${error.message} (request ${id})`));
        }
        this.waiting.clear();
      });
      child.on("exit", (code, signal) => {
        for (const [id, waiter] of this.waiting) {
          waiter.reject(new Error(`client process ${p} exited (${code ?? signal}) during request ${id}`));
        }
        this.waiting.clear();
      });
      this.children.push(child);
    }
  }

  get pids(): number[] {
    return this.children.map((c) => c.pid as number);
  }

  /** Which process holds attendee `index`. */
  processOf(index: number): number {
    return index % this.size;
  }

  ask<T>(p: number, request: Request): Promise<T> {
    const child = this.children[p];
    if (!child) throw new Error(`no client process ${p}`);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (!child.connected) return reject(new Error(`client process ${p} is gone (request ${id})`));
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ ...request, id } as Envelope, (error) => {
        if (!error) return;
        this.waiting.delete(id);
        reject(new Error(`client process ${p}: ${error.message} (request ${id})`));
      });
    });
  }

  /** The same request to every process. */
  all<T>(request: Request): Promise<T[]> {
    return Promise.all(this.children.map((_, p) => this.ask<T>(p, request)));
  }

  /** A request built per process from the attendees it holds. */
  each<T>(build: (p: number) => Request): Promise<T[]> {
    return Promise.all(this.children.map((_, p) => this.ask<T>(p, build(p))));
  }

  /** Splits attendees 0..n-1 by process. */
  share(specs: ClientSpec[]): ClientSpec[][] {
    const shares: ClientSpec[][] = this.children.map(() => []);
    for (const spec of specs) shares[this.processOf(spec.index)]?.push(spec);
    return shares;
  }

  usage(): Promise<UsageResult[]> {
    return this.all<UsageResult>({ cmd: "usage" });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.disconnect();
            // A process writing its CPU profile (BENCH_LIVE_PROFILE) needs longer to exit.
            setTimeout(() => child.kill("SIGKILL"), process.env.BENCH_LIVE_PROFILE ? 60_000 : 5000).unref();
          }),
      ),
    );
  }
}
