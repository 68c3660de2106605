#!/usr/bin/env node
// Prints vitest's JSON report as one plain line, "N passed, N failed" (skipped appended when any),
// counting a failed demo run as one failure. Exits non-zero on any failure or a missing report.
"use strict";
const fs = require("node:fs");

const [reportPath, demoStatus = "0"] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(fs.readFileSync(reportPath, "utf8"));
} catch (error) {
  console.log(`no test report at ${reportPath}: ${error.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
let failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
const failedSuites = (report.testResults ?? []).filter((s) => s.status === "failed" && (s.assertionResults ?? []).length === 0);
failed += failedSuites.length;
if (demoStatus !== "0") failed += 1;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
if (passed === 0 && failed === 0) failed = 1; // a run that executed no test proves nothing
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
