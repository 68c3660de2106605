/**
 * The CI summary line against reports the real vitest writes: small test files that fail the ways a suite can
 * (a failing test, a throwing afterAll or beforeAll, a forgotten it.skip) run through vitest's JSON reporter, and
 * scripts/ci-summary.js must then count each as a failure.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(__dirname, "../..");
const script = join(root, "scripts", "ci-summary.js");
const vitestBin = join(root, "node_modules", "vitest", "vitest.mjs");

const FILES: Record<string, string> = {
  "passing.test.ts": `import { expect, it } from "vitest";\nit("adds", () => expect(1 + 1).toBe(2));\nit("subtracts", () => expect(2 - 1).toBe(1));\n`,
  "failing.test.ts": `import { expect, it } from "vitest";\nit("is wrong", () => expect(1).toBe(2));\n`,
  "after-all.test.ts": `import { afterAll, expect, it } from "vitest";\nafterAll(() => { throw new Error("cleanup broke"); });\nit("passes before the hook", () => expect(true).toBe(true));\n`,
  "before-all.test.ts": `import { beforeAll, expect, it } from "vitest";\nbeforeAll(() => { throw new Error("setup broke"); });\nit("never runs", () => expect(true).toBe(true));\n`,
  "skipped.test.ts": `import { expect, it } from "vitest";\nit.skip("left behind", () => expect(true).toBe(true));\nit("builds with no network at all (a fresh network namespace)", (ctx) => ctx.skip("no unshare here"));\nit("runs", () => expect(true).toBe(true));\n`,
  "broken-import.test.ts": `import { nothing } from "./does-not-exist";\nimport { it } from "vitest";\nit("uses it", () => void nothing);\n`,
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "rdp-medic-ci-summary-"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "vitest.config.mts"), `export default { test: { include: ["*.test.ts"], pool: "forks" } };\n`);
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the real vitest over the named fixture files and returns the path of its JSON report. */
function vitestReport(files: string[], name: string): string {
  const out = join(dir, `${name}.json`);
  const run = spawnSync(process.execPath, [vitestBin, "run", "--root", dir, "--reporter=json", `--outputFile.json=${out}`, ...files], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CI: "true", FORCE_COLOR: "0" },
  });
  expect(run.error).toBeUndefined();
  return out;
}

function summary(reportPath: string, demoStatus = "0") {
  const run = spawnSync(process.execPath, [script, reportPath, demoStatus], { cwd: dir, encoding: "utf8" });
  const lines = run.stdout.trim().split("\n");
  return { status: run.status, last: lines[lines.length - 1], lines };
}

describe("scripts/ci-summary.js over real vitest reports", () => {
  it("all green: every test counted, exit 0", () => {
    const result = summary(vitestReport(["passing.test.ts"], "green"));
    expect(result.last).toBe("2 passed, 0 failed");
    expect(result.status).toBe(0);
    // A failed demo is one failure on top.
    expect(summary(join(dir, "green.json"), "1").last).toBe("2 passed, 1 failed");
  });

  it("counts a failing test, a throwing afterAll or beforeAll, a file that cannot load and a forgotten it.skip", () => {
    const result = summary(vitestReport(Object.keys(FILES), "all"));
    expect(result.status).toBe(1);
    expect(result.lines.slice(0, -1).sort()).toEqual(
      [
        "failed: failing.test.ts: is wrong",
        // every test in it passed; the hook after them threw
        "failed file (a hook or the file itself threw): after-all.test.ts: cleanup broke",
        "failed file (a hook or the file itself threw): before-all.test.ts: setup broke",
        // the test the failing beforeAll kept from running
        "unexpected skip: before-all.test.ts: never runs",
        `failed file (a hook or the file itself threw): broken-import.test.ts: Cannot find module './does-not-exist' imported from ${join(dir, "broken-import.test.ts")}`,
        "unexpected skip: skipped.test.ts: left behind",
        // listed in EXPECTED_SKIPS: named, not counted
        "expected skips: skipped.test.ts: builds with no network at all (a fresh network namespace)",
      ].sort(),
    );
    // passing 2, after-all 1, skipped 1; failures as listed above, the expected skip not among them.
    expect(result.last).toBe("4 passed, 6 failed");
  });

  it("a missing report, success: false with nothing else failed, and a report with no test all fail", () => {
    expect(summary(join(dir, "no-such-report.json")).last).toBe("0 passed, 1 failed");
    const fake = join(dir, "fake.json");
    writeFileSync(fake, JSON.stringify({ success: false, testResults: [{ name: join(dir, "a.test.ts"), status: "passed", assertionResults: [{ title: "a", status: "passed" }] }] }));
    expect(summary(fake).last).toBe("1 passed, 1 failed");
    writeFileSync(fake, JSON.stringify({ success: true, testResults: [] }));
    expect(summary(fake).last).toBe("0 passed, 1 failed");
  });
});
