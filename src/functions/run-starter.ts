import type { DurableClient, DurableOrchestrationStatus } from "durable-functions";
import { instanceIdForVm, type VmRef } from "../domain/resource-id";
import type { RemediationInput } from "../domain/run";
import { REMEDIATE_VM } from "../orchestrations/remediate-vm";

const ACTIVE = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);

export interface RunHandle {
  vmId: string;
  runId: string;
  /** started: a new run; already-running: this VM's run was in progress and is the one to follow. */
  state: "started" | "already-running";
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
 */
export async function startOrJoinRun(
  client: DurableClient,
  vm: VmRef,
  input: RemediationInput,
  baseUrl: string,
): Promise<RunHandle> {
  const runId = instanceIdForVm(vm);
  const handle = (state: RunHandle["state"]): RunHandle => ({
    vmId: vm.id,
    runId,
    state,
    statusUrl: `${baseUrl}/api/remediations/${runId}`,
  });
  if (isActive(await findRun(client, runId))) return handle("already-running");
  try {
    await client.startNew(REMEDIATE_VM, { instanceId: runId, input });
    return handle("started");
  } catch (error) {
    if (isActive(await findRun(client, runId))) return handle("already-running");
    throw error;
  }
}

export function baseUrlOf(requestUrl: string): string {
  return new URL(requestUrl).origin;
}
