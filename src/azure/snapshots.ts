import type { OperationRef } from "../domain/operation";
import type { SnapshotRequest } from "../domain/snapshot-plan";
import type { ComputeClients } from "./compute-client";
import { submitOperation } from "./long-operations";

/** Starts an incremental copy of the OS disk. */
export function startSnapshot(clients: ComputeClients, request: SnapshotRequest): Promise<OperationRef> {
  const client = clients.forSubscription(request.subscriptionId);
  return submitOperation("snapshot", request.subscriptionId, () =>
    client.snapshots.createOrUpdate(request.resourceGroup, request.name, {
      location: request.location,
      incremental: true,
      creationData: { createOption: "Copy", sourceResourceId: request.sourceDiskId },
      tags: request.tags,
    }),
  );
}
