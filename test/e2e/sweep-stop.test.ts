import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OfflineApp } from "../../local/offline/offline-app";
import { vmId } from "./harness";
import { settle, startSweepFleet, sweepReport } from "./sweep-harness";

let app: OfflineApp;

beforeAll(async () => {
  app = await startSweepFleet({ SWEEP_POLICY: "report", SWEEP_MAX_ERRORS: "2", SWEEP_MAX_CONCURRENCY: "50" });
});
afterAll(async () => app?.stop());

describe("rate control stops a sweep after SWEEP_MAX_ERRORS failed checks", () => {
  it("probes fail in the guest: canary, one more wave of one, then stop; the rest is reported not-checked", async () => {
    app.sim.addFault({ match: { operation: "vm.runCommand", script: "probe" }, effect: { lroFailed: { code: "VMExtensionProvisioningError", message: "the extension failed" } } });
    const started = await app.post("sweeps", {});
    await settle(app);
    const report = await sweepReport(app, (started.json as { sweepId: string }).sweepId);
    expect(report.state).toBe("stopped");
    expect(report.stopReason).toMatch(/2 check\(s\) failed/);
    expect(app.sim.requestLog.byOperation("vm.runCommand").map((e) => e.vmId)).toEqual([vmId("s-broken"), vmId("s-grace")]);
    expect(report.rate).toMatchObject({ errors: 2, waves: 2, peakWave: 1 });
    expect(report.summary).toMatchObject({ checked: 9, unknown: 9, failed: 2 });
    expect(report.summary.byUnknownReason).toEqual({ "probe-failed": 2, "not-checked": 7 });
    const broken = report.summary.worst.find((c) => c.vmId === vmId("s-broken"));
    expect(broken?.reason?.message).toContain("VMExtensionProvisioningError");
    app.sim.clearFaults();
  });

  it("the timer trigger starts a sweep; a second tick while it runs starts none", async () => {
    app.sim.requestLog.clear();
    await app.host.invokeTimer("SweepTimer");
    await app.host.invokeTimer("SweepTimer");
    const sweeps = app.host.listInstances().filter((i) => i.name === "Sweep" && i.runtimeStatus !== "Completed");
    expect(sweeps).toHaveLength(1);
    const sweepId = sweeps[0]!.instanceId;
    expect(sweepId).toMatch(/^sweep-\d{8}t\d{4}00z$/);
    await settle(app);
    const report = await sweepReport(app, sweepId);
    expect(report.trigger.kind).toBe("timer");
    expect(report.state).toBe("completed");
    expect(report.summary.failed).toBe(0);
    expect(app.sim.requestLog.byOperation("vm.runCommand")).toHaveLength(8);
  });
});
