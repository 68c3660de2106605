import { faultTarget, lroHeaders, type SimContext } from "./context";
import type { SimRequest, SimResponse } from "./http";
import type { ResourceProvisioningState } from "./model";

/**
 * A disk or snapshot PUT is accepted as Azure accepts it: 202 with the resource (provisioningState Updating) and
 * DiskOperations headers; the resource turns Succeeded (or Failed, by fault) when the operation completes.
 */
export function acceptDiskWrite(
  ctx: SimContext,
  req: SimRequest,
  write: {
    subscriptionId: string;
    resourceKey: string;
    vmKey?: string;
    resource: { location: string; provisioningState: ResourceProvisioningState };
    render: () => unknown;
  },
): SimResponse {
  const target = faultTarget(req);
  const failure = ctx.faults.takeLroFailure(target);
  const { resource } = write;
  const op = ctx.ops.create({
    kind: "disk",
    operation: req.operation,
    subscriptionId: write.subscriptionId,
    location: resource.location,
    resourceKey: write.resourceKey,
    ...(write.vmKey ? { vmKey: write.vmKey } : {}),
    neverFinishes: !failure && ctx.faults.takeFlag(target, "neverFinishes"),
    outcome: failure ? { ok: false, error: failure } : { ok: true },
    onComplete: (done) => {
      resource.provisioningState = done.status === "Succeeded" ? "Succeeded" : "Failed";
    },
    resultBody: write.render,
  });
  return { status: 202, headers: lroHeaders(ctx, req, op), body: write.render() };
}
