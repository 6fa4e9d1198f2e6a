import { median } from "./proc";

/**
 * The live benchmark's figures: every key figure is measured in several runs
 * (normally three) against the app and, where the floor has a meaning, the
 * bare Socket.IO server in the same run; the table shows each run, the
 * medians and their ratio, and whether the target is met.
 */

export interface Target {
  /** The app's median must be at most this (in the row's unit). */
  max?: number;
  /** The app's median divided by the floor's must be at most this. */
  ratioMax?: number;
  /** The app's median must be at least this. */
  min?: number;
  /** Must equal this. */
  equals?: number;
}

export interface Row {
  section: string;
  /** Attendees connected, where it matters. */
  n: number | null;
  label: string;
  unit: string;
  app: number[];
  floor?: number[];
  target?: Target;
}

export class Report {
  readonly rows: Row[] = [];
  readonly notes: string[] = [];

  /** Adds one run's value to a row (created on first use). */
  add(
    section: string,
    n: number | null,
    label: string,
    unit: string,
    who: "app" | "floor",
    value: number,
    target?: Target,
  ): void {
    let row = this.rows.find((r) => r.section === section && r.n === n && r.label === label);
    if (!row) {
      row = { section, n, label, unit, app: [], target };
      this.rows.push(row);
    }
    if (target) row.target = target;
    if (who === "app") row.app.push(value);
    else {
      row.floor = row.floor ?? [];
      row.floor.push(value);
    }
  }

  note(text: string): void {
    this.notes.push(text);
    console.log(`  note: ${text}`);
  }
}

export function verdict(row: Row): "met" | "MISSED" | "not run" | "" {
  const t = row.target;
  if (!t) return "";
  // The app's side never ran (the run stopped at its time limit first): no verdict.
  if (row.app.length === 0) return "not run";
  const m = median(row.app);
  if (!Number.isFinite(m)) return "MISSED";
  if (t.max !== undefined && m > t.max) return "MISSED";
  if (t.min !== undefined && m < t.min) return "MISSED";
  if (t.equals !== undefined && row.app.some((v) => v !== t.equals)) return "MISSED";
  if (t.ratioMax !== undefined && row.floor?.length) {
    const ratio = m / median(row.floor);
    if (!(ratio <= t.ratioMax)) return "MISSED";
  }
  return "met";
}

export function targetText(t: Target | undefined, unit: string): string {
  if (!t) return "";
  const parts: string[] = [];
  if (t.max !== undefined) parts.push(`<= ${t.max} ${unit}`);
  if (t.min !== undefined) parts.push(`>= ${t.min} ${unit}`);
  if (t.ratioMax !== undefined) parts.push(`<= ${t.ratioMax}x floor`);
  if (t.equals !== undefined) parts.push(`= ${t.equals}`);
  return parts.join(", ");
}

export function fmt(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "-";
  const a = Math.abs(value);
  if (a === 0) return "0";
  if (a >= 100) return value.toFixed(0);
  if (a >= 10) return value.toFixed(1);
  if (a >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** Rows grouped by (scenario, size) in the order each group first appeared, so late app-only rows join their group. */
export function grouped(rows: readonly Row[]): Row[] {
  const order = new Map<string, number>();
  rows.forEach((r) => {
    const key = `${r.section}|${r.n}`;
    if (!order.has(key)) order.set(key, order.size);
  });
  return rows
    .map((r, i) => ({ r, i, g: order.get(`${r.section}|${r.n}`) ?? 0 }))
    .sort((a, b) => a.g - b.g || a.i - b.i)
    .map((x) => x.r);
}

export function table(rows: readonly Row[]): string {
  const header = ["scenario", "N", "figure", "unit", "app runs", "app median", "floor median", "ratio", "target", ""];
  const lines = grouped(rows).map((row) => {
    const m = median(row.app);
    const f = row.floor?.length ? median(row.floor) : undefined;
    return [
      row.section,
      row.n === null ? "" : String(row.n),
      row.label,
      row.unit,
      row.app.map(fmt).join(" / "),
      fmt(m),
      f === undefined ? "" : fmt(f),
      f === undefined || f === 0 ? "" : `${fmt(m / f)}x`,
      targetText(row.target, row.unit),
      verdict(row),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (i === 1 || (i >= 4 && i <= 7) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [render(header), render(widths.map((w) => "-".repeat(w))), ...lines.map(render)].join("\n");
}
