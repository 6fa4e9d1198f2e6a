import { defineConfig } from "vitest/config";

/**
 * Three projects, one run: unit (pure domain, fast), integration (the real
 * server in a child process on port 0 with its own database) and browser
 * (Debian's Chromium through playwright-core, phone and desktop sizes).
 * The summary reporter prints the plain closing line "N passed, N failed".
 */
export default defineConfig({
  test: {
    reporters: ["default", "./tests/helpers/summaryReporter.ts"],
    setupFiles: ["./tests/helpers/failOnConsoleError.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: "forks",
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          pool: "forks",
          // Chromium is heavy on a 2-core machine: browser tests run last, one file at a time.
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
