import { Worker } from "node:worker_threads";

/**
 * A probe that asks the server for /healthz every 10 ms from its own thread
 * and records how long each answer took: how tests see whether a request held
 * up the event loop (tests/integration/heavyRequests.test.ts,
 * tests/integration/import-cost.test.ts).
 */

/** One /healthz answer: when it was asked (ms since the epoch) and how long it took. */
export interface Sample {
  at: number;
  ms: number;
}

export interface Probe {
  stop(): Promise<Sample[]>;
}

/**
 * Asks for /healthz back to back (10 ms apart) from a worker thread; resolves
 * once the probe is running (its thread started and its first answer back),
 * so no request can slip by before it; `stop` returns every answer's time.
 */
export async function startProbe(base: string): Promise<Probe> {
  const worker = new Worker(
    `
    const { parentPort, workerData } = require("node:worker_threads");
    const latencies = [];
    let running = true;
    parentPort.on("message", () => { running = false; });
    (async () => {
      // The thread's first fetch sets up its HTTP client: not a wait on the server.
      await (await fetch(workerData.url)).arrayBuffer();
      parentPort.postMessage("ready");
      while (running) {
        const at = performance.timeOrigin + performance.now();
        const start = performance.now();
        // A server blocked past its keep-alive timeout resets the reused connection: ask again, the wait counts.
        let response;
        for (let tries = 0; !response; tries++) {
          try { response = await fetch(workerData.url); } catch (error) { if (tries >= 3) throw error; }
        }
        await response.arrayBuffer();
        if (!response.ok) throw new Error("healthz answered " + response.status);
        latencies.push({ at, ms: performance.now() - start });
        await new Promise((r) => setTimeout(r, 10));
      }
      parentPort.postMessage(latencies);
    })().catch((error) => parentPort.postMessage({ error: String(error) }));
    `,
    { eval: true, workerData: { url: `${base}/healthz` } },
  );
  await new Promise<void>((resolve, reject) => {
    worker.once("message", (message: unknown) =>
      message === "ready" ? resolve() : reject(new Error(`probe did not start: ${JSON.stringify(message)}`)),
    );
  });
  return {
    stop: () =>
      new Promise((resolve, reject) => {
        worker.once("message", (message: Sample[] | { error: string }) => {
          void worker.terminate();
          if (Array.isArray(message)) resolve(message);
          else reject(new Error(message.error));
        });
        worker.postMessage("stop");
      }),
  };
}

export function summary(samples: Sample[]) {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  const first = samples[0]?.at ?? 0;
  const worst = [...samples]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 3)
    .map((s) => `${Math.round(s.ms)} ms at +${Math.round(s.at - first)} ms`);
  return { probes: sorted.length, p50: at(0.5), p99: at(0.99), max: Math.round(sorted.at(-1) ?? 0), worst };
}

export const longest = (samples: Sample[]) => Math.max(...samples.map((s) => s.ms));
