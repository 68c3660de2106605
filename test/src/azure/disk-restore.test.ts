import type { Disk } from "@azure/arm-compute";
import { afterEach, describe, expect, it } from "vitest";
import { createStartRestoreStep } from "../../../src/activities/start-restore-step";
import { ComputeClients } from "../../../src/azure/compute-client";
import { restoredDiskProblems } from "../../../src/azure/disk-restore";
import { restoreDiskPlan } from "../../../src/domain/disk-restore";
import { parseVmId } from "../../../src/domain/resource-id";
import { type AzureSimulator, startAzureSimulator } from "../../../local/simulator";
import { echoRuntime, guest, SUB } from "../../local/simulator/fixtures";

const tl: Disk = { location: "westeurope", osType: "Windows", hyperVGeneration: "V2", securityProfile: { securityType: "TrustedLaunch" }, zones: ["1"], provisioningState: "Succeeded" };

describe("restoredDiskProblems: the disk from the snapshot must fit where the OS disk is", () => {
  it("a copy with the same security type, generation, zone and OS fits", () => {
    expect(restoredDiskProblems(tl, { ...tl })).toEqual([]);
  });
  it("a Gen1 VM's disk may leave the generation out (V1), zones compare as a set, the OS type in any case", () => {
    const gen1: Disk = { location: "westeurope", osType: "Windows", provisioningState: "Succeeded" };
    expect(restoredDiskProblems(gen1, { ...gen1, hyperVGeneration: "V1", osType: "windows" as Disk["osType"] })).toEqual([]);
    expect(restoredDiskProblems({ ...gen1, hyperVGeneration: "V1" }, gen1)).toEqual([]);
    expect(restoredDiskProblems(gen1, { ...gen1, hyperVGeneration: "V2" })).toEqual(["Hyper-V generation V2, the VM's OS disk is V1"]);
    expect(restoredDiskProblems({ ...tl, zones: ["1", "2"] }, { ...tl, zones: ["2", "1"] })).toEqual([]);
    expect(restoredDiskProblems({ ...tl, zones: ["1", "2"] }, { ...tl, zones: ["12"] })).toEqual(["zone 12, the VM's OS disk is in zone 1,2"]);
  });
  it.each([
    ["a disk that lost Trusted Launch", { securityProfile: undefined }, "security type Standard, the VM's OS disk is TrustedLaunch"],
    ["a confidential disk for a Trusted Launch VM", { securityProfile: { securityType: "ConfidentialVM_DiskEncryptedWithPlatformKey" } }, "security type ConfidentialVM_DiskEncryptedWithPlatformKey"],
    ["a Gen1 disk", { hyperVGeneration: "V1" }, "Hyper-V generation V1, the VM's OS disk is V2"],
    ["another zone", { zones: ["2"] }, "zone 2, the VM's OS disk is in zone 1"],
    ["a regional disk for a zonal VM", { zones: undefined }, "zone none, the VM's OS disk is in zone 1"],
    ["a Linux disk", { osType: "Linux" }, "OS type Linux"],
    ["a disk still being created", { provisioningState: "Updating" }, "provisioning state Updating"],
    ["a disk with no generation (Gen1) for a Gen2 VM", { hyperVGeneration: undefined }, "Hyper-V generation V1, the VM's OS disk is V2"],
    ["a disk in zones 1 and 2 read as one zone 12", { zones: ["12"] }, "zone 12, the VM's OS disk is in zone 1"],
    ["a disk with no OS type", { osType: undefined }, "OS type not set"],
    ["a disk with no provisioning state", { provisioningState: undefined }, "provisioning state unknown"],
  ] as const)("%s does not", (_what, change, problem) => {
    expect(restoredDiskProblems(tl, { ...tl, ...(change as Partial<Disk>) }).join("; ")).toContain(problem);
  });
});

let sim: AzureSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe("the restore's deallocate step checks the restored disk first (fail closed)", () => {
  it("a Trusted Launch VM is left running when the disk made for it is not Trusted Launch", async () => {
    const vm = (name: string, osDisk: Record<string, unknown>) => ({
      subscriptionId: SUB,
      resourceGroup: "rg-app",
      name,
      location: "westeurope",
      powerState: "running" as const,
      agentReady: true,
      osDisk: { name: `${name}-os`, managed: true, ...osDisk },
      guest: guest(name),
    });
    sim = await startAzureSimulator({ scenario: { vms: [vm("tl", { securityType: "TrustedLaunch" }), vm("plain", {})] } as never, guestRuntime: echoRuntime() });
    const compute = new ComputeClients(sim.tokenCredential, { armEndpoint: sim.armEndpoint, caCertPem: sim.caCertPem });
    const vmId = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/tl`;
    const input = {
      vmId,
      runId: "run-tl",
      snapshotId: "unused",
      currentOsDiskId: sim.getVm(vmId)!.osDiskId,
      location: "westeurope",
      startedAt: "2026-01-01T00:00:00.000Z",
    };
    // The disk the restore would swap in, made (as a snapshot that lost its profile would make it) without Trusted Launch.
    const plan = restoreDiskPlan(parseVmId(vmId), input.runId, new Date(input.startedAt));
    const client = compute.forSubscription(SUB);
    await client.disks.createOrUpdate("rg-app", plan.name, {
      location: "westeurope",
      creationData: { createOption: "Copy", sourceResourceId: sim.getVm(vmId.replace("/tl", "/plain"))!.osDiskId },
    }, { updateIntervalInMs: 1 });
    sim.requestLog.clear();

    const result = await createStartRestoreStep({ compute })({ ...input, step: "deallocate" });
    expect(result).toMatchObject({ ok: false, code: "restored-disk-incompatible" });
    expect((result as { message: string }).message).toContain("security type Standard, the VM's OS disk is TrustedLaunch");
    expect(sim.getVm(vmId)?.powerState).toBe("running");
    expect(sim.requestLog.entries().filter((e) => e.stateChanging)).toEqual([]);
  });
});
