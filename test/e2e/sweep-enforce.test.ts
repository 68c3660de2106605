import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getRegValue, KEYS } from "../../local/guest/guest-registry";
import type { OfflineApp } from "../../local/offline/offline-app";
import type { SweepReport } from "../../src/activities/sweep-contracts";
import type { RunReport } from "../../src/domain/run";
import { alertFor, runIdOf, settle, startScenario, vmId } from "./harness";
import { sweepReport } from "./sweep-harness";

// SWEEP_POLICY=enforce: drift is brought back to the policy by sweep runs only, with the same approvals; alert and
// manual runs keep reporting it.
let app: OfflineApp;
let report: SweepReport;

const VMS = [
  { name: "drift-other", preset: "other-working-server" },
  { name: "drift-ip", preset: "healthy-by-ip" },
  { name: "drift-mode", preset: "mode-per-device" },
  { name: "broken", preset: "demo-broken" },
  { name: "fine", preset: "healthy" },
];
const servers = (name: string) => getRegValue(app.sim.getGuest(vmId(name))!, KEYS.licenseServers, "SpecifiedLicenseServers");

beforeAll(async () => {
  app = await startScenario(VMS, { SWEEP_POLICY: "enforce", SWEEP_MAX_CONCURRENCY: "8" });
});
afterAll(async () => app?.stop());

describe("SWEEP_POLICY=enforce", () => {
  it("an alert run still only reports drift", async () => {
    const runId = runIdOf(await app.post("alerts", alertFor("drift-other")));
    await settle(app);
    const run = app.host.getStatus(runId)!.output as RunReport;
    expect(run.verdict).toBe("drift");
    expect(servers("drift-other")).toEqual({ type: "REG_MULTI_SZ", value: ["ls02.contoso.com"] });
  });

  it("a sweep may not be asked to merely remediate under enforce (report or enforce only)", async () => {
    const refused = await app.post("sweeps", { policy: "remediate" });
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ error: { code: "remediation-not-allowed" } });
  });

  it("a sweep repairs broken VMs and brings drift it can see through back to the policy", async () => {
    const started = await app.post("sweeps", {});
    expect(started.status, started.body).toBe(202);
    await settle(app, 2);
    report = await sweepReport(app, (started.json as { sweepId: string }).sweepId);
    expect(report.policy).toBe("enforce");
    const check = (name: string) => report.summary.worst.find((c) => c.vmId === vmId(name));
    expect(check("drift-other")?.repair?.state).toBe("started");
    expect(check("drift-ip")?.repair?.state).toBe("started");
    expect(check("broken")?.repair?.state).toBe("started");
    // Switching the mode needs CALs the host can see: the per-device host stays as it is.
    expect(check("drift-mode")?.repair).toEqual({ state: "not-repairable", detail: "the fix needs a person (see the causes)" });
    expect(check("fine")).toBeUndefined();
  });

  it("the sweep's runs change the drift to the policy, snapshot first, and verify", async () => {
    for (const name of ["drift-other", "drift-ip"]) {
      const runId = report.summary.worst.find((c) => c.vmId === vmId(name))!.repair!.runId!;
      const run = (await app.get(`remediations/${runId}`)).json as { report: RunReport };
      expect(run.report.trigger.kind).toBe("sweep");
      expect(run.report.verdict, run.report.reason).toBe("remediated");
      expect(run.report.snapshotId).toBeTruthy();
      expect(run.report.steps.map((s) => s.step.kind)).toEqual(["set-license-servers", "restart"]);
      expect(servers(name)).toEqual({ type: "REG_MULTI_SZ", value: ["ls01.contoso.com"] });
    }
    expect(getRegValue(app.sim.getGuest(vmId("drift-mode"))!, KEYS.licensingCore, "LicensingMode")).toEqual({ type: "REG_DWORD", value: 2 });
  });
});
