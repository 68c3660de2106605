#!/usr/bin/env node
// Prints vitest's JSON report as one plain last line, "N passed, N failed", counting as failures: failed tests, a
// test file that failed without a failed test (a beforeAll/afterAll hook or the file itself threw), a report that
// says success: false with nothing else failed, every skipped test that is not an expected skip, and a failed demo
// run. The lines before it name each such failure. Exits non-zero on any failure or a missing report.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/**
 * Tests that may be skipped on a CI machine, by title, and why. Everything else that is skipped (it.skip left
 * behind, a test a failing beforeAll never ran, a tool that went missing) counts as a failure.
 */
const EXPECTED_SKIPS = [
  {
    title: "builds with no network at all (a fresh network namespace)",
    why: "needs unprivileged user namespaces (unshare -rn), which some CI machines do not allow",
  },
];

const SKIPPED = new Set(["skipped", "pending", "todo", "disabled"]);

/** The counts and the reasons, from a parsed vitest JSON report. */
function summarize(report, demoStatus = "0") {
  const problems = [];
  const expectedSkips = [];
  let passed = 0;
  let failed = 0;
  for (const file of report.testResults ?? []) {
    const name = file.name ? path.relative(process.cwd(), String(file.name)) : "(unnamed file)";
    const assertions = file.assertionResults ?? [];
    for (const test of assertions) {
      const title = test.fullName ?? test.title ?? "(unnamed test)";
      if (test.status === "passed") passed += 1;
      else if (test.status === "failed") {
        failed += 1;
        problems.push(`failed: ${name}: ${title}`);
      } else if (SKIPPED.has(test.status)) {
        if (EXPECTED_SKIPS.some((s) => s.title === test.title)) expectedSkips.push(`${name}: ${title}`);
        else {
          failed += 1;
          problems.push(`unexpected skip: ${name}: ${title}`);
        }
      }
    }
    if (file.status === "failed" && !assertions.some((t) => t.status === "failed")) {
      failed += 1;
      problems.push(`failed file (a hook or the file itself threw): ${name}${file.message ? `: ${oneLine(file.message)}` : ""}`);
    }
  }
  failed += report.numRuntimeErrorTestSuites ?? 0;
  if (report.success === false && failed === 0) {
    failed += 1;
    problems.push("the report says success: false, and names no failure");
  }
  if (demoStatus !== "0") {
    failed += 1;
    problems.push(`npm run demo exited ${demoStatus}`);
  }
  if (passed === 0 && failed === 0) {
    failed = 1; // a run that executed no test proves nothing
    problems.push("no test ran");
  }
  return { passed, failed, problems, expectedSkips };
}

function oneLine(text) {
  const line = String(text).split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function main(argv) {
  const [reportPath, demoStatus = "0"] = argv;
  let report;
  try {
    report = JSON.parse(fs.readFileSync(reportPath, "utf8"));
  } catch (error) {
    console.log(`no test report at ${reportPath}: ${error.message}`);
    console.log("0 passed, 1 failed");
    return 1;
  }
  const { passed, failed, problems, expectedSkips } = summarize(report, demoStatus);
  for (const problem of problems) console.log(problem);
  if (expectedSkips.length > 0) console.log(`expected skips: ${expectedSkips.join("; ")}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

module.exports = { summarize, EXPECTED_SKIPS };

if (require.main === module) process.exit(main(process.argv.slice(2)));
