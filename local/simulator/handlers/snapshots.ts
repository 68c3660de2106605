import { findSnapshot, type Handler, lroHeaders, type SimContext } from "../context";
import { ArmError, invalidParameter, resourceNotFound } from "../errors";
import { resolveCopySource } from "../copy-source";
import { json, jsonBody, page } from "../http";
import { canonicalId, newGuid, normaliseLocation, snapshotResourceId } from "../ids";
import type { SimSnapshot } from "../model";
import { renderSnapshot } from "../render-disk";
import { isRecord } from "../validate";
import { acceptDiskWrite } from "../disk-operation";

/** Snapshots: PUT (202 + DiskOperations headers), GET, DELETE (LRO), list by group or subscription. */

export const putSnapshot: Handler = (ctx, req, params) => {
  const sub = params.sub as string;
  const rg = params.rg as string;
  const name = params.snapshot as string;
  ctx.state.requireGroup(sub, rg);
  req.note.stateChanging = true;
  const body = jsonBody(req);
  if (typeof body.location !== "string" || body.location === "") {
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  }
  const properties = isRecord(body.properties) ? body.properties : {};
  const tags = readTags(body.tags);
  const { source, creationData } = resolveCopySource(ctx.state, properties, sub, body.location);
  if (properties.incremental !== undefined && typeof properties.incremental !== "boolean") {
    throw invalidParameter("incremental", "incremental must be true or false.");
  }
  const sourceVm = ctx.state.vmUsingDisk(source.key);
  if (sourceVm) {
    req.note.vmId = sourceVm.key;
    req.note.vmName = sourceVm.name;
  }

  const id = snapshotResourceId(sub, rg, name);
  const key = canonicalId(id);
  req.note.resourceId = key;
  let snapshot = ctx.state.snapshots.get(key);
  if (snapshot) {
    if (canonicalId(snapshot.creationData.sourceResourceId ?? "") !== source.key) {
      throw new ArmError(409, "PropertyChangeNotAllowed", "Changing property 'sourceResourceId' is not allowed.", { target: "sourceResourceId" });
    }
    snapshot.tags = tags ?? snapshot.tags;
    snapshot.provisioningState = "Updating";
  } else {
    snapshot = {
      id,
      key,
      subscriptionId: sub,
      resourceGroup: rg,
      name,
      location: normaliseLocation(body.location),
      tags: tags ?? {},
      incremental: properties.incremental === true,
      creationData,
      hyperVGeneration: source.hyperVGeneration,
      sizeGB: source.sizeGB,
      uniqueId: newGuid(),
      timeCreated: ctx.options.clock().toISOString(),
      provisioningState: "Updating",
      guest: source.guest,
    };
    ctx.state.snapshots.set(key, snapshot);
  }
  const created = snapshot;
  return acceptDiskWrite(ctx, req, {
    subscriptionId: sub,
    resourceKey: key,
    ...(sourceVm ? { vmKey: sourceVm.key } : {}),
    resource: created,
    render: () => renderSnapshot(created),
  });
};

export const getSnapshot: Handler = (ctx, req, params) => {
  const snapshot = findSnapshot(ctx, params);
  if (!snapshot) throw resourceNotFound("Microsoft.Compute/snapshots", params.snapshot as string, params.rg as string);
  req.note.resourceId = snapshot.key;
  for (const op of ctx.ops.inProgressFor(snapshot.key)) ctx.ops.observe(op);
  return json(200, renderSnapshot(snapshot));
};

export const deleteSnapshot: Handler = (ctx, req, params) => {
  req.note.stateChanging = true;
  const snapshot = findSnapshot(ctx, params);
  if (!snapshot) return { status: 204 };
  req.note.resourceId = snapshot.key;
  ctx.state.snapshots.delete(snapshot.key);
  return { status: 202, headers: lroHeaders(ctx, req, deletion(ctx, req.operation, snapshot)) };
};

export const listSnapshots: Handler = (ctx, req, params) => {
  const sub = (params.sub as string).toLowerCase();
  const rg = params.rg?.toLowerCase();
  ctx.state.requireGroup(sub, params.rg);
  const items = [...ctx.state.snapshots.values()]
    .filter((s) => s.subscriptionId.toLowerCase() === sub && (rg === undefined || s.resourceGroup.toLowerCase() === rg))
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(renderSnapshot);
  return json(200, page(req, items, ctx.options.listPageSize));
};

function deletion(ctx: SimContext, operation: string, snapshot: SimSnapshot) {
  return ctx.ops.create({
    kind: "disk",
    operation,
    subscriptionId: snapshot.subscriptionId,
    location: snapshot.location,
    resourceKey: snapshot.key,
    outcome: { ok: true },
  });
}

export function readTags(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === "string")) throw invalidParameter("tags", "tags must be an object of strings.");
  return { ...(value as Record<string, string>) };
}
