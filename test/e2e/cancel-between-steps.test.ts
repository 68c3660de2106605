import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import { startOfflineApp, type OfflineApp } from "../../local/offline/offline-app";
import { resolveScenario } from "../../local/offline/scenario-file";
import { alertFor, requestsFor, runIdOf, SUB, vmId, e2eSimulator } from "./harness";

let app: OfflineApp;
beforeAll(async () => {
  const scenario = resolveScenario(
    {
      vms: [
        {
          subscriptionId: SUB,
          resourceGroup: "rg-rdsh",
          name: "rdsh-stop",
          location: "westeurope",
          powerState: "running",
          agentReady: true,
          osDisk: { name: "rdsh-stop-os", managed: true },
          guestPreset: "demo-broken",
          // The cancel must land while the first fix step runs: its Run Command is polled (not done in its first answer).
          variants: { "vm.runCommand": "202-both" },
        },
      ],
    },
    new Date(),
  );
  // Some latency per Azure answer leaves room to ask for a cancel while a step runs.
  const settings = { ALLOWED_SCOPES: `/subscriptions/${SUB}` };
  app = await startOfflineApp({ scenario, guest: "model", simulator: { ...e2eSimulator(settings, "cancel-between-steps"), latencyMs: 40 }, settings });
});
afterAll(async () => app?.stop());

describe("cancel between steps", () => {
  it("a cancel during the first step stops the run before the next step", async () => {
    const id = vmId("rdsh-stop");
    const runId = runIdOf(await app.post("alerts", alertFor("rdsh-stop")));
    const running = app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 3_600_000) });
    const firstStep = () => requestsFor(app.sim.requestLog.entries(), id).some((e) => e.script === "set-licensing-mode");
    for (let i = 0; i < 400 && !firstStep(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(firstStep()).toBe(true);
    expect((await app.post(`remediations/${runId}/cancel`, { comment: "ops stopped it" })).status).toBe(202);
    await running;
    await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 3_600_000) });

    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict).toBe("canceled");
    expect(report.reason).toMatch(/canceled before step 2/);
    expect(report.restoreHint).toContain(report.snapshotId!);
    const scripts = requestsFor(app.sim.requestLog.entries(), id).filter((e) => e.operation === "vm.runCommand").map((e) => e.script);
    expect(scripts).toEqual(["probe", "set-licensing-mode"]);
  });
});
