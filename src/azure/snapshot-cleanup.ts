import type { Scope } from "../domain/scope";
import type { SnapshotRef } from "../domain/snapshot-expiry";
import { classifyArmError } from "./arm-errors";
import type { ComputeClients } from "./compute-client";
import { toAzureError } from "./long-operations";

/** What the expiry check needs to know about a snapshot; nothing else is kept. */
export interface SnapshotRecord {
  id: string;
  name: string;
  tags: Record<string, string>;
  timeCreated: string | undefined;
}

/**
 * The answer to one DELETE. `accepted`: ARM took it (202, or 200/204 when already done); the deletion finishes on
 * its own and is not waited for. `conflict`: 409, the snapshot is busy (e.g. a disk is being created from it).
 */
export type SnapshotDeleteOutcome =
  | { outcome: "accepted" }
  | { outcome: "conflict"; code: string; message: string }
  | { outcome: "not-found"; code: string }
  | { outcome: "failed"; code: string; message: string; transient: boolean };

/** Listing and deleting snapshots: the expiry activity's only access to Azure. */
export interface SnapshotStore {
  /** Every snapshot in the scope: `snapshots.list()` for a subscription, `listByResourceGroup` for a group. */
  list(scope: Scope): Promise<SnapshotRecord[]>;
  delete(snapshot: SnapshotRef): Promise<SnapshotDeleteOutcome>;
}

export function computeSnapshotStore(clients: ComputeClients): SnapshotStore {
  return {
    list: (scope) => listSnapshots(clients, scope),
    delete: (snapshot) => deleteSnapshot(clients, snapshot),
  };
}

/** Throws TransientAzureError or AzureOperationError (with the ARM code) when the listing fails. */
export async function listSnapshots(clients: ComputeClients, scope: Scope): Promise<SnapshotRecord[]> {
  const client = clients.forSubscription(scope.subscriptionId);
  const pages = scope.resourceGroup === undefined ? client.snapshots.list() : client.snapshots.listByResourceGroup(scope.resourceGroup);
  const records: SnapshotRecord[] = [];
  try {
    for await (const snapshot of pages) {
      if (!snapshot.id || !snapshot.name) continue;
      records.push({
        id: snapshot.id,
        name: snapshot.name,
        tags: { ...(snapshot.tags ?? {}) },
        timeCreated: snapshot.timeCreated?.toISOString(),
      });
    }
  } catch (error) {
    throw toAzureError(error);
  }
  return records;
}

/**
 * Sends the DELETE and returns once ARM has answered it, without polling the operation: deleting is safe to leave
 * running, and a deletion that fails later leaves the snapshot listed and expired, so the next run tries again.
 */
export async function deleteSnapshot(clients: ComputeClients, snapshot: SnapshotRef): Promise<SnapshotDeleteOutcome> {
  const client = clients.forSubscription(snapshot.subscriptionId);
  // The poller is a thenable: awaiting it (or returning it from an async function) would poll to the end.
  const holder = { poller: client.snapshots.delete(snapshot.resourceGroup, snapshot.name) };
  try {
    await holder.poller.submitted();
  } catch (error) {
    return deleteFailure(error);
  }
  return { outcome: "accepted" };
}

export function deleteFailure(error: unknown): SnapshotDeleteOutcome {
  const failure = classifyArmError(error);
  if (failure.statusCode === 409) return { outcome: "conflict", code: failure.code, message: failure.message };
  if (failure.statusCode === 404) return { outcome: "not-found", code: failure.code };
  return { outcome: "failed", code: failure.code, message: failure.message, transient: failure.transient };
}
