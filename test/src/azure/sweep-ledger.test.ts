import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type AzuriteTable } from "../../../local/azurite";
import type { SweepReport } from "../../../src/activities/sweep-contracts";
import { createSweepLedger, sweepTableName } from "../../../src/azure/sweep-ledger";
import { unknownCheck } from "../../../src/domain/sweep-check";
import type { VmCheck } from "../../../src/domain/sweep-record";
import { emptySummary, summarise } from "../../../src/domain/sweep-summary";

let azurite: AzuriteTable;
let ledger: ReturnType<typeof createSweepLedger>;
const NOW = new Date("2025-03-10T09:00:00Z");
const vmId = (n: number) => `/subscriptions/00000000-0000-0000-0000-00000000000a/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm${n}`;

function check(n: number): VmCheck {
  if (n % 5 === 0) return unknownCheck(vmId(n), "vm-deallocated", "deallocated", { symptoms: 0, now: NOW });
  if (n % 5 === 1) return { vmId: vmId(n), outcome: "noncompliant", causes: ["mode-wrong"], repairable: true, failed: false, graceDaysLeft: n % 30, warning: { kind: "expiring", daysLeft: n % 30, message: "soon" }, symptoms: n, checkedAt: NOW.toISOString() };
  return { vmId: vmId(n), outcome: "compliant", causes: [], repairable: false, failed: false, graceDaysLeft: null, symptoms: 0, checkedAt: NOW.toISOString() };
}

beforeAll(async () => {
  azurite = await startAzurite();
  ledger = createSweepLedger({ tableEndpoint: azurite.tableEndpoint, tableName: `sweeps${randomBytes(4).toString("hex")}`, credential: azurite.credential, tlsCaPem: azurite.caPem });
});
afterAll(async () => azurite?.stop());

describe("sweep ledger on Azurite", () => {
  it("keeps one row per VM per sweep and reads them back worst first, a page at a time", async () => {
    const checks = Array.from({ length: 250 }, (_, i) => check(i));
    await ledger.recordChecks("sweep-a", checks.slice(0, 130));
    await ledger.recordChecks("sweep-a", checks.slice(130));
    await ledger.recordChecks("sweep-a", checks.slice(0, 10));
    await ledger.recordChecks("sweep-b", [check(1)]);

    const first = await ledger.listChecks("sweep-a", { limit: 100 });
    expect(first.checks).toHaveLength(100);
    expect(first.continuationToken).toBeDefined();
    const rest = await ledger.listChecks("sweep-a", { limit: 1000, continuationToken: first.continuationToken! });
    const all = [...first.checks, ...rest.checks];
    expect(all).toHaveLength(250);
    expect(new Set(all.map((c) => c.vmId)).size).toBe(250);
    expect(all.slice(0, 50).every((c) => c.outcome === "noncompliant")).toBe(true);
    const days = all.filter((c) => c.outcome === "noncompliant").map((c) => c.warning!.daysLeft);
    expect(days).toEqual([...days].sort((a, b) => a - b));
    expect(all.at(-1)?.outcome).toBe("compliant");
    expect(all.find((c) => c.vmId === vmId(11))).toEqual(check(11));
  });

  it("filters by outcome", async () => {
    const unknown = await ledger.listChecks("sweep-a", { outcome: "unknown", limit: 1000 });
    expect(unknown.checks).toHaveLength(50);
    expect(unknown.checks.every((c) => c.reason?.code === "vm-deallocated")).toBe(true);
    expect((await ledger.listChecks("sweep-b", { outcome: "compliant", limit: 10 })).checks).toEqual([]);
  });

  it("stores and returns the report; an unknown sweep has none", async () => {
    const report: SweepReport = {
      sweepId: "sweep-a",
      trigger: { kind: "manual", requestedBy: "http" },
      policy: "report",
      startedAt: NOW.toISOString(),
      endedAt: NOW.toISOString(),
      state: "completed",
      targets: { total: 250, listed: 260, skipped: { notWindows: 0, outOfScope: 0, excludedByTags: 10, duplicates: 0 }, symptomatic: 50, workspaceProblems: [], requests: { resourceGraph: 1, logs: 1 } },
      summary: summarise(Array.from({ length: 250 }, (_, i) => check(i)), emptySummary()),
      rate: { waves: 8, peakWave: 128, errors: 0, throttledWaves: 0, batches: 8 },
    };
    await ledger.recordReport(report);
    expect(await ledger.getReport("sweep-a")).toEqual(report);
    expect(await ledger.getReport("sweep-none")).toBeUndefined();
  });

  it("names its table after the run ledger's, within 63 characters", () => {
    expect(sweepTableName("RdpMedicRuns")).toBe("RdpMedicRunsSweeps");
    expect(sweepTableName("R".repeat(63))).toHaveLength(63);
  });
});
