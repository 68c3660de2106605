import type { OperationRef } from "../domain/operation";
import type { RestoreDiskPlan } from "../domain/disk-restore";
import type { VmRef } from "../domain/resource-id";
import type { ComputeClients } from "./compute-client";
import { submitOperation } from "./long-operations";

/** Creates a managed disk from the run's snapshot, matching the current OS disk's SKU, generation and zone. */
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
