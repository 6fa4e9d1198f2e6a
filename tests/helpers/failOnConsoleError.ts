import { afterEach, beforeEach, vi } from "vitest";

/** An unexpected console.error fails the test that caused it. */
let calls: unknown[][] = [];
let original: typeof console.error;

beforeEach(() => {
  calls = [];
  original = console.error;
  console.error = (...args: unknown[]) => {
    calls.push(args);
    original(...args);
  };
});

afterEach(() => {
  console.error = original;
  vi.restoreAllMocks();
  if (calls.length > 0) {
    const first = calls[0]?.map((a) => (a instanceof Error ? a.stack : String(a))).join(" ");
    throw new Error(`console.error was called ${calls.length} time(s); first: ${first}`);
  }
});
