import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * `npm run bench`: runs the exported `run()` of every bench/*.bench.ts module,
 * one after another (they share the machine, so never in parallel), and
 * prints their figures. Arguments filter by file name:
 * `npm run bench -- vote` runs only modules whose name contains "vote".
 *
 * Benchmarks measure the production build and build nothing themselves.
 */

export interface Figure {
  label: string;
  value: number;
  /** "ms", "x", "req/s", ... */
  unit: string;
}

export interface BenchResult {
  name: string;
  /** What was measured and how, in a sentence or two. */
  description: string;
  figures: Figure[];
  /** Anything a reader needs to interpret the figures. */
  notes?: string[];
}

export type BenchModule = { run: () => Promise<BenchResult> };

const root = resolve(import.meta.dirname, "..");
const benchDir = join(root, "bench");

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/**
 * CPU seconds (user + system) a process has used so far, read from
 * /proc/<pid>/stat; null where there is no /proc. Clock ticks are 1/100 s
 * on Linux, so measure spans of at least a second or two.
 */
export function processCpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function format(figure: Figure): string {
  const digits = Math.abs(figure.value) >= 100 ? 0 : Math.abs(figure.value) >= 10 ? 1 : 2;
  return `${figure.value.toFixed(digits)} ${figure.unit}`;
}

function print(result: BenchResult, seconds: number): void {
  const width = Math.max(...result.figures.map((f) => f.label.length));
  const lines = [
    "",
    `== ${result.name} (${seconds.toFixed(1)} s)`,
    result.description,
    ...result.figures.map((f) => `  ${f.label.padEnd(width)}  ${format(f)}`),
    ...(result.notes ?? []).map((n) => `  note: ${n}`),
  ];
  console.log(lines.join("\n"));
}

async function main(): Promise<number> {
  if (!existsSync(join(root, "build/server/index.js"))) {
    console.error(
      "The benchmarks measure the production build, and there is none: run `npx remix vite:build` first, then `npm run bench` again.",
    );
    return 1;
  }
  const filters = process.argv.slice(2);
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => filters.length === 0 || filters.some((word) => f.includes(word)))
    .sort();
  if (files.length === 0) {
    console.error(`No bench/*.bench.ts module matches ${filters.join(", ") || "(no filter)"}.`);
    return 1;
  }
  let failed = 0;
  for (const file of files) {
    const started = performance.now();
    try {
      const module = (await import(pathToFileURL(join(benchDir, file)).href)) as Partial<BenchModule>;
      if (typeof module.run !== "function") throw new Error(`${file} exports no run() function`);
      print(await module.run(), (performance.now() - started) / 1000);
    } catch (error) {
      failed++;
      console.error(`\n== ${file} FAILED\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  console.log(`\n${files.length - failed} benchmark(s) ran, ${failed} failed`);
  return failed ? 1 : 0;
}

// Only when run as the entry point, so bench modules can import the types and helpers above.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
