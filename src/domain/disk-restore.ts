import { CREATED_BY_VALUE, SNAPSHOT_TAGS } from "./snapshot-plan";
import type { VmRef } from "./resource-id";

/** The OS-disk restore, in order: a disk from the run's snapshot, then deallocate, swap the OS disk, start. */
export const RESTORE_STEPS = ["create-disk", "deallocate", "swap-os-disk", "start"] as const;
export type RestoreStep = (typeof RESTORE_STEPS)[number];

export interface RestoreDiskPlan {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  id: string;
  tags: Record<string, string>;
}

/** The new OS disk: named for the VM and time, in the VM's resource group, tagged as ours. */
export function restoreDiskPlan(vm: VmRef, runId: string, now: Date): RestoreDiskPlan {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "z").replace("T", "t").toLowerCase();
  const name = `rdpmedic-restore-${vm.name}`.slice(0, 60) + `-${stamp}`;
  return {
    subscriptionId: vm.subscriptionId,
    resourceGroup: vm.resourceGroup,
    name,
    id: `/subscriptions/${vm.subscriptionId}/resourcegroups/${vm.resourceGroup}/providers/microsoft.compute/disks/${name}`,
    tags: { [SNAPSHOT_TAGS.createdBy]: CREATED_BY_VALUE, [SNAPSHOT_TAGS.run]: runId, [SNAPSHOT_TAGS.vm]: vm.id },
  };
}
