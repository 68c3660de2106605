import type { GuestState } from "../guest/guest-state";
import { type AzureState, diskSecurityType, type PowerState, type SimDisk, type SimSnapshot, type SimVm } from "./model";

/** Read-only copies of the simulator's state for tests and the CLI. */

export interface VmView {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  powerState: PowerState;
  agentReady: boolean;
  provisioningState: string;
  osDiskId: string;
  osDiskName: string;
  tags: Record<string, string>;
  workspaceId?: string;
  runCommandInProgress: boolean;
  /** The VM's securityProfile.securityType ("Standard" when it has none). */
  securityType: string;
  zones?: string[];
  provisioningError?: { code: string; message: string };
}

export interface SnapshotView {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  incremental: boolean;
  sourceResourceId?: string;
  provisioningState: string;
  timeCreated: string;
  /** securityProfile.securityType ("Standard" when the snapshot has none). */
  securityType: string;
  /** The guest as captured when the snapshot was taken. */
  guest: GuestState;
}

export interface DiskView {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  sourceResourceId?: string;
  provisioningState: string;
  /** ID of the VM whose OS disk this is. */
  attachedTo?: string;
  /** securityProfile.securityType ("Standard" when the disk has none). */
  securityType: string;
  hyperVGeneration: "V1" | "V2";
  zones?: string[];
  guest: GuestState;
}

export function vmView(state: AzureState, vm: SimVm): VmView {
  const disk = state.osDisk(vm);
  const view: VmView = {
    id: vm.id,
    subscriptionId: vm.subscriptionId,
    resourceGroup: vm.resourceGroup,
    name: vm.name,
    location: vm.location,
    powerState: vm.powerState,
    agentReady: vm.agent.ready && vm.powerState === "running",
    provisioningState: vm.provisioningState,
    osDiskId: disk.id,
    osDiskName: disk.name,
    tags: { ...vm.tags },
    runCommandInProgress: vm.runCommandOperationId !== undefined,
    securityType: vm.securityType,
  };
  if (vm.workspaceId !== undefined) view.workspaceId = vm.workspaceId;
  if (vm.zones) view.zones = [...vm.zones];
  if (vm.provisioningError) view.provisioningError = { ...vm.provisioningError };
  return view;
}

export function snapshotView(snapshot: SimSnapshot): SnapshotView {
  const view: SnapshotView = {
    id: snapshot.id,
    name: snapshot.name,
    resourceGroup: snapshot.resourceGroup,
    location: snapshot.location,
    tags: { ...snapshot.tags },
    incremental: snapshot.incremental,
    provisioningState: snapshot.provisioningState,
    timeCreated: snapshot.timeCreated,
    securityType: diskSecurityType(snapshot),
    guest: structuredClone(snapshot.guest),
  };
  if (snapshot.creationData.sourceResourceId !== undefined) view.sourceResourceId = snapshot.creationData.sourceResourceId;
  return view;
}

export function diskView(state: AzureState, disk: SimDisk): DiskView {
  const view: DiskView = {
    id: disk.id,
    name: disk.name,
    resourceGroup: disk.resourceGroup,
    location: disk.location,
    tags: { ...disk.tags },
    provisioningState: disk.provisioningState,
    securityType: diskSecurityType(disk),
    hyperVGeneration: disk.hyperVGeneration,
    guest: structuredClone(disk.guest),
  };
  if (disk.zones) view.zones = [...disk.zones];
  if (disk.creationData.sourceResourceId !== undefined) view.sourceResourceId = disk.creationData.sourceResourceId;
  const owner = state.vmUsingDisk(disk.key);
  if (owner) view.attachedTo = owner.id;
  return view;
}
