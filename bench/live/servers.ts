import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { now } from "./protocol";

/**
 * The two servers of the live benchmark, each a child process on a fixed
 * port so a restart (the reconnect storm) comes back where the clients
 * expect it:
 * - the app: the production build (`node --import tsx server.ts` with
 *   NODE_ENV=production), on a given SQLite file, as tests/helpers/server.ts
 *   starts it, but restartable on the same port and database;
 * - the bare floor: bench/live/bareServer.ts.
 * Both print a JSON `listening` line when ready.
 */

const root = resolve(import.meta.dirname, "../..");

export const SESSION_SECRET = "bench-secret-bench-secret-bench-secret-01";

/** A free TCP port on loopback (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Spawns through `sh` so the child gets `ulimit -n nofile` (as far as the hard limit allows). */
export function spawnWithLimit(
  args: string[],
  env: Record<string, string | undefined>,
  nofile: number,
  stdio: Array<"ignore" | "pipe" | "ipc" | "inherit">,
): ChildProcess {
  return spawn("sh", ["-c", `ulimit -n ${nofile} 2>/dev/null; exec "$0" "$@"`, process.execPath, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio,
  });
}

export interface LogCounters {
  /** Requests pino-http logged (every HTTP request but static assets and Socket.IO's own). */
  requests: number;
  /** Of which `GET .../state.json`. */
  snapshotRequests: number;
  /** The latest snapshot-build counter the server logged, if it logs one. */
  snapshotBuilds: number | null;
  /** Socket commands logged, by name. */
  commands: Record<string, number>;
  errors: string[];
}

export interface RunningServer {
  kind: "app" | "bare";
  url: string;
  port: number;
  pid: number;
  /** When the `listening` line arrived (absolute ms). */
  listeningAt: number;
  log: LogCounters;
  /** When the process was spawned (absolute ms). */
  spawnedAt: number;
  /** When the process exited after stop() (absolute ms), or 0. */
  exitedAt: number;
  /** The last lines printed, for error messages. */
  tail: string[];
  stop(): Promise<void>;
}

function emptyCounters(): LogCounters {
  return { requests: 0, snapshotRequests: 0, snapshotBuilds: null, commands: {}, errors: [] };
}

function count(log: LogCounters, line: string): void {
  if (!line.startsWith("{")) return;
  let entry: {
    level?: number;
    msg?: string;
    req?: { url?: string };
    res?: unknown;
    cmd?: string;
    builds?: number;
    snapshotBuilds?: number;
  };
  try {
    entry = JSON.parse(line);
  } catch {
    return;
  }
  if ((entry.level ?? 0) >= 50 && log.errors.length < 20) log.errors.push(line.slice(0, 500));
  if (entry.req?.url && entry.res) {
    log.requests++;
    if (/\/state\.json(\?|$)/.test(entry.req.url)) log.snapshotRequests++;
  }
  if (entry.cmd) log.commands[entry.cmd] = (log.commands[entry.cmd] ?? 0) + 1;
  const builds = entry.snapshotBuilds ?? entry.builds;
  if (typeof builds === "number") log.snapshotBuilds = builds;
}

export async function startProcess(
  kind: "app" | "bare",
  port: number,
  env: Record<string, string>,
  nofile: number,
): Promise<RunningServer> {
  const spawnedAt = now();
  // BENCH_LIVE_SERVER_PROFILE=dir: a V8 CPU profile of each server process (dir/app, dir/bare), written when it stops.
  const profile = process.env.BENCH_LIVE_SERVER_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${join(process.env.BENCH_LIVE_SERVER_PROFILE, kind)}`]
    : [];
  const args = [
    ...profile,
    ...(kind === "app" ? ["--import", "tsx", "server.ts"] : ["--import", "tsx", "bench/live/bareServer.ts"]),
  ];
  const child = spawnWithLimit(
    args,
    {
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      SESSION_SECRET,
      DEMO: "off",
      LOG_LEVEL: "info",
      ...env,
    },
    nofile,
    ["ignore", "pipe", "pipe"],
  );
  const tail: string[] = [];
  const log = emptyCounters();
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 50) tail.shift();
  };
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", remember);
  let listeningAt = 0;
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${kind} server did not start in 30 s:\n${tail.join("\n")}`)),
      30_000,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      remember(line);
      count(log, line);
      if (!listeningAt && line.includes('"listening"')) {
        listeningAt = now();
        clearTimeout(timer);
        resolveReady();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited with ${code} before listening:\n${tail.join("\n")}`));
    });
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const server: RunningServer = {
    kind,
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid as number,
    listeningAt,
    spawnedAt,
    exitedAt: 0,
    log,
    tail,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        server.exitedAt = now();
        clearTimeout(timer);
      }
    },
  };
  return server;
}
