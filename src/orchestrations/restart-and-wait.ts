import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITY, type FinishedOperation, type Failure, type StartRestartResult } from "../activities/contracts";
import type { RunSettings } from "../domain/run";
import type { VmStatus } from "../domain/vm-status";
import { AZURE_RETRY, waitForOperation } from "./wait-for-operation";

/** A status from after `since`: at or after the moment the operation was seen done (after the request, for old runs). */
export function isFreshStatus(statusTime: string | undefined, since: string, sinceIsCompletion: boolean): boolean {
  if (statusTime === undefined) return false;
  const status = Date.parse(statusTime);
  const from = Date.parse(since);
  return sinceIsCompletion ? status >= from : status > from;
}

export type RestartOutcome = { ok: true; requestedAt: string } | { ok: false; error: string };

/**
 * Restarts the VM, then polls its instance view (durable timers between reads) until it runs and its agent
 * reports Ready with a status from after the restart. The restart is over only when its operation says so: until
 * then the guest may still report "Ready" (it went down some seconds after Azure accepted the request), and the
 * instance view may keep that status for a while. So a status counts only when its time is not before the moment
 * the app saw the operation succeed; status times are often whole seconds (cut, not rounded), which only ever
 * makes a fresh status look older, never a stale one newer.
 */
export function* restartAndWait(
  context: OrchestrationContext,
  vmId: string,
  settings: RunSettings,
  onAgentWait: () => void,
): Generator<df.Task, RestartOutcome, any> {
  const started: StartRestartResult | Failure = yield context.df.callActivityWithRetry(ACTIVITY.startRestart, AZURE_RETRY, { vmId });
  if (!started.ok) return { ok: false, error: `${started.code}: ${started.message}` };
  const done: FinishedOperation = yield* waitForOperation(context, started.operation, settings.pollIntervalSeconds, settings.operationTimeoutMinutes);
  if (done.status !== "succeeded") return { ok: false, error: `${done.code}: ${done.message}` };
  onAgentWait();
  // Runs whose history predates completedAt fall back to the request time, as they did.
  const since = done.completedAt ?? started.requestedAt;
  const deadline = context.df.currentUtcDateTime.getTime() + settings.operationTimeoutMinutes * 60_000;
  for (;;) {
    const vm: VmStatus | null = yield context.df.callActivityWithRetry(ACTIVITY.readVm, AZURE_RETRY, { vmId });
    if (vm && vm.powerState === "running" && vm.agentReady && isFreshStatus(vm.agentStatusTime, since, done.completedAt !== undefined)) {
      return { ok: true, requestedAt: started.requestedAt };
    }
    const next = context.df.currentUtcDateTime.getTime() + settings.pollIntervalSeconds * 1000;
    if (next > deadline) {
      const failed = vm?.provisioningError ? `; the VM reports provisioning failed: ${vm.provisioningError}` : "";
      return {
        ok: false,
        error: `the VM agent was not Ready within ${settings.operationTimeoutMinutes} minutes of the restart (power state ${vm?.powerState ?? "unknown"})${failed}`,
      };
    }
    yield context.df.createTimer(new Date(next));
  }
}
