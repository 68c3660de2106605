import { defineConfig } from "vitest/config";

// The tests mutation testing runs: the pure domain tests (fast, no tools, no servers).
export default defineConfig({
  test: {
    include: ["test/src/domain/**/*.test.ts", "test/src/orchestrations/orchestration-version.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
  },
});
