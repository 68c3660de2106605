import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { ACTIVITY, type FinishedOperation, type Failure, type StartRestartResult } from "../activities/contracts";
import type { RunSettings } from "../domain/run";
import type { VmStatus } from "../domain/vm-status";
import { AZURE_RETRY, waitForOperation } from "./wait-for-operation";

export type RestartOutcome = { ok: true; requestedAt: string } | { ok: false; error: string };

/**
 * Restarts the VM, then polls its instance view (durable timers between reads) until it runs and its agent
 * reports Ready with a status newer than the restart request: a stale "Ready" from before the restart does not count.
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
  const deadline = context.df.currentUtcDateTime.getTime() + settings.operationTimeoutMinutes * 60_000;
  for (;;) {
    const vm: VmStatus | null = yield context.df.callActivityWithRetry(ACTIVITY.readVm, AZURE_RETRY, { vmId });
    const fresh = vm?.agentStatusTime !== undefined && vm.agentStatusTime > started.requestedAt;
    if (vm && vm.powerState === "running" && vm.agentReady && fresh) return { ok: true, requestedAt: started.requestedAt };
    const next = context.df.currentUtcDateTime.getTime() + settings.pollIntervalSeconds * 1000;
    if (next > deadline) {
      return {
        ok: false,
        error: `the VM agent was not Ready within ${settings.operationTimeoutMinutes} minutes of the restart (power state ${vm?.powerState ?? "unknown"})`,
      };
    }
    yield context.df.createTimer(new Date(next));
  }
}
