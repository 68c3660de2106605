/**
 * The sweep's probes: start the read-only probe Run Command on a VM, and poll it, with the operation carried as a
 * compact string between activities (a few dozen bytes instead of the SDK poller's ~800), because thousands of
 * them pass through orchestration history.
 */
import type { OperationProgress, OperationRef } from "../domain/operation";
import type { VmRef } from "../domain/resource-id";
import { TransientAzureError } from "../errors";
import { classifyArmError } from "./arm-errors";
import type { ComputeClients } from "./compute-client";
import { finishedAtSubmit, pollOperation } from "./long-operations";

export interface ProbeScript {
  name: string;
  /** The script's lines (split once for all the VMs of a call). */
  lines: string[];
  parameters: Record<string, string>;
}

export type ProbeStart =
  | { kind: "started"; op: string }
  /** Azure ran the probe before it answered (200): its output is here, nothing is left to poll. */
  | { kind: "finished"; progress: Exclude<OperationProgress, { status: "running" }> }
  /** Azure kept answering 429 after the client's own retries. */
  | { kind: "throttled"; retryAfterSeconds: number }
  /** Azure refused for good (VM not running, not found, no permission, ...). */
  | { kind: "refused"; code: string; message: string; statusCode: number | undefined };

export type ProbePoll = Exclude<OperationProgress, { status: "running" }> | { status: "running" } | { status: "throttled" };

/** Starts the probe (202 Accepted) without waiting for it. */
export async function startProbe(clients: ComputeClients, endpoint: string, vm: VmRef, script: ProbeScript): Promise<ProbeStart> {
  const client = clients.forSubscription(vm.subscriptionId);
  const holder = {
    poller: client.virtualMachines.runCommand(vm.resourceGroup, vm.name, {
      commandId: "RunPowerShellScript",
      script: script.lines,
      parameters: Object.entries(script.parameters).map(([name, value]) => ({ name, value })),
    }),
  };
  try {
    await holder.poller.submitted();
  } catch (error) {
    const failure = classifyArmError(error);
    if (failure.statusCode === 429) return { kind: "throttled", retryAfterSeconds: retryAfterSeconds(error) };
    if (failure.transient) throw new TransientAzureError(`${failure.code}: ${failure.message}`);
    return { kind: "refused", code: failure.code, message: failure.message, statusCode: failure.statusCode };
  }
  const state = await holder.poller.serialize();
  const finished = finishedAtSubmit({ kind: "runCommand", subscriptionId: vm.subscriptionId, state, script: script.name });
  if (finished && finished.status !== "running") return { kind: "finished", progress: finished };
  return { kind: "started", op: compactOperation(state, endpoint, vm) };
}

/** Polls a started probe once. A throttled poll is not a failure: the next round polls again. */
export async function pollProbe(clients: ComputeClients, endpoint: string, vm: VmRef, op: string): Promise<ProbePoll> {
  const ref: OperationRef = { kind: "runCommand", subscriptionId: vm.subscriptionId, state: expandOperation(op, endpoint, vm), script: "probe" };
  try {
    const progress = await pollOperation(clients, ref);
    return progress.status === "running" ? { status: "running" } : progress;
  } catch (error) {
    if (error instanceof TransientAzureError && /429|TooManyRequests|throttl/i.test(error.message)) return { status: "throttled" };
    throw error;
  }
}

/** Seconds from x-ms-retry-after-ms, retry-after-ms or Retry-After (seconds or an HTTP date); 0 when absent. */
export function retryAfterSeconds(error: unknown): number {
  const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } })?.response?.headers;
  const get = (name: string) => (typeof headers?.get === "function" ? headers.get(name) : undefined);
  const ms = Number(get("x-ms-retry-after-ms") ?? get("retry-after-ms"));
  if (Number.isFinite(ms) && ms > 0) return ms / 1000;
  const value = get("retry-after");
  if (value === undefined) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, (date - Date.now()) / 1000);
}

interface PollerState {
  state: {
    status: string;
    config: {
      metadata: { mode: string };
      operationLocation: string;
      resourceLocation: string;
      initialRequestUrl: string;
      requestMethod: string;
    };
  };
}

function operationBase(endpoint: string, vm: VmRef): string {
  return `${endpoint.replace(/\/+$/, "")}/subscriptions/${vm.subscriptionId}/providers/Microsoft.Compute/locations/`;
}

function runCommandUrl(endpoint: string, vm: VmRef, apiVersion: string): string {
  return `${endpoint.replace(/\/+$/, "")}/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vm.name}/runCommand?api-version=${apiVersion}`;
}

function build(endpoint: string, vm: VmRef, location: string, opId: string, p: string, apiVersion: string, initialUrl: string): string {
  const op = `${operationBase(endpoint, vm)}${location}/operations/${opId}?p=${p}`;
  const state: PollerState = {
    state: {
      status: "running",
      config: {
        metadata: { mode: "OperationLocation" },
        operationLocation: `${op}&api-version=${apiVersion}`,
        resourceLocation: `${op}&monitor=true&api-version=${apiVersion}`,
        initialRequestUrl: initialUrl,
        requestMethod: "POST",
      },
    },
  };
  return JSON.stringify(state);
}

/**
 * "c|location|opId|p|apiVersion" when the poller state is exactly what Compute's Run Command gives (checked by
 * rebuilding it), else "f|" + the state as the SDK wrote it. The VM and the endpoint fill in the rest.
 */
export function compactOperation(state: string, endpoint: string, vm: VmRef): string {
  try {
    const parsed = JSON.parse(state) as PollerState;
    const url = new URL(parsed.state.config.operationLocation);
    const match = /\/locations\/([^/]+)\/operations\/([^/?]+)$/.exec(url.pathname);
    const p = url.searchParams.get("p");
    const apiVersion = url.searchParams.get("api-version");
    if (match && p && apiVersion && !/[|]/.test(`${match[1]}${match[2]}${p}${apiVersion}`)) {
      const [, location, opId] = match as unknown as [string, string, string];
      const rebuilt = build(endpoint, vm, location, opId, p, apiVersion, runCommandUrl(endpoint, vm, apiVersion));
      if (rebuilt === state) return `c|${location}|${opId}|${p}|${apiVersion}`;
    }
  } catch {
    // not the shape we know: keep it whole
  }
  return `f|${state}`;
}

export function expandOperation(op: string, endpoint: string, vm: VmRef): string {
  if (op.startsWith("f|")) return op.slice(2);
  const [kind, location, opId, p, apiVersion] = op.split("|");
  if (kind !== "c" || !location || !opId || !p || !apiVersion) throw new Error(`not a compact operation: ${op.slice(0, 60)}`);
  return build(endpoint, vm, location, opId, p, apiVersion, runCommandUrl(endpoint, vm, apiVersion));
}
