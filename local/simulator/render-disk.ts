import type { AzureState, SimDisk, SimSecurityProfile, SimSnapshot } from "./model";

/** Disk and snapshot bodies in ARM's wire shape. */

export function renderDisk(state: AzureState, disk: SimDisk): Record<string, unknown> {
  const owner = state.vmUsingDisk(disk.key);
  const body: Record<string, unknown> = {
    name: disk.name,
    id: disk.id,
    type: "Microsoft.Compute/disks",
    location: disk.location,
    tags: { ...disk.tags },
    sku: { name: disk.skuName, tier: disk.skuName.startsWith("Premium") ? "Premium" : "Standard" },
    properties: {
      osType: "Windows",
      hyperVGeneration: disk.hyperVGeneration,
      creationData: { ...disk.creationData },
      diskSizeGB: disk.sizeGB,
      diskSizeBytes: disk.sizeGB * 1024 ** 3,
      uniqueId: disk.uniqueId,
      provisioningState: disk.provisioningState,
      timeCreated: disk.timeCreated,
      diskState: owner ? (owner.powerState === "deallocated" ? "Reserved" : "Attached") : "Unattached",
      encryption: { type: "EncryptionAtRestWithPlatformKey" },
      networkAccessPolicy: "AllowAll",
      publicNetworkAccess: "Enabled",
    },
  };
  if (disk.securityProfile) (body.properties as Record<string, unknown>).securityProfile = securityProfileBody(disk.securityProfile);
  if (disk.zones) body.zones = [...disk.zones];
  if (owner) body.managedBy = owner.id;
  return body;
}

function securityProfileBody(profile: SimSecurityProfile): Record<string, unknown> {
  return { ...profile };
}

export function renderSnapshot(snapshot: SimSnapshot): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    osType: "Windows",
    hyperVGeneration: snapshot.hyperVGeneration,
    creationData: { ...snapshot.creationData },
    diskSizeGB: snapshot.sizeGB,
    diskSizeBytes: snapshot.sizeGB * 1024 ** 3,
    uniqueId: snapshot.uniqueId,
    provisioningState: snapshot.provisioningState,
    timeCreated: snapshot.timeCreated,
    incremental: snapshot.incremental,
    diskState: "Unattached",
    encryption: { type: "EncryptionAtRestWithPlatformKey" },
    networkAccessPolicy: "AllowAll",
    publicNetworkAccess: "Enabled",
    completionPercent: 100,
  };
  if (snapshot.securityProfile) properties.securityProfile = securityProfileBody(snapshot.securityProfile);
  if (snapshot.incremental && snapshot.creationData.sourceUniqueId) {
    properties.incrementalSnapshotFamilyId = snapshot.creationData.sourceUniqueId;
  }
  return {
    name: snapshot.name,
    id: snapshot.id,
    type: "Microsoft.Compute/snapshots",
    location: snapshot.location,
    tags: { ...snapshot.tags },
    sku: { name: snapshot.incremental ? "Standard_ZRS" : "Standard_LRS", tier: "Standard" },
    properties,
  };
}
