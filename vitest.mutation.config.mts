import { defineConfig } from "vitest/config";

// The tests mutation testing runs: the pure domain and auth-policy tests (fast, no tools; the auth tests use loopback key servers).
export default defineConfig({
  test: {
    include: ["test/src/domain/**/*.test.ts", "test/src/auth/**/*.test.ts", "test/src/orchestrations/orchestration-version.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
  },
});
