import { findSnapshot, type Handler } from "../context";
import { invalidParameter, resourceNotFound } from "../errors";
import { resolveCopySource, sourceAccessAction } from "../copy-source";
import { requireLinked } from "../route-permissions";
import { json, page } from "../http";
import { canonicalId, newGuid, normaliseLocation, snapshotResourceId } from "../ids";
import { renderSnapshot } from "../render-disk";
import { acceptDiskDelete, acceptDiskWrite, inListScope, observeResourceOperations, readDiskWrite, refuseSourceChange } from "../disk-operation";

/** Snapshots: PUT (202 + DiskOperations headers), GET, DELETE (LRO), list by group or subscription. */

export const putSnapshot: Handler = (ctx, req, params) => {
  const { sub, rg, name, location, properties, tags } = readDiskWrite(ctx, req, params, "snapshot");
  const { source, creationData } = resolveCopySource(ctx.state, properties, sub, location);
  const id = snapshotResourceId(sub, rg, name);
  requireLinked(ctx, req, { action: "Microsoft.Compute/snapshots/write", scope: id }, [{ action: sourceAccessAction(source), scope: source.id }]);
  if (properties.incremental !== undefined && typeof properties.incremental !== "boolean") {
    throw invalidParameter("incremental", "incremental must be true or false.");
  }
  const sourceVm = source.vmKey !== undefined ? ctx.state.vms.get(source.vmKey) : undefined;
  if (sourceVm) {
    req.note.vmId = sourceVm.key;
    req.note.vmName = sourceVm.name;
  }

  const key = canonicalId(id);
  req.note.resourceId = key;
  let snapshot = ctx.state.snapshots.get(key);
  if (snapshot) {
    refuseSourceChange(snapshot, source.key);
    snapshot.tags = tags ?? snapshot.tags;
    snapshot.provisioningState = "Updating";
  } else {
    snapshot = {
      id,
      key,
      subscriptionId: sub,
      resourceGroup: rg,
      name,
      location: normaliseLocation(location),
      tags: tags ?? {},
      incremental: properties.incremental === true,
      creationData,
      hyperVGeneration: source.hyperVGeneration,
      ...(source.securityProfile ? { securityProfile: source.securityProfile } : {}),
      ...(source.vmKey ? { vmKey: source.vmKey } : {}),
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
  observeResourceOperations(ctx, req, snapshot.key);
  return json(200, renderSnapshot(snapshot));
};

export const deleteSnapshot: Handler = (ctx, req, params) => {
  req.note.stateChanging = true;
  const snapshot = findSnapshot(ctx, params);
  if (!snapshot) return { status: 204 };
  req.note.resourceId = snapshot.key;
  ctx.state.snapshots.delete(snapshot.key);
  return acceptDiskDelete(ctx, req, { ...snapshot, ...(snapshot.vmKey ? { vmKey: snapshot.vmKey } : {}) });
};

export const listSnapshots: Handler = (ctx, req, params) => {
  const items = [...ctx.state.snapshots.values()]
    .filter(inListScope(ctx, params))
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(renderSnapshot);
  return json(200, page(req, items, ctx.options.listPageSize));
};
