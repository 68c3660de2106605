import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { RESTORE_ACTIVITIES, type FinishedOperation, type StartedOperation } from "../activities/contracts";
import type { StartRestoreStepInput } from "../activities/start-restore-step";
import { RESTORE_STEPS } from "../domain/disk-restore";
import type { RunSettings } from "../domain/run";
import { AZURE_RETRY, waitForOperation } from "./wait-for-operation";

export type OsDiskRestoreOutcome = { ok: true; diskId: string } | { ok: false; step: string; error: string };

/**
 * Puts the OS disk back as it was when the run's snapshot was taken: a new managed disk from the snapshot,
 * deallocate, swap the OS disk, start. The replaced disk is kept, detached, for a person to inspect or delete.
 */
export function* restoreOsDisk(
  context: OrchestrationContext,
  input: Omit<StartRestoreStepInput, "step" | "startedAt">,
  settings: RunSettings,
  onStep: (step: string) => void,
): Generator<df.Task, OsDiskRestoreOutcome, any> {
  const startedAt = context.df.currentUtcDateTime.toISOString();
  let diskId = "";
  for (const step of RESTORE_STEPS) {
    onStep(step);
    const started: StartedOperation & { diskId?: string } = yield context.df.callActivityWithRetry(
      RESTORE_ACTIVITIES.startRestoreStep,
      AZURE_RETRY,
      { ...input, step, startedAt } satisfies StartRestoreStepInput,
    );
    if (!started.ok) return { ok: false, step, error: `${started.code}: ${started.message}` };
    diskId = started.diskId ?? diskId;
    const done: FinishedOperation = yield* waitForOperation(context, started.operation, settings.pollIntervalSeconds, settings.operationTimeoutMinutes);
    if (done.status !== "succeeded") return { ok: false, step, error: `${done.code}: ${done.message}` };
  }
  return { ok: true, diskId };
}
