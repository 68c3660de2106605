import type { ComputeManagementClient } from "@azure/arm-compute";
import type { VmRef } from "../domain/resource-id";
import type { PowerState, VmStatus } from "../domain/vm-status";

const POWER_STATES: readonly PowerState[] = ["running", "starting", "stopping", "stopped", "deallocating", "deallocated"];

/** Reads the VM with its instance view; undefined when it does not exist (404). */
export async function readVmStatus(client: ComputeManagementClient, vm: VmRef): Promise<VmStatus | undefined> {
  let machine;
  try {
    machine = await client.virtualMachines.get(vm.resourceGroup, vm.name, { expand: "instanceView" });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
  const view = machine.instanceView;
  const powerCode = view?.statuses?.find((s) => s.code?.startsWith("PowerState/"))?.code?.slice("PowerState/".length);
  const failed = view?.statuses?.find((s) => /^ProvisioningState\/failed\b/i.test(s.code ?? ""));
  const agent = view?.vmAgent?.statuses?.[0];
  const osDisk = machine.storageProfile?.osDisk;
  const status: VmStatus = {
    vm,
    location: machine.location,
    computerName: machine.osProfile?.computerName ?? view?.computerName,
    osType: osDisk?.osType,
    powerState: POWER_STATES.find((p) => p === powerCode) ?? "unknown",
    agentReady: agent?.displayStatus === "Ready" && (agent.code ?? "").toLowerCase() === "provisioningstate/succeeded",
    agentStatusTime: agent?.time ? new Date(agent.time).toISOString() : undefined,
    osDisk: {
      name: osDisk?.name,
      managedDiskId: osDisk?.managedDisk?.id?.toLowerCase(),
      ephemeral: osDisk?.diffDiskSettings?.option?.toLowerCase() === "local",
    },
    tags: machine.tags ?? {},
  };
  if (failed) {
    const code = failed.code?.split("/")[2] || "Failed";
    status.provisioningError = `${code}: ${(failed.message ?? failed.displayStatus ?? "provisioning failed").slice(0, 300)}`;
  }
  return status;
}
