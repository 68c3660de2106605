import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import { featureState, readDword } from "../../local/guest/guest-registry";
import type { OfflineApp } from "../../local/offline/offline-app";
import { VARIANT_AXES, type VariantAxis, type VariantChoices } from "../../local/simulator";
import { alertFor, runIdOf, settle, startScenario, vmId, type VmSpec } from "./harness";

const LICENSING_CORE = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core";

/**
 * The VMs a restore must put back: a plain Gen2 VM, Trusted Launch VMs (the default for new Gen2 Windows VMs), one
 * in an availability zone, a confidential VM, and a zonal plain one. Each meets Azure answering the restore's
 * operations another way (disk PUT, VM PATCH with or without a final body, deallocate, start).
 */
const RESTORE_AXES: VariantAxis[] = ["disk.put", "vm.update", "finalBody", "vm.deallocate", "vm.start", "power"];
const VMS: Array<Pick<VmSpec, "name" | "osDisk" | "zone">> = [
  { name: "rdsh-undo" },
  { name: "rdsh-tl-zonal", osDisk: { securityType: "TrustedLaunch" }, zone: "1" },
  { name: "rdsh-cvm", osDisk: { securityType: "ConfidentialVM_DiskEncryptedWithPlatformKey" } },
  { name: "rdsh-tl", osDisk: { securityType: "TrustedLaunch" } },
  { name: "rdsh-zonal", zone: "2" },
];

function variantsOf(i: number): Partial<VariantChoices> {
  const out: Record<string, string> = {};
  for (const axis of RESTORE_AXES) out[axis] = VARIANT_AXES[axis][i % VARIANT_AXES[axis].length] as string;
  return out as Partial<VariantChoices>;
}

let app: OfflineApp;
const before = new Map<string, { osDiskId: string; mode: number | null; securityType: string; zones: string[] | undefined }>();
const reports = new Map<string, RunReport>();

beforeAll(async () => {
  // No CALs: the approved fix removes the RD Session Host role, which no registry rollback can undo. The in-guest
  // verification then fails: the run must put the OS disk back.
  app = await startScenario(
    VMS.map((vm, i) => ({ ...vm, preset: "no-cals-visible", variants: variantsOf(i) })),
    { RESTORE_OS_DISK_ON_FAILURE: "true", NO_CALS_ACTION: "remove-rdsh-role" },
    "model",
  );
  const runs = new Map<string, string>();
  for (const { name } of VMS) {
    const id = vmId(name);
    const vm = app.sim.getVm(id)!;
    before.set(name, {
      osDiskId: vm.osDiskId,
      mode: readDword(app.sim.getGuest(id)!, LICENSING_CORE, "LicensingMode"),
      securityType: app.sim.getDisk(vm.osDiskId)!.securityType,
      zones: app.sim.getDisk(vm.osDiskId)!.zones,
    });
    app.sim.addFault({
      match: { operation: "vm.runCommand", vmName: name, script: "verify" },
      effect: { lroFailed: { code: "VMAgentStatusCommunicationError", message: "the guest agent stopped answering" } },
      times: 1,
    });
    runs.set(name, runIdOf(await app.post("alerts", alertFor(name))));
  }
  await settle(app);
  for (const runId of runs.values()) expect((await app.post(`remediations/${runId}/approve`, { comment: "checked with the license team" })).status).toBe(202);
  await settle(app, 4);
  for (const [name, runId] of runs) reports.set(name, app.host.getStatus(runId)!.output as RunReport);
}, 240_000);
afterAll(async () => app?.stop());

describe("OS-disk restore of Trusted Launch, confidential and zonal VMs, through Azure's response variants", () => {
  it.each(VMS.map((vm) => vm.name))("%s: a disk from the run's snapshot, deallocate, swap, start: the VM is back as it was", (name) => {
    const id = vmId(name);
    const vmBefore = before.get(name)!;
    const report = reports.get(name)!;
    expect(report.verdict, report.reason).toBe("failed-rolled-back");
    expect(report.reason).toContain("the OS disk was restored from the snapshot");
    expect(report.steps.map((s) => s.step.kind)).toEqual(["remove-rdsh-role", "restart"]);
    expect(report.restoreHint).toContain(report.snapshotId!);

    const vmAfter = app.sim.getVm(id)!;
    expect(vmAfter.powerState).toBe("running");
    expect(vmAfter.osDiskId).not.toBe(vmBefore.osDiskId);
    expect(vmAfter.osDiskId).toMatch(new RegExp(`/disks/rdpmedic-restore-${name}-`));
    // The guest is the snapshot's: the RD Session Host role is back, the licensing values as they were.
    expect(featureState(app.sim.getGuest(id)!, "RDS-RD-Server")).toBe("Installed");
    expect(readDword(app.sim.getGuest(id)!, LICENSING_CORE, "LicensingMode")).toBe(vmBefore.mode);
    // The replaced disk is kept.
    expect(app.sim.getDisk(vmBefore.osDiskId)).toBeDefined();

    const ops = app.sim.requestLog.entries().filter((e) => e.vmId === id).map((e) => e.operation);
    const order = ["disk.put", "vm.deallocate", "vm.update", "vm.start"].map((op) => ops.indexOf(op));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it.each(VMS.map((vm) => vm.name))("%s: the restored disk is one the VM accepts: its security type, Gen2, its zone", (name) => {
    const vmBefore = before.get(name)!;
    const vmAfter = app.sim.getVm(vmId(name))!;
    const disk = app.sim.getDisk(vmAfter.osDiskId)!;
    expect(disk.securityType).toBe(vmBefore.securityType);
    expect(disk.hyperVGeneration).toBe("V2");
    expect(disk.zones).toEqual(vmBefore.zones);
    expect(vmAfter.securityType).toBe(vmBefore.securityType === "Standard" ? "Standard" : vmBefore.securityType.startsWith("Confidential") ? "ConfidentialVM" : "TrustedLaunch");
    // The disk request named no security type: Azure refuses one with createOption Copy; the copy inherits it.
    const put = app.sim.requestLog.entries().find((e) => e.operation === "disk.put" && e.vmId === vmId(name));
    expect(put?.status === 200 || put?.status === 202).toBe(true);
  });

  it("met every value of every restore axis at least once", () => {
    const used = new Set(app.sim.requestLog.entries().flatMap((e) => e.variants ?? []));
    for (const axis of RESTORE_AXES) {
      for (const value of VARIANT_AXES[axis]) expect(used, `${axis}=${value}`).toContain(`${axis}=${value}`);
    }
  });
});
