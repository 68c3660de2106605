import { findDisk, type Handler } from "../context";
import { resolveCopySource, sourceAccessAction } from "../copy-source";
import { requireLinked } from "../route-permissions";
import { ArmError, resourceNotFound } from "../errors";
import { json, page } from "../http";
import { canonicalId, diskResourceId, newGuid, normaliseLocation } from "../ids";
import type { SimDisk } from "../model";
import { renderDisk } from "../render-disk";
import { isRecord } from "../validate";
import { acceptDiskDelete, acceptDiskWrite, inListScope, observeResourceOperations, readDiskWrite, refuseSourceChange } from "../disk-operation";

/** Managed disks: GET, PUT (create by copying a snapshot or disk; LRO), DELETE (unattached only), list. */

export const putDisk: Handler = (ctx, req, params) => {
  const { sub, rg, name, location, body, properties, tags } = readDiskWrite(ctx, req, params, "disk");
  const id = diskResourceId(sub, rg, name);
  const key = canonicalId(id);
  req.note.resourceId = key;
  const existing = ctx.state.disks.get(key);
  if (existing && !existing.managed) throw new ArmError(409, "Conflict", `'${name}' is an unmanaged disk.`);
  const { source, creationData } = resolveCopySource(ctx.state, properties, sub, location);
  requireLinked(ctx, req, { action: "Microsoft.Compute/disks/write", scope: id }, [{ action: sourceAccessAction(source), scope: source.id }]);
  const generation = properties.hyperVGeneration;
  if (generation !== undefined && generation !== "V1" && generation !== "V2") {
    throw new ArmError(400, "InvalidParameter", "hyperVGeneration must be V1 or V2.", { target: "hyperVGeneration" });
  }
  if (generation !== undefined && generation !== source.hyperVGeneration && source.securityProfile) {
    throw new ArmError(
      400,
      "BadRequest",
      `Hyper-V generation '${generation}' is not supported for the security type '${source.securityProfile.securityType}' of the source; it needs '${source.hyperVGeneration}'.`,
    );
  }
  const zones = readZones(body.zones);
  const skuName = isRecord(body.sku) && typeof body.sku.name === "string" ? body.sku.name : undefined;

  let disk: SimDisk;
  if (existing) {
    refuseSourceChange(existing, source.key);
    disk = existing;
    disk.tags = tags ?? disk.tags;
    disk.provisioningState = "Updating";
  } else {
    disk = {
      id,
      key,
      subscriptionId: sub,
      resourceGroup: rg,
      name,
      location: normaliseLocation(location),
      managed: true,
      ephemeral: false,
      hyperVGeneration: (generation as "V1" | "V2" | undefined) ?? source.hyperVGeneration,
      ...(source.securityProfile ? { securityProfile: source.securityProfile } : {}),
      ...(zones ? { zones } : {}),
      sizeGB: typeof properties.diskSizeGB === "number" ? properties.diskSizeGB : source.sizeGB,
      skuName: skuName ?? source.skuName ?? "Premium_LRS",
      tags: tags ?? {},
      creationData,
      uniqueId: newGuid(),
      timeCreated: ctx.options.clock().toISOString(),
      provisioningState: "Updating",
      guest: source.guest,
    };
    ctx.state.disks.set(key, disk);
  }
  const created = disk;
  if (source.vmKey !== undefined) {
    req.note.vmId = source.vmKey;
    const vm = ctx.state.vms.get(source.vmKey);
    if (vm) req.note.vmName = vm.name;
  }
  return acceptDiskWrite(ctx, req, {
    subscriptionId: sub,
    resourceKey: key,
    ...(source.vmKey !== undefined ? { vmKey: source.vmKey } : {}),
    resource: created,
    render: () => renderDisk(ctx.state, created),
  });
};

function readZones(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== "string" || !/^[1-3]$/.test(value[0])) {
    throw new ArmError(400, "InvalidParameter", "zones must name one availability zone: [\"1\"], [\"2\"] or [\"3\"].", { target: "zones" });
  }
  return [value[0]];
}

export const getDisk: Handler = (ctx, req, params) => {
  const disk = findDisk(ctx, params);
  if (!disk) throw resourceNotFound("Microsoft.Compute/disks", params.disk as string, params.rg as string);
  req.note.resourceId = disk.key;
  observeResourceOperations(ctx, req, disk.key);
  return json(200, renderDisk(ctx.state, disk));
};

export const deleteDisk: Handler = (ctx, req, params) => {
  req.note.stateChanging = true;
  const disk = findDisk(ctx, params);
  if (!disk) return { status: 204 };
  req.note.resourceId = disk.key;
  const holder = ctx.state.vmUsingDisk(disk.key);
  if (holder) throw new ArmError(409, "OperationNotAllowed", `Disk ${disk.name} is attached to VM ${holder.id}.`);
  ctx.state.disks.delete(disk.key);
  return acceptDiskDelete(ctx, req, disk);
};

export const listDisks: Handler = (ctx, req, params) => {
  const inScope = inListScope(ctx, params);
  const items = [...ctx.state.disks.values()]
    .filter((d) => d.managed && inScope(d))
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((d) => renderDisk(ctx.state, d));
  return json(200, page(req, items, ctx.options.listPageSize));
};
