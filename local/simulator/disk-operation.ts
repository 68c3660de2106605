import { faultTarget, type Params, type SimContext } from "./context";
import { ArmError, invalidParameter } from "./errors";
import { jsonBody, type SimRequest, type SimResponse } from "./http";
import { canonicalId } from "./ids";
import { answerDelete, answerDiskWrite } from "./lro-answer";
import type { ResourceProvisioningState, SimCreationData } from "./model";
import { isRecord } from "./validate";

/**
 * A disk or snapshot PUT is accepted as Azure accepts it: by default 202 with the resource (provisioningState
 * Updating) and DiskOperations headers (other variants: lro-answer.ts); the resource turns Succeeded (or Failed, by
 * fault) when the operation completes.
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
  return answerDiskWrite(ctx, req, op, write.vmKey, write.render);
}

/** The request part every disk and snapshot PUT shares: the group must exist, `location` is required. */
export function readDiskWrite(
  ctx: SimContext,
  req: SimRequest,
  params: Params,
  nameParam: "disk" | "snapshot",
): {
  sub: string;
  rg: string;
  name: string;
  location: string;
  body: Record<string, unknown>;
  properties: Record<string, unknown>;
  tags: Record<string, string> | undefined;
} {
  const sub = params.sub!;
  const rg = params.rg!;
  ctx.state.requireGroup(sub, rg);
  req.note.stateChanging = true;
  const body = jsonBody(req);
  if (typeof body.location !== "string" || body.location === "") {
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  }
  return {
    sub,
    rg,
    name: params[nameParam]!,
    location: body.location,
    body,
    properties: isRecord(body.properties) ? body.properties : {},
    tags: readTags(body.tags),
  };
}

/** A PUT on an existing disk or snapshot may change its tags, never what it was copied from. */
export function refuseSourceChange(existing: { creationData: SimCreationData }, sourceKey: string): void {
  if (canonicalId(existing.creationData.sourceResourceId ?? "") !== sourceKey) {
    throw new ArmError(409, "PropertyChangeNotAllowed", "Changing property 'sourceResourceId' is not allowed.", { target: "sourceResourceId" });
  }
}

/** A disk or snapshot DELETE (the caller has removed it): 202 and a DiskOperations LRO that succeeds (or 200/204). */
export function acceptDiskDelete(
  ctx: SimContext,
  req: SimRequest,
  resource: { key: string; subscriptionId: string; location: string; vmKey?: string },
): SimResponse {
  const op = ctx.ops.create({
    kind: "disk",
    operation: req.operation,
    subscriptionId: resource.subscriptionId,
    location: resource.location,
    resourceKey: resource.key,
    outcome: { ok: true },
  });
  return answerDelete(ctx, req, op, resource.vmKey);
}

/**
 * A read of a disk or snapshot counts as one observation of the operations running on it (a client in the "Body"
 * polling mode learns the end this way); the log notes the operation and the status the answer shows.
 */
export function observeResourceOperations(ctx: SimContext, req: SimRequest, resourceKey: string): void {
  for (const op of ctx.ops.inProgressFor(resourceKey)) {
    const status = ctx.ops.observe(op);
    req.note.operationId = op.id;
    req.note.pollOf = op.operation;
    req.note.lroStatus = status;
    if (op.vmKey !== undefined && req.note.vmId === undefined) req.note.vmId = op.vmKey;
  }
}

/** Whether a disk or snapshot is in a list request's subscription (and resource group, when the route has one). */
export function inListScope(ctx: SimContext, params: Params): (r: { subscriptionId: string; resourceGroup: string }) => boolean {
  const sub = params.sub!.toLowerCase();
  const rg = params.rg?.toLowerCase();
  ctx.state.requireGroup(sub, params.rg);
  return (r) => r.subscriptionId.toLowerCase() === sub && (rg === undefined || r.resourceGroup.toLowerCase() === rg);
}

export function readTags(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === "string")) throw invalidParameter("tags", "tags must be an object of strings.");
  return { ...(value as Record<string, string>) };
}
