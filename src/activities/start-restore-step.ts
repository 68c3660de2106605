import { checkRestoredDisk, startDeallocate, startDiskFromSnapshot, startSwapOsDisk, startVm } from "../azure/disk-restore";
import { restoreDiskPlan, type RestoreStep } from "../domain/disk-restore";
import { parseVmId } from "../domain/resource-id";
import type { StartedOperation } from "./contracts";
import type { ActivityDeps } from "./deps";
import { permanentFailure } from "./permanent-failure";

export interface StartRestoreStepInput {
  step: RestoreStep;
  vmId: string;
  runId: string;
  snapshotId: string;
  currentOsDiskId: string;
  location: string;
  /** When the restore began (orchestration time): names the new disk the same way in every step. */
  startedAt: string;
}

/** Starts one step of the OS-disk restore; the orchestration polls it like any long operation. */
export function createStartRestoreStep(deps: Pick<ActivityDeps, "compute">) {
  return async (input: StartRestoreStepInput): Promise<StartedOperation & { diskId?: string }> => {
    const vm = parseVmId(input.vmId);
    const disk = restoreDiskPlan(vm, input.runId, new Date(input.startedAt));
    try {
      switch (input.step) {
        case "create-disk":
          return {
            ok: true,
            diskId: disk.id,
            operation: await startDiskFromSnapshot(deps.compute, disk, {
              snapshotId: input.snapshotId,
              currentOsDiskId: input.currentOsDiskId,
              location: input.location,
            }),
          };
        case "deallocate":
          // The VM goes down only for a disk it will accept.
          await checkRestoredDisk(deps.compute, disk, input.currentOsDiskId);
          return { ok: true, operation: await startDeallocate(deps.compute, vm) };
        case "swap-os-disk":
          return { ok: true, diskId: disk.id, operation: await startSwapOsDisk(deps.compute, vm, disk) };
        case "start":
          return { ok: true, operation: await startVm(deps.compute, vm) };
      }
    } catch (error) {
      return permanentFailure(error);
    }
  };
}
