import type { GuestState } from "../guest/guest-state";
import { ArmError, invalidParameter, resourceNotFound } from "./errors";
import { canonicalId, normaliseLocation } from "./ids";
import type { AzureState, SimCreationData, SimSecurityProfile } from "./model";
import { isRecord } from "./validate";

/** The source of a snapshot or disk created with createOption Copy: a managed disk or a snapshot. */
export interface CopySource {
  key: string;
  id: string;
  uniqueId: string;
  location: string;
  sizeGB: number;
  hyperVGeneration: "V1" | "V2";
  skuName?: string;
  /** Trusted Launch and confidential sources: a copy inherits their securityProfile. */
  securityProfile?: SimSecurityProfile;
  /** The VM the source belongs to (its OS disk, or a snapshot of it). */
  vmKey?: string;
  /** A copy of the guest on the source, as of now. */
  guest: GuestState;
}

/** The linked action ARM checks on a copy's source: reading it out (beginGetAccess) of the disk or snapshot. */
export function sourceAccessAction(source: CopySource): string {
  return /\/providers\/microsoft\.compute\/disks\//i.test(source.id) ? "Microsoft.Compute/disks/beginGetAccess/action" : "Microsoft.Compute/snapshots/beginGetAccess/action";
}

/** What Azure answers when a create with Copy names a security type (the copy inherits the source's). */
export function refuseSecurityTypeOnCopy(properties: Record<string, unknown>): void {
  const profile = properties.securityProfile;
  const type = isRecord(profile) ? profile.securityType : undefined;
  if (typeof type !== "string" || type === "Standard") return;
  // Azure's wording (azure-cli#22561, azure-powershell#24253, terraform-provider-azurerm#20030).
  const options = type === "TrustedLaunch" ? "FromImage, Import, ImportSecure, UploadPreparedSecure" : "FromImage, ImportSecure, UploadPreparedSecure";
  throw new ArmError(400, "BadRequest", `Security Type '${type}' is not supported for CreateOption 'Copy'. Supported create options are ${options}.`);
}

const SOURCE_ID =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/(disks|snapshots)\/([^/]+)$/;

/** Validates `properties.creationData` for a Copy and finds its source; `location` must be the source's region. */
export function resolveCopySource(
  state: AzureState,
  properties: Record<string, unknown>,
  subscriptionId: string,
  location: string,
): { source: CopySource; creationData: SimCreationData } {
  const creationData = properties.creationData;
  if (!isRecord(creationData)) throw invalidParameter("creationData", "Required parameter 'creationData' is missing (null).");
  const createOption = creationData.createOption;
  if (typeof createOption !== "string") throw invalidParameter("creationData.createOption", "Required parameter 'createOption' is missing (null).");
  if (createOption.toLowerCase() !== "copy") {
    throw new ArmError(501, "NotImplementedInSimulator", `The simulator creates disks and snapshots with createOption 'Copy' only, not '${createOption}'.`);
  }
  const sourceId = creationData.sourceResourceId;
  if (typeof sourceId !== "string" || sourceId === "") {
    throw invalidParameter("creationData.sourceResourceId", "Required parameter 'sourceResourceId' is missing (null).");
  }
  const key = canonicalId(sourceId.startsWith("/") ? sourceId : `/${sourceId}`);
  const match = SOURCE_ID.exec(key);
  if (!match) throw invalidParameter("creationData.sourceResourceId", `'${sourceId}' is not a disk or snapshot resource ID.`);
  const [, sub, rg, type, name] = match as unknown as [string, string, string, string, string];
  if (sub !== subscriptionId.toLowerCase()) {
    throw invalidParameter("creationData.sourceResourceId", `The source '${sourceId}' must be in subscription '${subscriptionId}'.`);
  }
  let source: CopySource;
  if (type === "disks") {
    const disk = state.disks.get(key);
    if (!disk || !disk.managed) throw resourceNotFound("Microsoft.Compute/disks", name, rg);
    if (disk.ephemeral) throw new ArmError(409, "OperationNotAllowed", `Disk '${disk.name}' is an ephemeral OS disk; it cannot be copied or snapshotted.`);
    const owner = state.vmUsingDisk(disk.key);
    source = {
      key,
      id: disk.id,
      uniqueId: disk.uniqueId,
      location: disk.location,
      sizeGB: disk.sizeGB,
      hyperVGeneration: disk.hyperVGeneration,
      skuName: disk.skuName,
      ...(disk.securityProfile ? { securityProfile: { ...disk.securityProfile } } : {}),
      ...(owner ? { vmKey: owner.key } : {}),
      guest: structuredClone(disk.guest),
    };
  } else {
    const snap = state.snapshots.get(key);
    if (!snap) throw resourceNotFound("Microsoft.Compute/snapshots", name, rg);
    if (snap.provisioningState !== "Succeeded") throw new ArmError(409, "OperationNotAllowed", `Snapshot '${snap.name}' is not ready (provisioningState ${snap.provisioningState}).`);
    source = {
      key,
      id: snap.id,
      uniqueId: snap.uniqueId,
      location: snap.location,
      sizeGB: snap.sizeGB,
      hyperVGeneration: snap.hyperVGeneration,
      ...(snap.securityProfile ? { securityProfile: { ...snap.securityProfile } } : {}),
      ...(snap.vmKey ? { vmKey: snap.vmKey } : {}),
      guest: structuredClone(snap.guest),
    };
  }
  refuseSecurityTypeOnCopy(properties);
  if (normaliseLocation(location) !== source.location) {
    throw invalidParameter("location", `The resource's location '${location}' must be the source's region '${source.location}'.`);
  }
  return { source, creationData: { createOption: "Copy", sourceResourceId: source.id, sourceUniqueId: source.uniqueId } };
}
