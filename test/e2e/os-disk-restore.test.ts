import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import { featureState, readDword } from "../../local/guest/guest-registry";
import type { OfflineApp } from "../../local/offline/offline-app";
import { alertFor, runIdOf, settle, startScenario, vmId } from "./harness";

const LICENSING_CORE = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core";
let app: OfflineApp;

beforeAll(async () => {
  // No CALs (visible from the host): the approved fix removes the RD Session Host role, which no registry rollback can undo. The in-guest
  // verification then fails: the run must put the OS disk back.
  app = await startScenario(
    [{ name: "rdsh-undo", preset: "no-cals-visible" }],
    { RESTORE_OS_DISK_ON_FAILURE: "true", NO_CALS_ACTION: "remove-rdsh-role" },
    "model",
  );
});
afterAll(async () => app?.stop());

describe("OS-disk restore after a failed verification (RESTORE_OS_DISK_ON_FAILURE=true)", () => {
  it("creates a disk from the run's snapshot, deallocates, swaps the OS disk, starts: the VM is back as it was", async () => {
    const id = vmId("rdsh-undo");
    const vmBefore = app.sim.getVm(id)!;
    const modeBefore = readDword(app.sim.getGuest(id)!, LICENSING_CORE, "LicensingMode");

    app.sim.addFault({
      match: { operation: "vm.runCommand", vmName: "rdsh-undo", script: "verify" },
      effect: { lroFailed: { code: "VMAgentStatusCommunicationError", message: "the guest agent stopped answering" } },
      times: 1,
    });
    const runId = runIdOf(await app.post("alerts", alertFor("rdsh-undo")));
    await settle(app);
    expect((await app.post(`remediations/${runId}/approve`, { comment: "checked with the license team" })).status).toBe(202);
    await settle(app, 4);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("failed-rolled-back");
    expect(report.reason).toContain("the OS disk was restored from the snapshot");
    expect(report.steps.map((s) => s.step.kind)).toEqual(["remove-rdsh-role", "restart"]);
    expect(report.restoreHint).toContain(report.snapshotId!);

    const vmAfter = app.sim.getVm(id)!;
    expect(vmAfter.powerState).toBe("running");
    expect(vmAfter.osDiskId).not.toBe(vmBefore.osDiskId);
    expect(vmAfter.osDiskId).toMatch(/\/disks\/rdpmedic-restore-rdsh-undo-/);
    // The guest is the snapshot's: the RD Session Host role is back, the licensing values as they were.
    expect(featureState(app.sim.getGuest(id)!, "RDS-RD-Server")).toBe("Installed");
    expect(readDword(app.sim.getGuest(id)!, LICENSING_CORE, "LicensingMode")).toBe(modeBefore);
    // The replaced disk is kept.
    expect(app.sim.getDisk(vmBefore.osDiskId!)).toBeDefined();

    const ops = app.sim.requestLog.entries().filter((e) => e.vmId === id || e.operation === "disk.put").map((e) => e.operation);
    const order = ["disk.put", "vm.deallocate", "vm.update", "vm.start"].map((op) => ops.indexOf(op));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
