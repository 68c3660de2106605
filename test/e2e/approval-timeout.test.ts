import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import { featureState } from "../../local/guest/guest-registry";
import type { OfflineApp } from "../../local/offline/offline-app";
import { alertFor, requestsFor, runIdOf, settle, startScenario, vmId } from "./harness";

let app: OfflineApp;
beforeAll(async () => {
  app = await startScenario(
    [
      { name: "rdsh-wait", preset: "no-cals-visible" },
      { name: "rdsh-cancel", preset: "no-cals-visible" },
    ],
    { NO_CALS_ACTION: "remove-rdsh-role", APPROVAL_TIMEOUT_HOURS: "4" },
    "model",
  );
});
afterAll(async () => app?.stop());

function changes(name: string) {
  return requestsFor(app.sim.requestLog.entries(), vmId(name)).filter((e) => e.stateChanging && e.operation !== "snapshot.put");
}

describe("approval timeout and cancel", () => {
  it("with nobody answering, the run ends after APPROVAL_TIMEOUT_HOURS with no change", async () => {
    const runId = runIdOf(await app.post("alerts", alertFor("rdsh-wait")));
    await settle(app, 1);
    expect(app.host.getStatus(runId)!.runtimeStatus).toBe("Running");
    await settle(app, 5);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict).toBe("needs-human");
    expect(report.reason).toContain("no approval within 4 h");
    expect(changes("rdsh-wait")).toEqual([]);
    expect(featureState(app.sim.getGuest(vmId("rdsh-wait"))!, "RDS-RD-Server")).toBe("Installed");
  });

  it("cancel while awaiting approval ends the run canceled with no change", async () => {
    const runId = runIdOf(await app.post("alerts", alertFor("rdsh-cancel")));
    await settle(app, 1);
    expect((await app.post(`remediations/${runId}/cancel`, { comment: "ops stopped it" })).status).toBe(202);
    await settle(app, 1);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict).toBe("canceled");
    expect(changes("rdsh-cancel")).toEqual([]);
  });
});
