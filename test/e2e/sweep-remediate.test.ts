import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OfflineApp } from "../../local/offline/offline-app";
import type { SweepReport } from "../../src/activities/sweep-contracts";
import type { RunReport } from "../../src/domain/run";
import { vmId } from "./harness";
import { settle, startSweepFleet, sweepReport } from "./sweep-harness";

let app: OfflineApp;
let report: SweepReport;

beforeAll(async () => {
  app = await startSweepFleet({ SWEEP_POLICY: "remediate", SWEEP_MAX_REMEDIATIONS: "1", SWEEP_MAX_CONCURRENCY: "8" });
  const started = await app.post("sweeps", {});
  expect(started.status, started.body).toBe(202);
  await settle(app);
  report = await sweepReport(app, (started.json as { sweepId: string }).sweepId);
});
afterAll(async () => app?.stop());

const check = (name: string) => report.summary.worst.find((c) => c.vmId === vmId(name));

describe("a sweep with policy remediate", () => {
  it("starts the per-VM remediation run for the worst repairable VM only (SWEEP_MAX_REMEDIATIONS=1)", () => {
    expect(report.policy).toBe("remediate");
    expect(report.summary.repairs.started).toBe(1);
    const started = report.summary.worst.filter((c) => c.repair?.state === "started");
    expect(started.map((c) => c.vmId)).toEqual([vmId("s-broken")]);
    expect(check("s-nocals")?.repair?.state === "over-cap" || check("s-nocals")?.repair?.state === "not-repairable").toBe(true);
  });

  it("never starts runs for opted-out VMs or VMs a person must fix", () => {
    expect(check("s-optout")?.repair).toEqual({ state: "opted-out" });
    expect(check("s-gpo")?.repair?.state).toBe("not-repairable");
    const runs = app.host.listInstances().filter((i) => i.name === "RemediateVm");
    expect(runs.map((r) => (r.input as { vmId: string }).vmId)).toEqual([vmId("s-broken")]);
  });

  it("the run is the VM's own singleton remediation (sweep trigger) and repairs it: snapshot first, then the fix", async () => {
    const runId = check("s-broken")?.repair?.runId;
    expect(runId).toMatch(/^rdpmedic-s-broken-[0-9a-f]{16}$/);
    const status = await app.get(`remediations/${runId}`);
    const run = (status.json as { report: RunReport }).report;
    expect(run.trigger).toEqual({ kind: "sweep", sweepId: report.sweepId });
    expect(run.verdict, run.reason).toBe("remediated");
    expect(run.snapshotId).toBeTruthy();
    const changes = app.sim.requestLog.entries().filter((e) => e.stateChanging);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((e) => e.vmId === vmId("s-broken") || (e.resourceId ?? e.path).includes("rdpmedic-s-broken-"))).toBe(true);
    expect(changes[0]?.operation).toBe("snapshot.put");
  });

  it("a second sweep finds the repaired VM compliant, and a running sweep refuses a second one", async () => {
    const again = await app.post("sweeps", { policy: "report" });
    expect(again.status).toBe(202);
    const sweepId = (again.json as { sweepId: string }).sweepId;
    const busy = await app.post("sweeps", {});
    expect(busy.status).toBe(409);
    expect(busy.json).toMatchObject({ error: { code: "sweep-running" }, sweepId });
    await settle(app);
    const second = await sweepReport(app, sweepId);
    expect(second.policy).toBe("report");
    expect(second.summary.worst.find((c) => c.vmId === vmId("s-broken"))).toBeUndefined();
    expect(second.summary.compliant).toBe(report.summary.compliant + 1);
  });
});
