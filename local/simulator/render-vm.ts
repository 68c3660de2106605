import { noteVariant, type SimContext, variantFor } from "./context";
import type { SimRequest } from "./http";
import type { SimVm } from "./model";
import { effectivePowerState } from "./vm-state";

/** VM and instance-view bodies in ARM's wire shape (`properties` not flattened). */

const POWER_DISPLAY: Record<string, string> = {
  running: "VM running",
  deallocated: "VM deallocated",
  stopped: "VM stopped",
  starting: "VM starting",
  stopping: "VM stopping",
  deallocating: "VM deallocating",
};

export function renderVm(ctx: SimContext, vm: SimVm, instanceView?: Record<string, unknown>): Record<string, unknown> {
  const state = ctx.state;
  const disk = state.osDisk(vm);
  const guest = state.guestOf(vm);
  const osDisk: Record<string, unknown> = {
    osType: "Windows",
    name: disk.name,
    createOption: "FromImage",
    caching: disk.ephemeral ? "ReadOnly" : "ReadWrite",
    diskSizeGB: disk.sizeGB,
    deleteOption: "Detach",
  };
  if (disk.managed) {
    const managedDisk: Record<string, unknown> = { storageAccountType: disk.skuName, id: disk.id };
    // A confidential VM's OS disk names its encryption type on the VM as well.
    if (vm.securityType === "ConfidentialVM" && disk.securityProfile) {
      managedDisk.securityProfile = { securityEncryptionType: confidentialEncryption(disk.securityProfile.securityType) };
    }
    osDisk.managedDisk = managedDisk;
  } else osDisk.vhd = { uri: disk.id };
  if (disk.ephemeral) osDisk.diffDiskSettings = { option: "Local", placement: "CacheDisk" };
  const properties: Record<string, unknown> = {
    vmId: vm.vmId,
    hardwareProfile: { vmSize: vm.vmSize },
    storageProfile: {
      imageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
      osDisk,
      dataDisks: [],
    },
    osProfile: {
      computerName: guest.computerName,
      adminUsername: "azureadmin",
      windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true },
      secrets: [],
      allowExtensionOperations: true,
    },
    networkProfile: {
      networkInterfaces: [{ id: nicId(vm) }],
    },
    diagnosticsProfile: { bootDiagnostics: { enabled: true } },
    provisioningState: vm.provisioningState,
    timeCreated: vm.timeCreated,
  };
  if (vm.securityType !== "Standard") {
    properties.securityProfile = { securityType: vm.securityType, uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } };
  }
  if (instanceView !== undefined) properties.instanceView = instanceView;
  const body: Record<string, unknown> = {
    name: vm.name,
    id: vm.id,
    type: "Microsoft.Compute/virtualMachines",
    location: vm.location,
    tags: { ...vm.tags },
    properties,
  };
  if (vm.zones) body.zones = [...vm.zones];
  return body;
}

/** The VM's network interface (the VM links it: an update checks the caller may join it). */
export function nicId(vm: SimVm): string {
  return `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${vm.name}-nic`;
}

function confidentialEncryption(diskType: string): string {
  if (diskType === "ConfidentialVM_VMGuestStateOnlyEncryptedWithPlatformKey") return "VMGuestStateOnly";
  if (diskType === "ConfidentialVM_NonPersistedTPM") return "NonPersistedTPM";
  return "DiskWithVMGuestState";
}

/**
 * Reads the instance view the way Azure reports it. Counts as one agent observation: after a restart or start the
 * agent answers Not Ready for `agentReadyAfterPolls` reads (or, "stale-ready", first its last Ready status from
 * before the boot), then Ready. A Ready agent reports at every read (its heartbeat), so its status time is the read's.
 */
export function readInstanceView(ctx: SimContext, req: SimRequest, vm: SimVm): Record<string, unknown> {
  const state = ctx.state;
  const now = ctx.options.clock();
  const wholeSeconds = variantFor(ctx, req, "agentTime", vm.key) === "whole-seconds";
  const time = (iso: string) => (wholeSeconds ? `${iso.slice(0, 19)}+00:00` : iso);
  const stale = vm.agent.staleReads !== undefined && vm.agent.staleReads > 0;
  if (stale) {
    vm.agent.staleReads = (vm.agent.staleReads as number) - 1;
    noteVariant(req, "agent", "stale-ready");
  } else observeAgent(vm, now);
  const disk = state.osDisk(vm);
  const guest = state.guestOf(vm);
  const power = effectivePowerState(ctx, vm);
  const view: Record<string, unknown> = {
    computerName: guest.computerName,
    osName: "Windows Server 2022 Datacenter Azure Edition",
    osVersion: guest.osVersion,
    hyperVGeneration: disk.hyperVGeneration,
    disks: [
      {
        name: disk.name,
        statuses: [{ code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Provisioning succeeded", time: time(disk.timeCreated) }],
      },
    ],
    bootDiagnostics: {},
    statuses: [provisioningStatus(vm, time), { code: `PowerState/${power}`, level: "Info", displayStatus: POWER_DISPLAY[power] }],
  };
  if (power !== "deallocated") view.vmAgent = stale ? readyAgent(time(vm.agent.staleTime as string)) : renderAgent(vm, time);
  return view;
}

function provisioningStatus(vm: SimVm, time: (iso: string) => string): Record<string, unknown> {
  if (vm.provisioningState === "Failed") {
    const error = vm.provisioningError ?? { code: "InternalExecutionError", message: "The last operation on the VM failed." };
    return { code: `ProvisioningState/failed/${error.code}`, level: "Error", displayStatus: "Provisioning failed", message: error.message, time: time(vm.timeCreated) };
  }
  return {
    code: `ProvisioningState/${vm.provisioningState.toLowerCase()}`,
    level: "Info",
    displayStatus: vm.provisioningState === "Succeeded" ? "Provisioning succeeded" : "Updating",
    time: time(vm.timeCreated),
  };
}

function observeAgent(vm: SimVm, now: Date): void {
  const agent = vm.agent;
  if (vm.powerState !== "running") return;
  if (agent.ready) {
    agent.statusTime = new Date(Math.max(now.getTime(), agent.bootedAtMs + 1, Date.parse(agent.statusTime))).toISOString();
    return;
  }
  if (agent.readsUntilReady === null) return;
  if (agent.readsUntilReady > 0) {
    agent.readsUntilReady -= 1;
    return;
  }
  agent.ready = true;
  agent.statusTime = new Date(Math.max(now.getTime(), agent.bootedAtMs + 1)).toISOString();
}

function readyAgent(time: string): Record<string, unknown> {
  return {
    vmAgentVersion: "2.7.41491.1102",
    statuses: [
      {
        code: "ProvisioningState/succeeded",
        level: "Info",
        displayStatus: "Ready",
        message: "GuestAgent is running and processing the extensions.",
        time,
      },
    ],
    extensionHandlers: [],
  };
}

function renderAgent(vm: SimVm, time: (iso: string) => string): Record<string, unknown> {
  if (vm.agent.ready && vm.powerState === "running") return readyAgent(time(vm.agent.statusTime));
  return {
    vmAgentVersion: "Unknown",
    statuses: [
      {
        code: "ProvisioningState/Unavailable",
        level: "Warning",
        displayStatus: "Not Ready",
        message: "VM Agent is unresponsive.",
        time: time(vm.agent.statusTime),
      },
    ],
    extensionHandlers: [],
  };
}
