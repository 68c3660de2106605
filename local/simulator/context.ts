import type { GuestRuntime } from "../guest/guest-state";
import { resourceNotFound } from "./errors";
import type { FaultSet, FaultTarget } from "./faults";
import { apiVersionOf, type SimRequest, type SimResponse } from "./http";
import { canonicalId, diskResourceId, snapshotResourceId, vmResourceId } from "./ids";
import type { AzureState, SimDisk, SimSnapshot, SimVm } from "./model";
import { type OperationRegistry, operationUrls, type SimOperation } from "./operations";
import type { ResolvedOptions } from "./options";
import type { Authorizer } from "./rbac";
import type { VariantAxis, VariantPicker, VariantValue } from "./variants";

/** Everything a handler may use. */
export interface SimContext {
  state: AzureState;
  ops: OperationRegistry;
  options: ResolvedOptions;
  faults: FaultSet;
  runtime: GuestRuntime;
  variants: VariantPicker;
  /** The deployed role of the app's identity, when the simulator enforces one. */
  rbac?: Authorizer;
  /** Keeps track of work that finishes after the answer (Run Command scripts), so stop() can wait for it. */
  background(work: Promise<unknown>): void;
}

export type Params = Record<string, string>;

export type Handler = (ctx: SimContext, req: SimRequest, params: Params) => SimResponse | Promise<SimResponse>;

export function findVm(ctx: SimContext, params: Params): SimVm {
  const sub = params.sub as string;
  const rg = params.rg as string;
  const name = params.vm as string;
  ctx.state.requireGroup(sub, rg);
  const vm = ctx.state.vms.get(canonicalId(vmResourceId(sub, rg, name)));
  if (!vm) throw resourceNotFound("Microsoft.Compute/virtualMachines", name, rg);
  return vm;
}

export function findSnapshot(ctx: SimContext, params: Params): SimSnapshot | undefined {
  ctx.state.requireGroup(params.sub as string, params.rg as string);
  return ctx.state.snapshots.get(canonicalId(snapshotResourceId(params.sub as string, params.rg as string, params.snapshot as string)));
}

export function findDisk(ctx: SimContext, params: Params): SimDisk | undefined {
  ctx.state.requireGroup(params.sub as string, params.rg as string);
  const disk = ctx.state.disks.get(canonicalId(diskResourceId(params.sub as string, params.rg as string, params.disk as string)));
  return disk?.managed ? disk : undefined;
}

export function noteVm(req: SimRequest, vm: SimVm): void {
  req.note.vmId = vm.key;
  req.note.vmName = vm.name;
}

/** Which polling headers an answer carries. */
export type PollingHeaders = "both" | "async" | "location";

/** Headers that start polling: Azure-AsyncOperation and/or Location (monitor=true), and Retry-After. */
export function lroHeaders(ctx: SimContext, req: SimRequest, op: SimOperation, which: PollingHeaders = "both"): Record<string, string> {
  const urls = operationUrls(op, req.host, apiVersionOf(req));
  const headers: Record<string, string> = { "Retry-After": String(ctx.options.retryAfterSeconds) };
  if (which !== "location") headers["Azure-AsyncOperation"] = urls.asyncOperation;
  if (which !== "async") headers.Location = urls.location;
  req.note.operationId = op.id;
  return headers;
}

/** The variant of `axis` for this request's VM, noted in the request log. */
export function variantFor<A extends VariantAxis>(ctx: SimContext, req: SimRequest, axis: A, vmKey: string | undefined): VariantValue<A> {
  const value = ctx.variants.pick(axis, vmKey);
  noteVariant(req, axis, value);
  return value;
}

export function noteVariant(req: SimRequest, axis: string, value: string): void {
  const entry = `${axis}=${value}`;
  req.note.variants = [...(req.note.variants ?? []).filter((v) => !v.startsWith(`${axis}=`)), entry];
}

/** What fault rules match against for this request. */
export function faultTarget(req: SimRequest): FaultTarget {
  const target: FaultTarget = { operation: req.operation, method: req.method };
  if (req.note.vmName !== undefined) target.vmName = req.note.vmName;
  if (req.note.script !== undefined) target.script = req.note.script;
  return target;
}
