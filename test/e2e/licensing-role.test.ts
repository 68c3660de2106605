import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OfflineApp } from "../../local/offline/offline-app";
import type { SweepReport } from "../../src/activities/sweep-contracts";
import type { RunReport } from "../../src/domain/run";
import { alertFor, runIdOf, settle, startScenario, vmId } from "./harness";
import { sweepReport } from "./sweep-harness";

// REMOVE_UNUSED_LICENSING_ROLE=true: an RD Licensing role no setting uses is drift (the host works). Only a sweep
// under SWEEP_POLICY=enforce removes it, always with a person's approval, and never a role that issued CALs.
let app: OfflineApp;

const VMS = [
  { name: "lr-unused", preset: "licensing-role-unused" },
  { name: "lr-issuing", preset: "licensing-role-issuing" },
];
const role = (name: string) => app.sim.getGuest(vmId(name))!.features["RDS-Licensing"] ?? "Available";

beforeAll(async () => {
  app = await startScenario(VMS, { REMOVE_UNUSED_LICENSING_ROLE: "true", SWEEP_POLICY: "enforce" });
});
afterAll(async () => app?.stop());

describe("removing the RD Licensing role", () => {
  it("an alert run reports an unused role as drift and removes nothing", async () => {
    const runId = runIdOf(await app.post("alerts", alertFor("lr-unused")));
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("drift");
    expect(report.reason).toContain("REMOVE_UNUSED_LICENSING_ROLE=true asks for it to be removed");
    expect(role("lr-unused")).toBe("Installed");
  });

  it("a role that issued CALs to other hosts is a person's decision, not a removal", async () => {
    const runId = runIdOf(await app.post("alerts", alertFor("lr-issuing")));
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("needs-human");
    expect(report.reason).toMatch(/has issued 14 CAL\(s\): other hosts get licenses from it, so RDP Medic does not remove it/);
    expect(role("lr-issuing")).toBe("Installed");
  });

  it("an enforcing sweep removes an unused role only after a person approves it", async () => {
    const started = await app.post("sweeps", {});
    expect(started.status, started.body).toBe(202);
    await settle(app, 2);
    const sweep: SweepReport = await sweepReport(app, (started.json as { sweepId: string }).sweepId);
    const check = (name: string) => sweep.summary.worst.find((c) => c.vmId === vmId(name));
    expect(check("lr-issuing")?.repair?.state).not.toBe("started");
    const runId = check("lr-unused")!.repair!.runId!;

    const waiting = app.host.getStatus(runId)!;
    expect((waiting.customStatus as { step?: string }).step).toBe("awaiting-approval");
    expect(role("lr-unused")).toBe("Installed");

    expect((await app.post(`remediations/${runId}/approve`, { comment: "ls-old is retired" })).status).toBe(202);
    await settle(app, 2);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("remediated");
    expect(report.approvals?.map((a) => a.kind)).toEqual(["remove-licensing-role"]);
    expect(report.steps.map((s) => s.step.kind)).toContain("remove-licensing-role");
    expect(role("lr-unused")).not.toBe("Installed");
    expect(role("lr-issuing")).toBe("Installed");
  });
});
