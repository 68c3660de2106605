import type { VmRef } from "./resource-id";

/** Tags on every snapshot we create: how we find ours (and only ours) to expire them later. */
export const SNAPSHOT_TAGS = {
  createdBy: "rdp-medic-created-by",
  run: "rdp-medic-run",
  vm: "rdp-medic-vm",
  expires: "rdp-medic-expires",
} as const;

export const CREATED_BY_VALUE = "rdp-medic";

export interface SnapshotRequest {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  sourceDiskId: string;
  tags: Record<string, string>;
}

/** The snapshot a run takes before changing anything: incremental, in the VM's resource group, tagged. */
export function snapshotRequest(input: {
  vm: VmRef;
  runId: string;
  location: string;
  osDiskId: string;
  now: Date;
  retentionDays: number;
}): SnapshotRequest {
  const stamp = input.now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z").replace("T", "t").toLowerCase();
  const name = `rdpmedic-${input.vm.name}`.slice(0, 60) + `-${stamp}`;
  const expires = new Date(input.now.getTime() + input.retentionDays * 86_400_000).toISOString();
  return {
    subscriptionId: input.vm.subscriptionId,
    resourceGroup: input.vm.resourceGroup,
    name,
    location: input.location,
    sourceDiskId: input.osDiskId,
    tags: {
      [SNAPSHOT_TAGS.createdBy]: CREATED_BY_VALUE,
      [SNAPSHOT_TAGS.run]: input.runId,
      [SNAPSHOT_TAGS.vm]: input.vm.id,
      [SNAPSHOT_TAGS.expires]: expires,
    },
  };
}

export function snapshotId(request: SnapshotRequest): string {
  return `/subscriptions/${request.subscriptionId}/resourcegroups/${request.resourceGroup}/providers/microsoft.compute/snapshots/${request.name.toLowerCase()}`;
}
