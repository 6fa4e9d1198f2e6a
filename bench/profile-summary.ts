import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Where the time went in a V8 CPU profile (`node --cpu-prof`), in plain
 * text: `tsx bench/profile-summary.ts <dir> [--top N] [--fn name,name]`.
 *
 * Reads every *.cpuprofile in <dir>. When <dir>/windows.json exists (written
 * by a bench run with BENCH_CPU_PROF_DIR: the measured spans, on the
 * monotonic clock the profile uses), only samples inside those spans count,
 * so setup and start-up stay out. Prints the share of samples by package
 * (self time), the top functions by self time, and the inclusive time of
 * the functions named with --fn (time spent in them and everything they
 * call). With --under name, the self time is counted only on stacks that
 * pass through that function: what it spends its time on. Windows may carry
 * a `label` (the live benchmark writes one per scenario, size and server:
 * "app 2000 vote burst"); `--window text` keeps the windows whose label
 * contains the text. `--only text` reads only the profiles whose file name
 * contains it (`.0.001.` is a process's main thread; worker threads write
 * their own files).
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) {
  console.error("Usage: tsx bench/profile-summary.ts <dir with .cpuprofile files> [--top N] [--fn a,b]");
  process.exit(2);
}
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const top = Number(option("--top") ?? 25);
const under = option("--under");
const inclusiveNames = (option("--fn") ?? "setVote,viewerOf,readIdentity,viewerForSlug,resolveViewer,addItem")
  .split(",")
  .filter(Boolean);

const windowsFile = join(dir, "windows.json");
const windowLabel = option("--window");
const onlyFiles = option("--only");
const windows: Array<{ start: number; end: number; label?: string }> = (
  existsSync(windowsFile)
    ? (JSON.parse(readFileSync(windowsFile, "utf8")) as Array<{ start: number; end: number; label?: string }>)
    : []
).filter((w) => !windowLabel || w.label?.includes(windowLabel));
if (windowLabel && windows.length === 0) {
  console.error(`No window in ${windowsFile} has a label containing "${windowLabel}".`);
  process.exit(2);
}
const inWindow = (t: number) => windows.length === 0 || windows.some((w) => t >= w.start && t <= w.end);

/** Which package or part of the program a frame belongs to. */
function packageOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName.startsWith("(")) return functionName; // (garbage collector), (program), (idle)
    return "(native)";
  }
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith("node:")) return "node:internal";
  if (url.includes("/build/server/")) return "app (Remix bundle)";
  if (url.includes("/app/")) return "app";
  if (url.includes("/db/")) return "db";
  return url.replace(/^file:\/\//, "");
}

const selfByPackage = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;

for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile") && (!onlyFiles || f.includes(onlyFiles)))) {
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (!inWindow(t)) return;
    const node = byId.get(id);
    if (!node) return;
    if (under) {
      let found = false;
      for (let cur: number | undefined = id; cur !== undefined && !found; cur = parent.get(cur)) {
        found = byId.get(cur)?.callFrame.functionName === under;
      }
      if (!found) return;
    }
    const frame = node.callFrame;
    if (frame.functionName === "(idle)") return;
    total++;
    const pkg = packageOf(frame);
    selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + 1);
    const where = frame.url
      ? `${frame.url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(app|db|build)\//, "$1/")}:${frame.lineNumber + 1}`
      : "";
    const fn = `${frame.functionName || "(anonymous)"} ${where}`.trim();
    selfByFunction.set(fn, (selfByFunction.get(fn) ?? 0) + 1);
    // Inclusive: count the sample once for every named function on its stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur)?.callFrame.functionName ?? "";
      if (inclusiveNames.includes(name) && !seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
      }
    }
  });
}

const pct = (n: number) => `${((100 * n) / Math.max(1, total)).toFixed(1).padStart(5)}%`;
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);

console.log(
  `${total} samples (idle left out)${windows.length ? `, inside ${windows.length} measured window(s)${windowLabel ? ` labelled "${windowLabel}"` : ""}` : ", whole run"}${under ? `, under ${under}` : ""}`,
);
console.log("\nSelf time by package:");
for (const [name, n] of sorted(selfByPackage).slice(0, top)) console.log(`  ${pct(n)}  ${name}`);
console.log(`\nTop ${top} functions by self time:`);
for (const [name, n] of sorted(selfByFunction).slice(0, top)) console.log(`  ${pct(n)}  ${name}`);
console.log("\nInclusive time (the function and everything it calls):");
for (const name of inclusiveNames) console.log(`  ${pct(inclusive.get(name) ?? 0)}  ${name}`);
