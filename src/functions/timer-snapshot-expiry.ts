import { app, type InvocationContext, type Timer } from "@azure/functions";
import { createExpireSnapshotsForApp, type ExpireSnapshotsResult } from "../activities/expire-snapshots";
import { loadConfig } from "../config";
import { appContext } from "./app-context";

/**
 * Deletes the expired snapshots this app created (SNAPSHOT_EXPIRY_SCHEDULE). The timer does the work itself, with
 * no orchestration: one listing per scope and at most 200 DELETEs that are sent, not waited for, take seconds; the
 * run keeps no state (everything is read again from the tags), so an interrupted run is simply finished by the
 * next one. The timer trigger's lease keeps two instances from running it at once.
 */
export async function handleSnapshotExpiry(timer: Timer, context: InvocationContext): Promise<ExpireSnapshotsResult> {
  const result = await createExpireSnapshotsForApp(appContext())();
  context.log(summary(result, timer.isPastDue));
  for (const id of result.deleted) context.log(`snapshot expiry: deleting ${id}`);
  for (const failure of result.failed) context.warn(`snapshot expiry: ${failure.id} failed: ${failure.code}`);
  return result;
}

function summary(result: ExpireSnapshotsResult, pastDue: boolean): string {
  const reasons = new Map<string, number>();
  for (const k of result.kept) reasons.set(k.reason, (reasons.get(k.reason) ?? 0) + 1);
  const kept = [...reasons].map(([reason, n]) => `${reason} ${n}`).join(", ");
  return (
    `snapshot expiry${pastDue ? " (past due)" : ""}: examined ${result.examined}, deleting ${result.deleted.length}, ` +
    `kept ${result.kept.length}${kept ? ` (${kept})` : ""}, failed ${result.failed.length}`
  );
}

app.timer("SnapshotExpiryTimer", {
  // The validated setting (or its default), not %SNAPSHOT_EXPIRY_SCHEDULE%: the host would refuse to start without it.
  schedule: loadConfig().snapshotExpirySchedule,
  handler: handleSnapshotExpiry,
});
