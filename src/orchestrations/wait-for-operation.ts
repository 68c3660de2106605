import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITY, type FinishedOperation, type PollResult } from "../activities/contracts";
import type { OperationRef } from "../domain/operation";

/** Transient Azure faults (429, 5xx, Run Command busy) are retried with backoff by the host. */
export const AZURE_RETRY = new df.RetryOptions(5_000, 5);
AZURE_RETRY.backoffCoefficient = 2;
AZURE_RETRY.maxRetryIntervalInMilliseconds = 60_000;

/**
 * Polls a started operation with durable timers in between, never holding an activity open.
 * Ends with the operation's result, or a failure when it outlives the deadline.
 */
export function* waitForOperation(
  context: OrchestrationContext,
  operation: OperationRef,
  pollIntervalSeconds: number,
  timeoutMinutes: number,
): Generator<df.Task, FinishedOperation, any> {
  const deadline = context.df.currentUtcDateTime.getTime() + timeoutMinutes * 60_000;
  let current = operation;
  for (;;) {
    const progress: PollResult = yield context.df.callActivityWithRetry(ACTIVITY.pollOperation, AZURE_RETRY, current);
    if (progress.status !== "running") return progress;
    current = progress.operation;
    const next = context.df.currentUtcDateTime.getTime() + pollIntervalSeconds * 1000;
    if (next > deadline) {
      return {
        status: "failed",
        code: "operation-timeout",
        message: `the ${operation.kind}${operation.script ? ` (${operation.script})` : ""} operation did not finish within ${timeoutMinutes} minutes`,
      };
    }
    yield context.df.createTimer(new Date(next));
  }
}
