import { describe, expect, it } from "vitest";
import type { Scenario } from "../../../local/simulator";
import { echoRuntime, guest, SUB } from "./fixtures";
import { FAST, harnessPerTest } from "./harness";

/** A Trusted Launch VM in zone 1, a confidential VM, and a plain Gen2 VM. */
function modernScenario(): Scenario {
  const vm = (name: string, osDisk: Record<string, unknown>, zone?: string) => ({
    subscriptionId: SUB,
    resourceGroup: "rg-app",
    name,
    location: "westeurope",
    powerState: "running" as const,
    agentReady: true,
    osDisk: { name: `${name}-os`, managed: true, ...osDisk },
    ...(zone ? { zone } : {}),
    guest: guest(name.toUpperCase()),
  });
  return {
    vms: [
      vm("tl", { securityType: "TrustedLaunch" }, "1"),
      vm("cvm", { securityType: "ConfidentialVM_DiskEncryptedWithCustomerKey", secureVMDiskEncryptionSetId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/diskEncryptionSets/des1` }),
      vm("plain", {}),
    ],
  } as Scenario;
}

const diskId = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/disks/${name}`;
const snapshotId = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/snapshots/${name}`;

describe("simulator: Trusted Launch and confidential VMs, their disks and snapshots", () => {
  const start = harnessPerTest();

  it("shows the VM's and the disks' securityProfile and zones as Azure does", async () => {
    const h = await start({ scenario: modernScenario(), guestRuntime: echoRuntime() });
    const tl = await h.compute.virtualMachines.get("rg-app", "tl");
    expect(tl.securityProfile).toMatchObject({ securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
    expect(tl.zones).toEqual(["1"]);
    const tlDisk = await h.compute.disks.get("rg-app", "tl-os");
    expect(tlDisk).toMatchObject({ securityProfile: { securityType: "TrustedLaunch" }, hyperVGeneration: "V2", zones: ["1"] });
    const cvm = await h.compute.virtualMachines.get("rg-app", "cvm");
    expect(cvm.securityProfile?.securityType).toBe("ConfidentialVM");
    expect(cvm.storageProfile?.osDisk?.managedDisk?.securityProfile?.securityEncryptionType).toBe("DiskWithVMGuestState");
    const cvmDisk = await h.compute.disks.get("rg-app", "cvm-os");
    expect(cvmDisk.securityProfile).toMatchObject({ securityType: "ConfidentialVM_DiskEncryptedWithCustomerKey", secureVMDiskEncryptionSetId: expect.stringContaining("des1") });
    expect((await h.compute.virtualMachines.get("rg-app", "plain")).securityProfile).toBeUndefined();
  });

  it("a snapshot and a disk copied from it inherit the security type; naming one with Copy is refused as Azure refuses it", async () => {
    const h = await start({ scenario: modernScenario(), guestRuntime: echoRuntime() });
    await h.compute.snapshots.createOrUpdate("rg-app", "tl-snap", { location: "westeurope", incremental: true, creationData: { createOption: "Copy", sourceResourceId: diskId("tl-os") } }, FAST);
    expect((await h.compute.snapshots.get("rg-app", "tl-snap")).securityProfile?.securityType).toBe("TrustedLaunch");
    await expect(
      h.compute.disks.createOrUpdate(
        "rg-app",
        "tl-copy-typed",
        { location: "westeurope", securityProfile: { securityType: "TrustedLaunch" }, creationData: { createOption: "Copy", sourceResourceId: snapshotId("tl-snap") } },
        FAST,
      ),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: "BadRequest",
      message: "Security Type 'TrustedLaunch' is not supported for CreateOption 'Copy'. Supported create options are FromImage, Import, ImportSecure, UploadPreparedSecure.",
    });
    await expect(
      h.compute.disks.createOrUpdate(
        "rg-app",
        "tl-copy-gen1",
        { location: "westeurope", hyperVGeneration: "V1", creationData: { createOption: "Copy", sourceResourceId: snapshotId("tl-snap") } },
        FAST,
      ),
    ).rejects.toMatchObject({ statusCode: 400, code: "BadRequest" });
    const copy = await h.compute.disks.createOrUpdate(
      "rg-app",
      "tl-copy",
      { location: "westeurope", zones: ["1"], creationData: { createOption: "Copy", sourceResourceId: snapshotId("tl-snap") } },
      FAST,
    );
    expect(copy).toMatchObject({ securityProfile: { securityType: "TrustedLaunch" }, hyperVGeneration: "V2", zones: ["1"] });
  });

  it("refuses an OS disk of another security type, generation or zone for the VM, and swaps a fitting one", async () => {
    const h = await start({ scenario: modernScenario(), guestRuntime: echoRuntime(), agentReadyAfterPolls: 0 });
    const copy = (name: string, source: string, zones?: string[]) =>
      h.compute.disks.createOrUpdate("rg-app", name, { location: "westeurope", ...(zones ? { zones } : {}), creationData: { createOption: "Copy", sourceResourceId: source } }, FAST);
    await copy("plain-copy", diskId("plain-os"), ["1"]);
    await copy("tl-regional", diskId("tl-os"));
    await copy("tl-zone1", diskId("tl-os"), ["1"]);
    await h.compute.virtualMachines.deallocate("rg-app", "tl", FAST);
    const swap = (name: string) =>
      h.compute.virtualMachines.update("rg-app", "tl", { storageProfile: { osDisk: { createOption: "FromImage", managedDisk: { id: diskId(name) }, name } } }, FAST);
    await expect(swap("plain-copy")).rejects.toMatchObject({
      statusCode: 400,
      code: "BadRequest",
      message: "Security type of VM is not compatible with the security type of attached OS Disk.",
    });
    await expect(swap("tl-regional")).rejects.toMatchObject({ statusCode: 400, code: "BadRequest", message: expect.stringContaining("must be in the VM's zone") });
    await swap("tl-zone1");
    expect(h.sim.getVm(`/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/tl`)?.osDiskName).toBe("tl-zone1");
  });

  it("a scenario refuses Trusted Launch on a Gen1 disk", async () => {
    const scenario = modernScenario();
    scenario.vms[0]!.osDisk.hyperVGeneration = "V1";
    await expect(start({ scenario, guestRuntime: echoRuntime() })).rejects.toThrow(/TrustedLaunch needs hyperVGeneration V2/);
  });
});
