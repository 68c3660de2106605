import type { AzureState, SimVm } from "./model";

/** VM and instance-view bodies in ARM's wire shape (`properties` not flattened). */

const POWER_DISPLAY: Record<SimVm["powerState"], string> = {
  running: "VM running",
  deallocated: "VM deallocated",
  stopped: "VM stopped",
};

export function renderVm(state: AzureState, vm: SimVm, instanceView?: Record<string, unknown>): Record<string, unknown> {
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
  if (disk.managed) osDisk.managedDisk = { storageAccountType: disk.skuName, id: disk.id };
  else osDisk.vhd = { uri: disk.id };
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
      networkInterfaces: [
        { id: `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${vm.name}-nic` },
      ],
    },
    diagnosticsProfile: { bootDiagnostics: { enabled: true } },
    provisioningState: vm.provisioningState,
    timeCreated: vm.timeCreated,
  };
  if (instanceView !== undefined) properties.instanceView = instanceView;
  return {
    name: vm.name,
    id: vm.id,
    type: "Microsoft.Compute/virtualMachines",
    location: vm.location,
    tags: { ...vm.tags },
    properties,
  };
}

/**
 * Reads the instance view the way Azure reports it. Counts as one agent observation: after a restart or start the
 * agent answers Not Ready for `agentReadyAfterPolls` reads, then Ready with a status time after the boot.
 */
export function readInstanceView(state: AzureState, vm: SimVm, now: Date): Record<string, unknown> {
  observeAgent(vm, now);
  const disk = state.osDisk(vm);
  const guest = state.guestOf(vm);
  const view: Record<string, unknown> = {
    computerName: guest.computerName,
    osName: "Windows Server 2022 Datacenter Azure Edition",
    osVersion: guest.osVersion,
    hyperVGeneration: disk.hyperVGeneration,
    disks: [
      {
        name: disk.name,
        statuses: [{ code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Provisioning succeeded", time: disk.timeCreated }],
      },
    ],
    bootDiagnostics: {},
    statuses: [
      {
        code: `ProvisioningState/${vm.provisioningState.toLowerCase()}`,
        level: "Info",
        displayStatus: vm.provisioningState === "Succeeded" ? "Provisioning succeeded" : "Updating",
        time: vm.timeCreated,
      },
      { code: `PowerState/${vm.powerState}`, level: "Info", displayStatus: POWER_DISPLAY[vm.powerState] },
    ],
  };
  if (vm.powerState !== "deallocated") view.vmAgent = renderAgent(vm);
  return view;
}

function observeAgent(vm: SimVm, now: Date): void {
  const agent = vm.agent;
  if (vm.powerState !== "running" || agent.ready || agent.readsUntilReady === null) return;
  if (agent.readsUntilReady > 0) {
    agent.readsUntilReady -= 1;
    return;
  }
  agent.ready = true;
  agent.statusTime = new Date(Math.max(now.getTime(), agent.bootedAtMs + 1)).toISOString();
}

function renderAgent(vm: SimVm): Record<string, unknown> {
  if (vm.agent.ready && vm.powerState === "running") {
    return {
      vmAgentVersion: "2.7.41491.1102",
      statuses: [
        {
          code: "ProvisioningState/succeeded",
          level: "Info",
          displayStatus: "Ready",
          message: "GuestAgent is running and processing the extensions.",
          time: vm.agent.statusTime,
        },
      ],
      extensionHandlers: [],
    };
  }
  return {
    vmAgentVersion: "Unknown",
    statuses: [
      {
        code: "ProvisioningState/Unavailable",
        level: "Warning",
        displayStatus: "Not Ready",
        message: "VM Agent is unresponsive.",
        time: vm.agent.statusTime,
      },
    ],
    extensionHandlers: [],
  };
}
