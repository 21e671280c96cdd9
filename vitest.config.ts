import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // CI reads the JSON report to print one "N passed, N failed" line (see .ci/run).
    reporters: process.env.CI
      ? ["default", ["json", { outputFile: "coverage/vitest-report.json" }]]
      : ["default"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts"],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          // The end-to-end tests run the bundled CLI, so it is built once before any of them.
          globalSetup: ["test/e2e/global-setup.ts"],
          // Each test spawns several CLI processes and a validation command per build.
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
