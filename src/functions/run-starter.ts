import type { DurableClient, DurableOrchestrationStatus } from "durable-functions";
import { alertKey } from "../domain/alert";
import { instanceIdForVm, type VmRef } from "../domain/resource-id";
import type { PendingAlert, RemediationInput, RunStatus } from "../domain/run";
import { ALERT_EVENT, MAX_PENDING_ALERTS } from "../orchestrations/pending-alerts";
import { REMEDIATE_VM } from "../orchestrations/remediate-vm";

const ACTIVE = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);

export type RunState = "started" | "already-running" | "queued";

export interface RunHandle<S extends RunState = RunState> {
  vmId: string;
  runId: string;
  /**
   * started: a new run; already-running: this VM's run was in progress and is the one to follow; queued: an alert
   * for a VM whose run is in progress, recorded with that run and acted on when it ends.
   */
  state: S;
  statusUrl: string;
}

/** getStatus throws for an unknown instance in durable-functions 3.x; that is "no run yet". */
export async function findRun(client: DurableClient, runId: string): Promise<DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(runId);
  } catch (error) {
    if (/404|not found/i.test(String((error as Error).message))) return undefined;
    throw error;
  }
}

export function isActive(status: DurableOrchestrationStatus | undefined): boolean {
  return status !== undefined && ACTIVE.has(String(status.runtimeStatus));
}

/**
 * Starts this VM's run unless one is in progress (one instance per VM). Two callers racing both see
 * "started" or "already-running" for the same run: the durable store refuses a second live instance.
 * With `pendingAlert`, an alert that finds the VM's run holding it without acting on it (a dry run, an approval
 * wait) is raised on that run, which keeps it and acts on it when it ends, instead of being dropped. A run that is
 * repairing the VM answers it already (already-running). An alert the run holds already is not raised twice.
 */
export async function startOrJoinRun(
  client: DurableClient,
  vm: VmRef,
  input: RemediationInput,
  baseUrl: string,
): Promise<RunHandle<"started" | "already-running">>;
export async function startOrJoinRun(
  client: DurableClient,
  vm: VmRef,
  input: RemediationInput,
  baseUrl: string,
  pendingAlert: PendingAlert,
): Promise<RunHandle>;
export async function startOrJoinRun(
  client: DurableClient,
  vm: VmRef,
  input: RemediationInput,
  baseUrl: string,
  pendingAlert?: PendingAlert,
): Promise<RunHandle> {
  const runId = instanceIdForVm(vm);
  const handle = (state: RunHandle["state"]): RunHandle => ({
    vmId: vm.id,
    runId,
    state,
    statusUrl: `${baseUrl}/api/remediations/${runId}`,
  });
  const joined = async (): Promise<RunHandle | undefined> => {
    const status = await findRun(client, runId);
    if (!isActive(status)) return undefined;
    if (!pendingAlert || !holdsWithoutActing(status!)) return handle("already-running");
    const held = (status!.customStatus as RunStatus | undefined)?.pendingAlerts ?? [];
    if (held.includes(alertKey(pendingAlert.alertId)) || held.length >= MAX_PENDING_ALERTS) return handle("queued");
    try {
      await client.raiseEvent(runId, ALERT_EVENT, pendingAlert);
      return handle("queued");
    } catch (error) {
      // The run ended between the two calls (410 Gone): this alert starts the next run instead.
      if (isActive(await findRun(client, runId))) throw error;
      return undefined;
    }
  };
  const existing = await joined();
  if (existing) return existing;
  try {
    await client.startNew(REMEDIATE_VM, { instanceId: runId, input });
    return handle("started");
  } catch (error) {
    const raced = await joined();
    if (raced) return raced;
    throw error;
  }
}

/** A dry run, or a run waiting for a person's approval: it holds the VM without acting on an alert's cause. */
function holdsWithoutActing(status: DurableOrchestrationStatus): boolean {
  const input = status.input as Partial<RemediationInput> | undefined;
  return input?.dryRun === true || (status.customStatus as RunStatus | undefined)?.step === "awaiting-approval";
}

export function baseUrlOf(requestUrl: string): string {
  return new URL(requestUrl).origin;
}
