import { lroHeaders, noteVariant, type PollingHeaders, type SimContext, variantFor } from "./context";
import type { SimRequest, SimResponse } from "./http";
import type { SimOperation } from "./operations";
import type { VariantValue } from "./variants";

/**
 * The first answer to a request that starts a long-running operation, in the variant the VM's scenario (or the
 * seed) chose. An answer that reports the operation done at once (200/204) is given only when it can be: the work
 * is done and succeeded. Otherwise the request is answered the default way and the log says so.
 */

type ActionAxis = "vm.runCommand" | "vm.restart" | "vm.start" | "vm.deallocate" | "vm.powerOff";

const HEADERS_OF: Record<string, PollingHeaders> = {
  "202-both": "both",
  "202-async": "async",
  "202-location": "location",
  "200-both": "both",
  "200-async": "async",
  "200-location": "location",
};

/** POST actions: 202 with polling headers, or 200 (with the Run Command result) when the work is done at once. */
export async function answerAction(ctx: SimContext, req: SimRequest, op: SimOperation, vmKey: string): Promise<SimResponse> {
  const axis = req.operation as ActionAxis;
  const variant: VariantValue<ActionAxis> = variantFor(ctx, req, axis, vmKey);
  if (variant === "200") {
    // The script runs before Azure answers: the answer carries its result.
    if (op.work !== undefined && op.outcome === undefined) await op.work;
    if (ctx.ops.completeNow(op)) {
      doneAtOnce(req, op);
      const result = op.outcome?.ok ? op.outcome.result : undefined;
      return result === undefined ? { status: 200 } : { status: 200, body: result };
    }
    noteVariant(req, axis, "202-both");
    return { status: 202, headers: lroHeaders(ctx, req, op, "both") };
  }
  return { status: 202, headers: lroHeaders(ctx, req, op, HEADERS_OF[variant]) };
}

/** Disk and snapshot PUT: 202 with the body, 200 done at once, or 200 with a body whose provisioningState the client polls. */
export function answerDiskWrite(ctx: SimContext, req: SimRequest, op: SimOperation, vmKey: string | undefined, render: () => unknown): SimResponse {
  const axis = req.operation as "disk.put" | "snapshot.put";
  op.finalBody = variantFor(ctx, req, "finalBody", vmKey);
  const variant = variantFor(ctx, req, axis, vmKey);
  switch (variant) {
    case "200-done":
      if (ctx.ops.completeNow(op)) {
        doneAtOnce(req, op);
        return { status: 200, body: render() };
      }
      noteVariant(req, axis, "202-both");
      return { status: 202, headers: lroHeaders(ctx, req, op, "both"), body: render() };
    case "200-body":
      req.note.operationId = op.id;
      return { status: 200, body: render() };
    default:
      return { status: 202, headers: lroHeaders(ctx, req, op, HEADERS_OF[variant]), body: render() };
  }
}

/** VM PATCH: 200 with the VM (Updating) and polling headers, or 200 done at once. */
export function answerUpdate(ctx: SimContext, req: SimRequest, op: SimOperation, vmKey: string, render: () => unknown): SimResponse {
  op.finalBody = variantFor(ctx, req, "finalBody", vmKey);
  const variant = variantFor(ctx, req, "vm.update", vmKey);
  if (variant === "200-done") {
    if (ctx.ops.completeNow(op)) {
      doneAtOnce(req, op);
      return { status: 200, body: render() };
    }
    noteVariant(req, "vm.update", "200-async");
    return { status: 200, headers: lroHeaders(ctx, req, op, "async"), body: render() };
  }
  return { status: 200, headers: lroHeaders(ctx, req, op, HEADERS_OF[variant]), body: render() };
}

/** Disk and snapshot DELETE: 202 with polling headers, or 200/204 when it is done at once. */
export function answerDelete(ctx: SimContext, req: SimRequest, op: SimOperation, vmKey: string | undefined): SimResponse {
  const axis = req.operation as "disk.delete" | "snapshot.delete";
  const variant = variantFor(ctx, req, axis, vmKey);
  if (variant === "200" || variant === "204") {
    if (ctx.ops.completeNow(op)) {
      doneAtOnce(req, op);
      return { status: variant === "200" ? 200 : 204 };
    }
    noteVariant(req, axis, "202-both");
    return { status: 202, headers: lroHeaders(ctx, req, op, "both") };
  }
  return { status: 202, headers: lroHeaders(ctx, req, op, HEADERS_OF[variant]) };
}

function doneAtOnce(req: SimRequest, op: SimOperation): void {
  req.note.operationId = op.id;
  req.note.lroStatus = "Succeeded";
}
