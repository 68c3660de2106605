import type { OperationRef } from "../domain/operation";
import type { VmRef } from "../domain/resource-id";
import type { ComputeClients } from "./compute-client";
import { submitOperation } from "./long-operations";

/** Starts an action Run Command (RunPowerShellScript) with the script's lines and its parameters. */
export function startRunCommand(
  clients: ComputeClients,
  vm: VmRef,
  script: { name: string; text: string; parameters: Record<string, string> },
): Promise<OperationRef> {
  const client = clients.forSubscription(vm.subscriptionId);
  return submitOperation(
    "runCommand",
    vm.subscriptionId,
    () =>
      client.virtualMachines.runCommand(vm.resourceGroup, vm.name, {
        commandId: "RunPowerShellScript",
        script: script.text.split(/\r?\n/),
        parameters: Object.entries(script.parameters).map(([name, value]) => ({ name, value })),
      }),
    script.name,
  );
}

export function startRestart(clients: ComputeClients, vm: VmRef): Promise<OperationRef> {
  const client = clients.forSubscription(vm.subscriptionId);
  return submitOperation("restart", vm.subscriptionId, () => client.virtualMachines.restart(vm.resourceGroup, vm.name));
}
