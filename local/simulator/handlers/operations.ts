import type { Handler, SimContext } from "../context";
import { ArmError } from "../errors";
import type { SimRequest, SimResponse } from "../http";
import type { SimOperation } from "../operations";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * GET of an operation URL. Without `monitor=true` it is the Azure-AsyncOperation status (200 with
 * InProgress/Succeeded/Failed); with it, the Location URL (202 while running, then 200 with the result).
 */
export const getOperation: Handler = async (ctx, req, params) => {
  const op = findOperation(ctx, params);
  // A poll that arrives while the guest script still runs waits for it (bounded by pollWaitForScriptMs): the script's real run time
  // then falls inside one poll interval, so clients on a virtual clock see no spurious timeouts.
  const wait = ctx.options.pollWaitForScriptMs;
  if (op.work && op.outcome === undefined && wait > 0) await Promise.race([op.work, delay(wait)]);
  const status = ctx.ops.observe(op);
  req.note.lroStatus = status;
  const retry = { "Retry-After": String(ctx.options.retryAfterSeconds) };
  if (req.url.searchParams.get("monitor") !== "true") {
    return { status: 200, headers: status === "InProgress" ? retry : {}, body: statusBody(op) };
  }
  return monitorAnswer(op, req, retry);
};

/** Fills the log note for a poll before it is handled (fault rules may match its VM and script). */
export function describeOperationRequest(ctx: SimContext, req: SimRequest, params: Record<string, string>): void {
  const op = ctx.ops.get(params.opId as string);
  if (!op) return;
  req.note.operationId = op.id;
  req.note.pollOf = op.operation;
  if (op.vmKey !== undefined) {
    req.note.vmId = op.vmKey;
    const vm = ctx.state.vms.get(op.vmKey);
    if (vm) req.note.vmName = vm.name;
  }
  if (op.resourceKey !== undefined && op.resourceKey !== op.vmKey) req.note.resourceId = op.resourceKey;
  if (op.script !== undefined) req.note.script = op.script;
}

function findOperation(ctx: SimContext, params: Record<string, string>): SimOperation {
  const op = ctx.ops.get(params.opId as string);
  // A Compute operation is not found under DiskOperations, nor a disk operation under operations.
  const kindMatches = op !== undefined && (params.kind?.toLowerCase() === "diskoperations") === (op.kind === "disk");
  if (!op || !kindMatches || op.subscriptionId.toLowerCase() !== (params.sub as string).toLowerCase()) {
    throw new ArmError(404, "NotFound", `The operation '${params.opId}' was not found.`);
  }
  return op;
}

function statusBody(op: SimOperation): Record<string, unknown> {
  const body: Record<string, unknown> = { startTime: op.startTime, status: op.status, name: op.id };
  if (op.endTime !== undefined) body.endTime = op.endTime;
  if (op.status === "Succeeded" && op.outcome?.ok && op.outcome.properties !== undefined) body.properties = op.outcome.properties;
  if (op.status === "Failed" && op.outcome && !op.outcome.ok) body.error = op.outcome.error;
  return body;
}

function monitorAnswer(op: SimOperation, req: SimRequest, retry: Record<string, string>): SimResponse {
  if (op.status === "InProgress") return { status: 202, headers: { ...retry, Location: req.url.toString() } };
  if (op.status === "Failed" && op.outcome && !op.outcome.ok) return { status: 400, body: { error: op.outcome.error } };
  const result = op.outcome?.ok ? op.outcome.result : undefined;
  const body = result ?? (op.finalBody === "empty" ? undefined : op.resultBody?.());
  return body === undefined ? { status: 200 } : { status: 200, body };
}
