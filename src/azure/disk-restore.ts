import type { Disk } from "@azure/arm-compute";
import type { OperationRef } from "../domain/operation";
import { AzureOperationError } from "../errors";
import type { RestoreDiskPlan } from "../domain/disk-restore";
import type { VmRef } from "../domain/resource-id";
import type { ComputeClients } from "./compute-client";
import { submitOperation, toAzureError } from "./long-operations";

/**
 * Creates a managed disk from the run's snapshot, matching the current OS disk's SKU, generation and zone. Its
 * security type (Trusted Launch, confidential) is not named: a copy inherits the snapshot's, which the snapshot
 * took from the OS disk, and Azure refuses a security type with createOption Copy ("Security Type 'TrustedLaunch'
 * is not supported for CreateOption 'Copy'"). checkRestoredDisk then proves the copy fits before the VM is touched.
 */
export async function startDiskFromSnapshot(
  clients: ComputeClients,
  plan: RestoreDiskPlan,
  source: { snapshotId: string; currentOsDiskId: string; location: string },
): Promise<OperationRef> {
  const client = clients.forSubscription(plan.subscriptionId);
  const current = parseDiskId(source.currentOsDiskId);
  const original = await client.disks.get(current.resourceGroup, current.name);
  return submitOperation("diskCreate", plan.subscriptionId, () =>
    client.disks.createOrUpdate(plan.resourceGroup, plan.name, {
      location: source.location,
      ...(original.sku ? { sku: original.sku } : {}),
      ...(original.zones ? { zones: original.zones } : {}),
      osType: "Windows",
      ...(original.hyperVGeneration ? { hyperVGeneration: original.hyperVGeneration } : {}),
      creationData: { createOption: "Copy", sourceResourceId: source.snapshotId },
      tags: plan.tags,
    }),
  );
}

/**
 * The disk made from the snapshot must be one the VM accepts: the OS disk's security type, Hyper-V generation,
 * zone and OS, and created. Checked before the VM is deallocated, so that a disk Azure would refuse (a snapshot
 * that lost its Trusted Launch profile, another zone) leaves the VM running as it is.
 */
export async function checkRestoredDisk(clients: ComputeClients, disk: RestoreDiskPlan, currentOsDiskId: string): Promise<void> {
  const client = clients.forSubscription(disk.subscriptionId);
  const current = parseDiskId(currentOsDiskId);
  let original: Disk;
  let restored: Disk;
  try {
    [original, restored] = await Promise.all([client.disks.get(current.resourceGroup, current.name), client.disks.get(disk.resourceGroup, disk.name)]);
  } catch (error) {
    throw toAzureError(error);
  }
  const problems = restoredDiskProblems(original, restored);
  if (problems.length > 0) {
    throw new AzureOperationError("restored-disk-incompatible", `the disk made from the snapshot does not fit the VM (${problems.join("; ")}); the VM was left as it was`);
  }
}

/** Why a restored OS disk would not fit where the original one is; empty when it fits. */
export function restoredDiskProblems(original: Disk, restored: Disk): string[] {
  const problems: string[] = [];
  const securityOf = (d: Disk) => d.securityProfile?.securityType ?? "Standard";
  if (securityOf(restored) !== securityOf(original)) problems.push(`security type ${securityOf(restored)}, the VM's OS disk is ${securityOf(original)}`);
  if ((restored.hyperVGeneration ?? "V1") !== (original.hyperVGeneration ?? "V1")) {
    problems.push(`Hyper-V generation ${restored.hyperVGeneration ?? "V1"}, the VM's OS disk is ${original.hyperVGeneration ?? "V1"}`);
  }
  const zonesOf = (d: Disk) => [...(d.zones ?? [])].sort().join(",") || "none";
  if (zonesOf(restored) !== zonesOf(original)) problems.push(`zone ${zonesOf(restored)}, the VM's OS disk is in zone ${zonesOf(original)}`);
  if ((restored.osType ?? "").toLowerCase() !== "windows") problems.push(`OS type ${restored.osType ?? "not set"}`);
  if (restored.provisioningState !== "Succeeded") problems.push(`provisioning state ${restored.provisioningState ?? "unknown"}`);
  return problems;
}

export function startDeallocate(clients: ComputeClients, vm: VmRef): Promise<OperationRef> {
  const client = clients.forSubscription(vm.subscriptionId);
  return submitOperation("deallocate", vm.subscriptionId, () => client.virtualMachines.deallocate(vm.resourceGroup, vm.name));
}

/** Points the (deallocated) VM at the restored disk; the old OS disk stays, detached. */
export async function startSwapOsDisk(clients: ComputeClients, vm: VmRef, disk: RestoreDiskPlan): Promise<OperationRef> {
  const client = clients.forSubscription(vm.subscriptionId);
  // The patch keeps the OS disk's create option as it is (changing it is refused); only the disk changes.
  const current = await client.virtualMachines.get(vm.resourceGroup, vm.name);
  const createOption = current.storageProfile?.osDisk?.createOption ?? "FromImage";
  return submitOperation("vmUpdate", vm.subscriptionId, () =>
    client.virtualMachines.update(vm.resourceGroup, vm.name, {
      storageProfile: { osDisk: { createOption, managedDisk: { id: disk.id }, name: disk.name } },
    }),
  );
}

export function startVm(clients: ComputeClients, vm: VmRef): Promise<OperationRef> {
  const client = clients.forSubscription(vm.subscriptionId);
  return submitOperation("start", vm.subscriptionId, () => client.virtualMachines.start(vm.resourceGroup, vm.name));
}

function parseDiskId(id: string): { resourceGroup: string; name: string } {
  const match = /\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/disks\/([^/]+)$/i.exec(id);
  if (!match) throw new Error(`not a managed disk ID: ${id}`);
  return { resourceGroup: match[1]!, name: match[2]! };
}
