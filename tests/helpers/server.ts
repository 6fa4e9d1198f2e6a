import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

export interface TestServer {
  url: string;
  /** The server's process id (benchmarks read its CPU time). */
  pid: number | undefined;
  dbPath: string;
  /** Log lines at level error or above, so tests can assert the server stayed healthy. */
  errors: string[];
  /** Every line the server printed (stdout and stderr), e.g. to check that no secret is logged. */
  lines: string[];
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, "../..");

/**
 * Starts the real server (the production build, as `npm start` runs it) in a
 * child process on a free port with an empty temporary database.
 */
export async function startServer(
  env: Record<string, string> = {},
  /** Extra flags for node itself, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs: string[] = [],
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "unconf-test-"));
  const dbPath = join(dir, "unconf.sqlite");
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: dbPath,
      SESSION_SECRET: "test-secret-test-secret-test-secret-0123",
      DEMO: "off",
      LOG_LEVEL: "info",
      // Every test client comes from 127.0.0.1, like a whole venue behind one address: the caps on new
      // attendees and new events per IP are lifted unless a test sets them (tests/integration/hardening.test.ts).
      NEW_ATTENDEES_PER_MINUTE_PER_IP: "1000000",
      NEW_EVENTS_PER_HOUR_PER_IP: "1000000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const errors: string[] = [];
  const lines: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => lines.push(line));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${lines.join("\n")}`)), 30_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      lines.push(line);
      if (!line.startsWith("{")) return;
      try {
        const entry = JSON.parse(line) as { level: number; msg: string; port?: number };
        if (entry.level >= 50) errors.push(line);
        if (entry.msg === "listening" && entry.port) {
          clearTimeout(timer);
          resolveUrl(`http://127.0.0.1:${entry.port}`);
        }
      } catch {
        // not a log line
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${lines.join("\n")}`));
    });
  });

  return {
    url,
    pid: child.pid,
    dbPath,
    errors,
    lines,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
