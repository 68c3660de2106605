import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { REMEDIATION_SLOTS, REMEDIATION_SLOTS_KEY, type AcquireInput, type AcquireResult } from "../entities/remediation-slots";
import type { RunSettings } from "../domain/run";

export const SLOTS_ENTITY = new df.EntityId(REMEDIATION_SLOTS, REMEDIATION_SLOTS_KEY);

/**
 * Waits, durably, for one of the MAX_CONCURRENT_REMEDIATIONS slots: asks the semaphore entity, and while none is
 * free sleeps on a durable timer and asks again. Gives up (false) after the operation timeout.
 */
export function* acquireSlot(
  context: OrchestrationContext,
  max: number,
  settings: RunSettings,
  onWait: (holders: number) => void,
): Generator<df.Task, boolean, any> {
  const deadline = context.df.currentUtcDateTime.getTime() + Math.max(settings.operationTimeoutMinutes, 60) * 60_000 * 4;
  for (;;) {
    const request: AcquireInput = {
      runId: context.df.instanceId,
      max,
      now: context.df.currentUtcDateTime.toISOString(),
      staleAfterMinutes: settings.operationTimeoutMinutes * 8,
    };
    const answer: AcquireResult = yield context.df.callEntity(SLOTS_ENTITY, "acquire", request);
    if (answer.granted) return true;
    onWait(answer.holders);
    const next = context.df.currentUtcDateTime.getTime() + settings.pollIntervalSeconds * 1000;
    if (next > deadline) return false;
    yield context.df.createTimer(new Date(next));
  }
}

export function releaseSlot(context: OrchestrationContext): void {
  context.df.signalEntity(SLOTS_ENTITY, "release", context.df.instanceId);
}
