import { computeSnapshotStore, type SnapshotDeleteOutcome, type SnapshotRecord, type SnapshotStore } from "../azure/snapshot-cleanup";
import type { ComputeClients } from "../azure/compute-client";
import type { Config } from "../config";
import { formatScope, type Scope } from "../domain/scope";
import { decideSnapshotExpiry, parseSnapshotId, type KeepReason } from "../domain/snapshot-expiry";
import { RdpMedicError } from "../errors";

export const EXPIRE_SNAPSHOTS_ACTIVITY = "ExpireSnapshots";

/** Most deletions one run sends; the rest are kept as "deferred" and deleted by later runs. */
export const MAX_DELETIONS_PER_RUN = 200;
/** DELETEs in flight at once. */
const DELETE_CONCURRENCY = 4;

export interface ExpireSnapshotsDeps {
  config: Pick<Config, "allowedScopes">;
  snapshots: SnapshotStore;
  now(): Date;
  maxDeletions?: number;
}

export interface ExpireSnapshotsResult {
  /** Snapshots listed in the allowed scopes (each counted once). */
  examined: number;
  /** IDs whose DELETE ARM accepted. */
  deleted: string[];
  kept: Array<{ id: string; reason: KeepReason; detail?: string }>;
  /** Snapshots whose DELETE failed, and scopes whose listing failed (the scope as its ID). */
  failed: Array<{ id: string; code: string }>;
}

/**
 * Deletes the expired snapshots this service created in the allowed scopes, and nothing else (invariant 7).
 * Every problem is a result entry, never a throw: one bad snapshot or scope does not stop the rest, and whatever
 * is left is found again by the next run.
 */
export function createExpireSnapshots(deps: ExpireSnapshotsDeps) {
  const maxDeletions = deps.maxDeletions ?? MAX_DELETIONS_PER_RUN;
  return async (_input?: unknown): Promise<ExpireSnapshotsResult> => {
    const now = deps.now();
    const scopes = deps.config.allowedScopes;
    const result: ExpireSnapshotsResult = { examined: 0, deleted: [], kept: [], failed: [] };

    const listed = new Map<string, SnapshotRecord>();
    for (const scope of listingScopes(scopes)) {
      try {
        for (const record of await deps.snapshots.list(scope)) listed.set(record.id.toLowerCase(), record);
      } catch (error) {
        result.failed.push({ id: formatScope(scope), code: errorCode(error) });
      }
    }
    result.examined = listed.size;

    const due: Array<{ record: SnapshotRecord; expiresAt: number }> = [];
    for (const record of listed.values()) {
      const decision = decideSnapshotExpiry(record, now, scopes);
      if (decision.action === "delete") due.push({ record, expiresAt: decision.expiresAt.getTime() });
      else result.kept.push(decision.detail === undefined ? { id: record.id, reason: decision.reason } : { id: record.id, reason: decision.reason, detail: decision.detail });
    }
    // Longest expired first, so a backlog drains in a stable order across runs.
    due.sort((a, b) => a.expiresAt - b.expiresAt || a.record.id.localeCompare(b.record.id));
    for (const { record } of due.slice(maxDeletions)) result.kept.push({ id: record.id, reason: "deferred" });

    await forEachLimited(due.slice(0, maxDeletions), DELETE_CONCURRENCY, async ({ record }) => {
      let outcome: SnapshotDeleteOutcome;
      try {
        outcome = await deps.snapshots.delete(parseSnapshotId(record.id)!);
      } catch (error) {
        outcome = { outcome: "failed", code: errorCode(error), message: String(error), transient: false };
      }
      switch (outcome.outcome) {
        case "accepted":
          result.deleted.push(record.id);
          break;
        case "conflict":
          result.kept.push({ id: record.id, reason: "in-use", detail: outcome.code });
          break;
        case "not-found":
          result.kept.push({ id: record.id, reason: "already-gone" });
          break;
        case "failed":
          result.failed.push({ id: record.id, code: outcome.code });
          break;
      }
    });
    return result;
  };
}

/** The activity as the app registers it: the store over the app's Compute clients. */
export function createExpireSnapshotsForApp(deps: { compute: ComputeClients; config: Pick<Config, "allowedScopes">; now(): Date }) {
  return createExpireSnapshots({ config: deps.config, now: deps.now, snapshots: computeSnapshotStore(deps.compute) });
}

/** A group inside an allowed subscription is listed with its subscription, not twice. */
function listingScopes(scopes: readonly Scope[]): Scope[] {
  const subscriptions = new Set(scopes.filter((s) => s.resourceGroup === undefined).map((s) => s.subscriptionId));
  const seen = new Set<string>();
  return scopes.filter((s) => {
    const key = formatScope(s);
    if (seen.has(key) || (s.resourceGroup !== undefined && subscriptions.has(s.subscriptionId))) return false;
    seen.add(key);
    return true;
  });
}

function errorCode(error: unknown): string {
  return error instanceof RdpMedicError ? error.code : "Error";
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
