import { restorePoller, type ComputeManagementClient } from "@azure/arm-compute";
import type { OperationKind, OperationProgress, OperationRef } from "../domain/operation";
import { AzureOperationError, TransientAzureError } from "../errors";
import { classifyArmError } from "./arm-errors";
import type { ComputeClients } from "./compute-client";

interface Submittable {
  submitted(): Promise<void>;
  serialize(): Promise<string>;
  readonly operationState?: { status: string; error?: Error } | undefined;
}

/**
 * Sends an LRO's first request and returns its serialized poller without waiting for completion.
 * The poller is a thenable: it must never be returned from an async function or awaited, or it would poll to the end.
 */
export async function submitOperation(
  kind: OperationKind,
  subscriptionId: string,
  start: () => Submittable,
  script?: string,
): Promise<OperationRef> {
  const holder: { poller: Submittable } = { poller: start() };
  try {
    await holder.poller.submitted();
  } catch (error) {
    throw toAzureError(error);
  }
  const first = holder.poller.operationState;
  // A first answer that already reports a failure (a PUT whose body says Failed) ends here, with Azure's error.
  if (first?.status === "failed" || first?.status === "canceled") throw toAzureError(first.error ?? new Error(`the ${kind} operation ${first.status}`));
  const state = await holder.poller.serialize();
  return script === undefined ? { kind, subscriptionId, state } : { kind, subscriptionId, state, script };
}

/**
 * Polls an operation once and says where it stands. Transient faults throw (the activity retry handles them).
 * An operation Azure reported finished in its first answer (200 for a POST action or a PATCH) is read from its
 * state: there is nothing left to poll. Final answers are read raw, not through the SDK's model: Azure may answer
 * the end of a PUT or PATCH with an empty body (Location), or a Run Command's result in the status body.
 */
export async function pollOperation(clients: ComputeClients, ref: OperationRef): Promise<OperationProgress> {
  const finished = finishedAtSubmit(ref);
  if (finished) return finished;
  const client = clients.forSubscription(ref.subscriptionId);
  let poller: ReturnType<typeof restoreFor>;
  try {
    poller = restoreFor(client, ref);
    await poller.poll();
  } catch (error) {
    const failure = classifyArmError(error);
    if (failure.transient) throw new TransientAzureError(`${failure.code}: ${failure.message}`);
    return { status: "failed", code: failure.code, message: failure.message };
  }
  const state = poller.operationState;
  switch (state?.status) {
    case "succeeded":
      return succeeded(ref, (poller.result as RawResult | undefined)?.body);
    case "failed":
    case "canceled": {
      const failure = classifyArmError(state.error ?? new Error(`operation ${state.status}`));
      return { status: "failed", code: failure.code, message: failure.message };
    }
    default:
      return { status: "running", operation: { ...ref, state: await poller.serialize() } };
  }
}

/** What the poller keeps as the final result: the raw body of the final answer. */
interface RawResult {
  body: unknown;
}

const RAW_RESULT = { processResponseBody: async (response: { body: unknown }) => ({ body: response.body }) as never };

function restoreFor(client: ComputeManagementClient, ref: OperationRef) {
  switch (ref.kind) {
    case "runCommand":
      return restorePoller(client, ref.state, client.virtualMachines.runCommand, RAW_RESULT);
    case "restart":
      return restorePoller(client, ref.state, client.virtualMachines.restart, RAW_RESULT);
    case "snapshot":
      return restorePoller(client, ref.state, client.snapshots.createOrUpdate, RAW_RESULT);
    case "diskCreate":
      return restorePoller(client, ref.state, client.disks.createOrUpdate, RAW_RESULT);
    case "deallocate":
      return restorePoller(client, ref.state, client.virtualMachines.deallocate, RAW_RESULT);
    case "vmUpdate":
      return restorePoller(client, ref.state, client.virtualMachines.update, RAW_RESULT);
    case "start":
      return restorePoller(client, ref.state, client.virtualMachines.start, RAW_RESULT);
  }
}

/** The progress of an operation whose first answer already ended it (its serialized state is final). */
export function finishedAtSubmit(ref: OperationRef): OperationProgress | undefined {
  let state: { status?: unknown; result?: unknown } | undefined;
  try {
    state = (JSON.parse(ref.state) as { state?: { status?: unknown; result?: unknown } }).state;
  } catch {
    return undefined;
  }
  // submitOperation refuses an operation that failed in its first answer, so a final state here succeeded.
  return state?.status === "succeeded" ? succeeded(ref, state.result) : undefined;
}

function succeeded(ref: OperationRef, body: unknown): OperationProgress {
  if (ref.kind === "runCommand") {
    const values = runCommandValues(body);
    const stdout = values.find((v) => v.code?.startsWith("ComponentStatus/StdOut"))?.message ?? "";
    const stderr = values.find((v) => v.code?.startsWith("ComponentStatus/StdErr"))?.message ?? "";
    return { status: "succeeded", stdout, stderr };
  }
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === "string" ? { status: "succeeded", resourceId: id.toLowerCase() } : { status: "succeeded" };
}

/**
 * A Run Command's statuses: `value` of the final answer (the Location URL, or a 200 at once), or
 * `properties.output.value` of the operation status when Azure answered with Azure-AsyncOperation only.
 */
function runCommandValues(body: unknown): Array<{ code?: string; message?: string }> {
  const b = body as { value?: unknown; properties?: { output?: { value?: unknown } } } | undefined;
  const value = Array.isArray(b?.value) ? b.value : Array.isArray(b?.properties?.output?.value) ? b.properties.output.value : [];
  return value.filter((v): v is { code?: string; message?: string } => typeof v === "object" && v !== null);
}

/** Transient faults become TransientAzureError (retried); others keep their ARM code for the report. */
export function toAzureError(error: unknown): Error {
  const failure = classifyArmError(error);
  if (failure.transient) return new TransientAzureError(`${failure.code}: ${failure.message}`);
  return new AzureOperationError(failure.code, failure.message);
}
