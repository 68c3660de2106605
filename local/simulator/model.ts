import type { GuestState } from "../guest/guest-state";
import { resourceGroupNotFound, subscriptionNotFound } from "./errors";
import { canonicalId, diskResourceId, normaliseLocation, stableGuid, vmResourceId } from "./ids";
import type { Scenario, ScenarioPowerState, SecurityType } from "./scenario";
import type { VariantChoices } from "./variants";

/** The simulated Azure's resources. Guest state lives on the OS disk, so snapshots and disk swaps carry it. */

export type PowerState = ScenarioPowerState;

export type ResourceProvisioningState = "Succeeded" | "Updating" | "Failed";

export interface SimAgent {
  ready: boolean;
  /** Instance-view reads still to answer Not Ready before Ready; null = stays Not Ready. */
  readsUntilReady: number | null;
  /** Time of the current agent status (a Ready agent reports again at every read: its heartbeat). */
  statusTime: string;
  /** Last boot (restart or start) in ms: a Ready status after it is dated later than it. */
  bootedAtMs: number;
  /** After a boot ("stale-ready"): reads that still show the last Ready status from before the reboot. */
  staleReads?: number;
  /** The time of that stale status. */
  staleTime?: string;
}

/** The security type of a VM: from its OS disk's (Trusted Launch, confidential) when it was created. */
export type VmSecurityType = "Standard" | "TrustedLaunch" | "ConfidentialVM";

/** What every simulated ARM resource has: its ARM ID, that ID in canonical (lower-case) form, and where it is. */
export interface SimResourceIdentity {
  id: string;
  key: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
}

export interface SimVm extends SimResourceIdentity {
  vmId: string;
  vmSize: string;
  tags: Record<string, string>;
  workspaceId?: string;
  powerState: PowerState;
  provisioningState: "Succeeded" | "Updating" | "Failed";
  /** The error of the operation that left the VM Failed (instance view: ProvisioningState/failed/<code>). */
  provisioningError?: { code: string; message: string };
  /** While a power operation runs ("transitional"): the state the instance view shows, and the operation. */
  transition?: { state: "starting" | "stopping" | "deallocating"; operationId: string };
  /** Key of the OS disk in AzureState.disks (managed or not). */
  osDiskKey: string;
  securityType: VmSecurityType;
  /** Availability zones (one, for a zonal VM). */
  zones?: string[];
  agent: SimAgent;
  /** The Run Command operation in progress on this VM. */
  runCommandOperationId?: string;
  timeCreated: string;
}

export interface SimCreationData {
  createOption: string;
  sourceResourceId?: string;
  sourceUniqueId?: string;
}

/** `id` is the ARM ID, or for unmanaged disks their VHD URI. */
/** A disk's or snapshot's securityProfile. */
export interface SimSecurityProfile {
  securityType: Exclude<SecurityType, "Standard">;
  secureVMDiskEncryptionSetId?: string;
}

export interface SimDisk extends SimResourceIdentity {
  managed: boolean;
  ephemeral: boolean;
  hyperVGeneration: "V1" | "V2";
  securityProfile?: SimSecurityProfile;
  zones?: string[];
  sizeGB: number;
  skuName: string;
  tags: Record<string, string>;
  creationData: SimCreationData;
  uniqueId: string;
  timeCreated: string;
  provisioningState: ResourceProvisioningState;
  guest: GuestState;
}

export interface SimSnapshot extends SimResourceIdentity {
  tags: Record<string, string>;
  incremental: boolean;
  creationData: SimCreationData;
  hyperVGeneration: "V1" | "V2";
  securityProfile?: SimSecurityProfile;
  /** The VM whose OS disk the snapshot was taken of, if any (variants follow that VM). */
  vmKey?: string;
  sizeGB: number;
  uniqueId: string;
  timeCreated: string;
  provisioningState: ResourceProvisioningState;
  /** The guest as it was when the snapshot was taken. */
  guest: GuestState;
}

export interface SimWorkspace {
  workspaceId: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
}

export class AzureState {
  readonly vms = new Map<string, SimVm>();
  readonly disks = new Map<string, SimDisk>();
  readonly snapshots = new Map<string, SimSnapshot>();
  readonly workspaces = new Map<string, SimWorkspace>();
  /** Resource Graph's quota and truncation, as the scenario asks; its quota windows per caller. */
  readonly resourceGraph: {
    quota?: { queries: number; windowSeconds: number };
    truncateAfterRows?: number;
    windows: Map<string, { startMs: number; used: number }>;
  };
  /** Variant values per VM (canonical ID) from the scenario. */
  readonly vmVariants = new Map<string, Partial<VariantChoices>>();
  /** Lower-cased subscription ID -> lower-cased resource group names. */
  private readonly groups = new Map<string, Set<string>>();

  constructor(scenario: Scenario, now: Date) {
    const nowIso = now.toISOString();
    this.resourceGraph = { ...(scenario.resourceGraph ?? {}), windows: new Map() };
    for (const vm of scenario.vms) {
      this.addGroup(vm.subscriptionId, vm.resourceGroup);
      const id = vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name);
      const diskId = vm.osDisk.managed
        ? diskResourceId(vm.subscriptionId, vm.resourceGroup, vm.osDisk.name)
        : `https://${storageAccountFor(vm.resourceGroup)}.blob.core.windows.net/vhds/${vm.osDisk.name}.vhd`;
      const disk: SimDisk = {
        id: diskId,
        key: canonicalId(diskId),
        subscriptionId: vm.subscriptionId,
        resourceGroup: vm.resourceGroup,
        name: vm.osDisk.name,
        location: normaliseLocation(vm.location),
        managed: vm.osDisk.managed,
        ephemeral: vm.osDisk.ephemeral ?? false,
        hyperVGeneration: vm.osDisk.hyperVGeneration ?? "V2",
        sizeGB: vm.osDisk.sizeGB ?? 127,
        skuName: vm.osDisk.storageAccountType ?? "Premium_LRS",
        ...securityOf(vm.osDisk.securityType, vm.osDisk.secureVMDiskEncryptionSetId),
        ...(vm.zone !== undefined && vm.osDisk.managed ? { zones: [vm.zone] } : {}),
        tags: {},
        creationData: { createOption: "FromImage" },
        uniqueId: stableGuid(`disk:${canonicalId(diskId)}`),
        timeCreated: nowIso,
        provisioningState: "Succeeded",
        guest: structuredClone(vm.guest),
      };
      this.disks.set(disk.key, disk);
      const running = vm.powerState === "running";
      const simVm: SimVm = {
        id,
        key: canonicalId(id),
        subscriptionId: vm.subscriptionId,
        resourceGroup: vm.resourceGroup,
        name: vm.name,
        location: normaliseLocation(vm.location),
        vmId: stableGuid(`vm:${canonicalId(id)}`),
        vmSize: vm.vmSize ?? "Standard_D2s_v5",
        tags: { ...(vm.tags ?? {}) },
        powerState: vm.powerState,
        provisioningState: "Succeeded",
        osDiskKey: disk.key,
        securityType: vmSecurityType(vm.osDisk.securityType),
        ...(vm.zone !== undefined ? { zones: [vm.zone] } : {}),
        agent: {
          ready: running && vm.agentReady,
          readsUntilReady: running && vm.agentReady ? 0 : null,
          statusTime: nowIso,
          bootedAtMs: Date.parse(vm.guest.bootTime),
        },
        timeCreated: nowIso,
      };
      if (vm.workspaceId !== undefined) {
        simVm.workspaceId = vm.workspaceId.toLowerCase();
        if (!this.workspaces.has(simVm.workspaceId)) {
          this.workspaces.set(simVm.workspaceId, {
            workspaceId: simVm.workspaceId,
            subscriptionId: vm.subscriptionId,
            resourceGroup: vm.resourceGroup,
            name: `law-${simVm.workspaceId.slice(0, 8)}`,
            location: simVm.location,
          });
        }
      }
      this.vms.set(simVm.key, simVm);
      if (vm.variants !== undefined) this.vmVariants.set(simVm.key, vm.variants);
    }
    for (const ws of scenario.workspaces ?? []) {
      this.addGroup(ws.subscriptionId, ws.resourceGroup);
      const key = ws.workspaceId.toLowerCase();
      this.workspaces.set(key, {
        workspaceId: key,
        subscriptionId: ws.subscriptionId,
        resourceGroup: ws.resourceGroup,
        name: ws.name,
        location: normaliseLocation(ws.location ?? "westeurope"),
      });
    }
  }

  /** Throws ARM's 404 when the subscription or resource group does not exist. */
  requireGroup(subscriptionId: string, resourceGroup?: string): void {
    const groups = this.groups.get(subscriptionId.toLowerCase());
    if (!groups) throw subscriptionNotFound(subscriptionId);
    if (resourceGroup !== undefined && !groups.has(resourceGroup.toLowerCase())) throw resourceGroupNotFound(resourceGroup);
  }

  osDisk(vm: SimVm): SimDisk {
    const disk = this.disks.get(vm.osDiskKey);
    if (!disk) throw new Error(`simulator state: VM ${vm.id} has no OS disk ${vm.osDiskKey}`);
    return disk;
  }

  guestOf(vm: SimVm): GuestState {
    return this.osDisk(vm).guest;
  }

  setGuestOf(vm: SimVm, guest: GuestState): void {
    this.osDisk(vm).guest = guest;
  }

  /** The VM whose OS disk this is, if any. */
  vmUsingDisk(diskKey: string): SimVm | undefined {
    for (const vm of this.vms.values()) if (vm.osDiskKey === diskKey) return vm;
    return undefined;
  }

  private addGroup(subscriptionId: string, resourceGroup: string): void {
    const sub = subscriptionId.toLowerCase();
    const set = this.groups.get(sub) ?? new Set<string>();
    set.add(resourceGroup.toLowerCase());
    this.groups.set(sub, set);
  }
}

function securityOf(type: SecurityType | undefined, desId: string | undefined): { securityProfile?: SimSecurityProfile } {
  if (type === undefined || type === "Standard") return {};
  return { securityProfile: { securityType: type, ...(desId !== undefined ? { secureVMDiskEncryptionSetId: desId } : {}) } };
}

/** The VM's securityProfile.securityType that goes with an OS disk security type. */
export function vmSecurityType(diskType: SecurityType | undefined): VmSecurityType {
  if (diskType === undefined || diskType === "Standard") return "Standard";
  return diskType === "TrustedLaunch" ? "TrustedLaunch" : "ConfidentialVM";
}

/** The security type a disk or snapshot has ("Standard" when it has no securityProfile). */
export function diskSecurityType(resource: { securityProfile?: SimSecurityProfile }): SecurityType {
  return resource.securityProfile?.securityType ?? "Standard";
}

/** A storage-account name (3-24 lower-case letters and digits) for a group's unmanaged VHDs. */
function storageAccountFor(resourceGroup: string): string {
  return `${resourceGroup.toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 19)}vhds`;
}
