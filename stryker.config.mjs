// Mutation testing of the pure modules (not in CI: too slow). `npm run mutation -- --mutate src/domain/plan.ts`
// picks one module; the default set is the safety-critical domain modules. The score is reported in the HTML and
// clear-text reports (reports/mutation/).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.mutation.config.mts" },
  mutate: [
    "src/domain/plan.ts",
    "src/domain/plan-recheck.ts",
    "src/domain/diagnose.ts",
    "src/domain/guards.ts",
    "src/domain/licensing-state.ts",
    "src/domain/license-servers.ts",
    "src/domain/license-server-name.ts",
    "src/domain/connectivity.ts",
    "src/domain/restart-decision.ts",
    "src/domain/maintenance-window.ts",
    "src/domain/registry-value.ts",
  ],
  reporters: ["clear-text", "progress", "html"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 30_000,
  tempDirName: ".stryker-tmp",
  ignorePatterns: [".tools", ".artifacts", "dist", "reports"],
  cleanTempDir: "always",
};
