import type { VirtualMachine } from "@azure/arm-compute";
import { vmRef, type VmRef } from "../domain/resource-id";
import type { Scope } from "../domain/scope";
import type { ComputeClients } from "./compute-client";

/**
 * Finds VMs in the allowed scopes whose VM name or guest computer name matches (case-insensitively).
 * Used for log alerts that carry only a Computer dimension. Lists only inside the allowed scopes.
 */
export async function findVmsByComputerName(
  clients: ComputeClients,
  scopes: readonly Scope[],
  computerNames: readonly string[],
): Promise<Map<string, VmRef[]>> {
  const wanted = new Set(computerNames.map((n) => n.toLowerCase()));
  const found = new Map<string, VmRef[]>([...wanted].map((n) => [n, []]));
  if (wanted.size === 0) return found;
  for (const scope of scopes) {
    const client = clients.forSubscription(scope.subscriptionId);
    const pages = scope.resourceGroup ? client.virtualMachines.list(scope.resourceGroup) : client.virtualMachines.listAll();
    for await (const machine of pages) {
      const ref = refOf(machine);
      if (!ref) continue;
      const names = new Set([ref.name, machine.osProfile?.computerName?.toLowerCase()].filter((n): n is string => !!n));
      for (const name of names) {
        const shortName = name.split(".")[0] ?? name;
        for (const candidate of [name, shortName]) {
          const list = found.get(candidate);
          if (list && !list.some((v) => v.id === ref.id)) list.push(ref);
        }
      }
    }
  }
  return found;
}

function refOf(machine: VirtualMachine): VmRef | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/virtualmachines\/([^/]+)$/i.exec(
    machine.id ?? "",
  );
  return match ? vmRef(match[1]!, match[2]!, match[3]!) : undefined;
}
