import { operationEndOf } from "../../local/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OfflineApp } from "../../local/offline/offline-app";
import type { SweepReport } from "../../src/activities/sweep-contracts";
import { vmId } from "./harness";
import { settle, startSweepFleet, sweepReport } from "./sweep-harness";

let app: OfflineApp;
let report: SweepReport;
let sweepId: string;

beforeAll(async () => {
  app = await startSweepFleet({ SWEEP_POLICY: "report", GRACE_WARNING_DAYS: "60", SWEEP_MAX_CONCURRENCY: "4" });
  const started = await app.post("sweeps", {});
  expect(started.status, started.body).toBe(202);
  sweepId = (started.json as { sweepId: string }).sweepId;
  await settle(app);
  report = await sweepReport(app, sweepId);
});
afterAll(async () => app?.stop());

const byName = (name: string) => report.summary.worst.find((c) => c.vmId === vmId(name));

describe("a report-only sweep over a mixed fleet", () => {
  it("lists Windows VMs of the allowed scopes through Resource Graph, leaving out excluded tags", () => {
    expect(report.state).toBe("completed");
    expect(report.targets).toMatchObject({ listed: 10, total: 9, skipped: { excludedByTags: 1 }, symptomatic: 2 });
    expect(report.targets.requests).toEqual({ resourceGraph: 1, logs: 1 });
    expect(app.sim.requestLog.byOperation("resourceGraph.query")).toHaveLength(1);
  });

  it("tells compliant, noncompliant and unknown apart, with causes and reasons", () => {
    expect(report.summary).toMatchObject({ checked: 9, compliant: 2, noncompliant: 5, unknown: 2, failed: 0 });
    expect(report.summary.byUnknownReason).toEqual({ "vm-deallocated": 1, "agent-not-ready": 1 });
    expect(byName("s-off")?.reason?.code).toBe("vm-deallocated");
    expect(byName("s-agent")?.reason?.code).toBe("agent-not-ready");
    expect(byName("s-gpo")).toMatchObject({ outcome: "noncompliant", repairable: false });
    expect(byName("s-gpo")?.causes).toContain("gpo-manages-licensing");
    expect(byName("s-broken")).toMatchObject({ outcome: "noncompliant", repairable: true, warning: { kind: "rdp-lost" } });
    expect(report.summary.byCause["no-license-server"]).toBeGreaterThanOrEqual(1);
  });

  it("warns about the VM whose grace period ends within GRACE_WARNING_DAYS", () => {
    expect(byName("s-grace")).toMatchObject({ outcome: "noncompliant", graceDaysLeft: 42, warning: { kind: "expiring", daysLeft: 42 } });
    expect(report.summary.warnings.expiring).toBe(1);
  });

  it("lists the worst VMs first: lost RDP before expiring grace before other drift before unknowns", () => {
    const order = report.summary.worst.map((c) => c.outcome === "unknown" ? "unknown" : (c.warning?.kind ?? "drift"));
    const rank = { "rdp-lost": 0, expiring: 1, drift: 2, unknown: 3 } as const;
    expect(order.map((o) => rank[o])).toEqual([...order.map((o) => rank[o])].sort());
    expect(report.summary.worst.some((c) => c.outcome === "compliant")).toBe(false);
  });

  it("probes the VMs with licensing events first, starting with a canary of one", () => {
    const starts = app.sim.requestLog.byOperation("vm.runCommand");
    expect(starts).toHaveLength(8);
    expect(new Set(starts.slice(0, 2).map((s) => s.vmId))).toEqual(new Set([vmId("s-broken"), vmId("s-grace")]));
    const entries = app.sim.requestLog.entries();
    const firstStart = entries.findIndex((e) => e.operation === "vm.runCommand");
    const secondStart = entries.findIndex((e, i) => i > firstStart && e.operation === "vm.runCommand");
    // The answer that told the canary's end: its result, a status poll, or its start itself (200 at once).
    const canaryResult = entries.findIndex((e) => operationEndOf(e)?.operation === "vm.runCommand" && e.vmId === entries[firstStart]?.vmId);
    expect(canaryResult).toBeGreaterThanOrEqual(firstStart);
    expect(canaryResult).toBeLessThan(secondStart);
    expect(report.rate.waves).toBeGreaterThanOrEqual(3);
    expect(report.rate.peakWave).toBeLessThanOrEqual(4);
  });

  it("changes nothing: only read-only probes ran; no snapshot, no restart, no remediation run", () => {
    const changes = app.sim.requestLog.entries().filter((e) => e.stateChanging);
    expect(changes).toEqual([]);
    expect(app.sim.listSnapshots()).toEqual([]);
    expect(app.host.listInstances().filter((i) => i.name === "RemediateVm")).toEqual([]);
  });

  it("GET /api/sweeps/{id} also pages through every VM's result from the ledger, worst first, by outcome", async () => {
    const unknown = await app.get(`sweeps/${sweepId}?outcome=unknown&limit=10`);
    expect(unknown.status, unknown.body).toBe(200);
    const page = (unknown.json as { results: { checks: Array<{ vmId: string; reason?: { code: string } }> } }).results;
    expect(page.checks.map((c) => c.reason?.code).sort()).toEqual(["agent-not-ready", "vm-deallocated"]);
    const first = await app.get(`sweeps/${sweepId}?limit=4`);
    const firstPage = (first.json as { results: { checks: Array<{ vmId: string; outcome: string }>; continuationToken?: string } }).results;
    expect(firstPage.checks).toHaveLength(4);
    expect(firstPage.checks[0]?.vmId).toBe(report.summary.worst[0]?.vmId);
    const rest = await app.get(`sweeps/${sweepId}?limit=100&continuationToken=${encodeURIComponent(firstPage.continuationToken ?? "")}`);
    const all = [...firstPage.checks, ...(rest.json as { results: { checks: Array<{ vmId: string; outcome: string }> } }).results.checks];
    expect(all).toHaveLength(9);
    expect(all.slice(-2).map((c) => c.outcome)).toEqual(["compliant", "compliant"]);
    expect((await app.get(`sweeps/${sweepId}?outcome=broken`)).status).toBe(400);
  });

  it("GET /api/sweeps/{id} answers 404 for an unknown sweep and 400 for a malformed ID", async () => {
    expect((await app.get("sweeps/sweep-20200101t000000z")).status).toBe(404);
    expect((await app.get("sweeps/not-a-sweep")).status).toBe(400);
  });
});
