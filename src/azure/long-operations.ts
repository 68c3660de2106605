import { restorePoller, type ComputeManagementClient, type RunCommandResult } from "@azure/arm-compute";
import type { OperationKind, OperationProgress, OperationRef } from "../domain/operation";
import { AzureOperationError, TransientAzureError } from "../errors";
import { classifyArmError } from "./arm-errors";
import type { ComputeClients } from "./compute-client";

interface Submittable {
  submitted(): Promise<void>;
  serialize(): Promise<string>;
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
  const state = await holder.poller.serialize();
  return script === undefined ? { kind, subscriptionId, state } : { kind, subscriptionId, state, script };
}

/** Polls an operation once and says where it stands. Transient faults throw (the activity retry handles them). */
export async function pollOperation(clients: ComputeClients, ref: OperationRef): Promise<OperationProgress> {
  const client = clients.forSubscription(ref.subscriptionId);
  const holder = { poller: restoreFor(client, ref) };
  try {
    await holder.poller.poll();
  } catch (error) {
    const failure = classifyArmError(error);
    if (failure.transient) throw new TransientAzureError(`${failure.code}: ${failure.message}`);
    return { status: "failed", code: failure.code, message: failure.message };
  }
  const state = holder.poller.operationState;
  switch (state?.status) {
    case "succeeded":
      return succeeded(ref, holder.poller.result);
    case "failed":
    case "canceled": {
      const failure = classifyArmError(state.error ?? new Error(`operation ${state.status}`));
      return { status: "failed", code: failure.code, message: failure.message };
    }
    default:
      return { status: "running", operation: { ...ref, state: await holder.poller.serialize() } };
  }
}

function restoreFor(client: ComputeManagementClient, ref: OperationRef) {
  switch (ref.kind) {
    case "runCommand":
      return restorePoller(client, ref.state, client.virtualMachines.runCommand);
    case "restart":
      return restorePoller(client, ref.state, client.virtualMachines.restart);
    case "snapshot":
      return restorePoller(client, ref.state, client.snapshots.createOrUpdate);
    case "diskCreate":
      return restorePoller(client, ref.state, client.disks.createOrUpdate);
    case "deallocate":
      return restorePoller(client, ref.state, client.virtualMachines.deallocate);
    case "vmUpdate":
      return restorePoller(client, ref.state, client.virtualMachines.update);
    case "start":
      return restorePoller(client, ref.state, client.virtualMachines.start);
  }
}

function succeeded(ref: OperationRef, result: unknown): OperationProgress {
  if (ref.kind === "runCommand") {
    const values = (result as RunCommandResult | undefined)?.value ?? [];
    const stdout = values.find((v) => v.code?.startsWith("ComponentStatus/StdOut"))?.message ?? "";
    const stderr = values.find((v) => v.code?.startsWith("ComponentStatus/StdErr"))?.message ?? "";
    return { status: "succeeded", stdout, stderr };
  }
  const id = (result as { id?: string } | undefined)?.id;
  return id === undefined ? { status: "succeeded" } : { status: "succeeded", resourceId: id.toLowerCase() };
}

/** Transient faults become TransientAzureError (retried); others keep their ARM code for the report. */
export function toAzureError(error: unknown): Error {
  const failure = classifyArmError(error);
  if (failure.transient) return new TransientAzureError(`${failure.code}: ${failure.message}`);
  return new AzureOperationError(failure.code, failure.message);
}
