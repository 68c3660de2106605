import { startSnapshot } from "../azure/snapshots";
import { parseVmId } from "../domain/resource-id";
import { snapshotId, snapshotRequest } from "../domain/snapshot-plan";
import { permanentFailure } from "./permanent-failure";
import type { StartSnapshotInput, StartSnapshotResult } from "./contracts";
import type { ActivityDeps } from "./deps";

export function createStartSnapshot(deps: ActivityDeps) {
  return async (input: StartSnapshotInput): Promise<StartSnapshotResult> => {
    const request = snapshotRequest({
      vm: parseVmId(input.vmId),
      runId: input.runId,
      location: input.location,
      osDiskId: input.osDiskId,
      now: deps.now(),
      retentionDays: deps.config.snapshotRetentionDays,
    });
    try {
      const operation = await startSnapshot(deps.compute, request);
      return { ok: true, operation, snapshotId: snapshotId(request) };
    } catch (error) {
      return permanentFailure(error);
    }
  };
}

