/**
 * Three VMs named rdsh-01: two resource groups of one subscription, and another subscription
 * (local/scenarios/same-name.json). A run is per VM resource ID, never per name: each alert repairs its own VM,
 * runs never join across them, and a bare computer name that matches more than one is never guessed.
 */
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDword } from "../../local/guest/guest-registry";
import { startOfflineApp, type OfflineApp } from "../../local/offline/offline-app";
import { loadScenario } from "../../local/offline/scenario-file";
import { instanceIdForVm, parseVmId } from "../../src/domain/resource-id";
import type { RunReport } from "../../src/domain/run";
import { alertFor, FOREIGN_SUB, requestsFor, settle, SUB, vmId } from "./harness";

const SCENARIOS = join(__dirname, "../../local/scenarios");
const LICENSING_CORE = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core";
const here = vmId("rdsh-01", SUB, "rg-rdsh");
const west = vmId("rdsh-01", SUB, "rg-rdsh-west");
const there = vmId("rdsh-01", FOREIGN_SUB, "rg-rdsh");

let app: OfflineApp;
beforeAll(async () => {
  app = await startOfflineApp({ scenario: loadScenario(join(SCENARIOS, "same-name.json")), guest: "model" });
});
afterAll(async () => app?.stop());

type Runs = { runs: Array<{ vmId: string; runId: string; state: string }>; rejected: Array<{ target: string; code: string }> };

describe("three VMs with the same name", () => {
  it("the scenario's alert names two of them: two runs, each on its own VM, with the pinned instance IDs", async () => {
    const response = await app.post("alerts", JSON.parse(readFileSync(join(SCENARIOS, "same-name-alert.json"), "utf8")));
    expect(response.status, response.body).toBe(202);
    const body = response.json as Runs;
    expect(body.runs.map((r) => [r.vmId, r.runId, r.state])).toEqual([
      [here, "rdpmedic-rdsh-01-1c3b1cb1d3cdf3c9", "started"],
      [there, instanceIdForVm(parseVmId(there)), "started"],
    ]);
    await settle(app);
    const reports = body.runs.map((r) => app.host.getStatus(r.runId)!.output as RunReport);
    expect(reports.map((r) => [r.vmId, r.verdict])).toEqual([
      [here, "remediated"],
      [there, "remediated"],
    ]);
    // Each run changed only its own VM; the third rdsh-01 was not touched at all.
    for (const [id, report] of [[here, reports[0]!], [there, reports[1]!]] as const) {
      const changes = requestsFor(app.sim.requestLog.entries(), id).filter((e) => e.stateChanging && e.operation !== "snapshot.put");
      expect(changes.length, id).toBeGreaterThan(0);
      // Its snapshot is in its own resource group and subscription.
      expect(report.snapshotId!.startsWith(`${id.split("/providers/")[0]!}/providers/microsoft.compute/snapshots/rdpmedic-rdsh-01-`)).toBe(true);
    }
    expect(requestsFor(app.sim.requestLog.entries(), west).filter((e) => e.stateChanging)).toEqual([]);
    expect(readDword(app.sim.getGuest(here)!, LICENSING_CORE, "LicensingMode")).toBe(4);
  });

  it("an alert for the one in the other resource group starts its own run, not the finished one of its namesake", async () => {
    const response = await app.post("alerts", alertFor(west));
    const run = (response.json as Runs).runs[0]!;
    expect(run.vmId).toBe(west);
    expect(run.runId).toBe(instanceIdForVm(parseVmId(west)));
    expect(new Set([run.runId, instanceIdForVm(parseVmId(here)), instanceIdForVm(parseVmId(there))]).size).toBe(3);
    await settle(app);
    expect((app.host.getStatus(run.runId)!.output as RunReport).verdict).toBe("healthy");
  });

  it("a bare computer name that three VMs share is refused as ambiguous, never resolved to one of them", async () => {
    const alert = alertFor(here) as { data: { alertContext: { condition: { allOf: Array<{ dimensions: unknown[] }> } } } };
    alert.data.alertContext.condition.allOf = [{ dimensions: [{ name: "Computer", value: "RDSH-01" }] }];
    const response = await app.post("alerts", alert);
    expect(response.status).toBe(422);
    expect(response.json).toMatchObject({ error: { code: "no-vm-target" } });
  });
});
