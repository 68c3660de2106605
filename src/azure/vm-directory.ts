import type { VirtualMachine } from "@azure/arm-compute";
import { vmRef, type VmRef } from "../domain/resource-id";
import type { Scope } from "../domain/scope";
import type { ComputeClients } from "./compute-client";

/**
 * The VMs of the allowed scopes by VM name and guest computer name (case-insensitively), for log alerts that carry
 * only a Computer dimension. Lists only inside the allowed scopes, at most once per `ttlMs` however many alerts
 * arrive (concurrent lookups share one listing), and holds at most `maxVms` VMs.
 */
export interface VmDirectory {
  /** Each name with the VMs it matches (none, one, or several: ambiguous). */
  find(computerNames: readonly string[]): Promise<Map<string, VmRef[]>>;
}

export interface VmDirectoryOptions {
  /** How long one listing answers lookups (default 60 s). */
  ttlMs?: number;
  /** Most VMs listed; a larger fleet is refused for name lookups (VmDirectoryTooLarge) rather than held in memory. */
  maxVms?: number;
  now?: () => number;
}

/** The allowed scopes hold more VMs than the directory keeps: name the VMs by resource ID instead. */
export class VmDirectoryTooLarge extends Error {
  override readonly name = "VmDirectoryTooLarge";
}

export const VM_DIRECTORY_DEFAULTS = { ttlMs: 60_000, maxVms: 50_000 } as const;

export function createVmDirectory(clients: ComputeClients, scopes: readonly Scope[], options: VmDirectoryOptions = {}): VmDirectory {
  const ttlMs = options.ttlMs ?? VM_DIRECTORY_DEFAULTS.ttlMs;
  const maxVms = options.maxVms ?? VM_DIRECTORY_DEFAULTS.maxVms;
  const now = options.now ?? Date.now;
  let index: { at: number; byName: Map<string, VmRef[]> } | undefined;
  let listing: Promise<Map<string, VmRef[]>> | undefined;

  async function build(): Promise<Map<string, VmRef[]>> {
    const byName = new Map<string, VmRef[]>();
    let count = 0;
    for (const scope of scopes) {
      const client = clients.forSubscription(scope.subscriptionId);
      const pages = scope.resourceGroup ? client.virtualMachines.list(scope.resourceGroup) : client.virtualMachines.listAll();
      for await (const machine of pages) {
        const ref = refOf(machine);
        if (!ref) continue;
        if (++count > maxVms) {
          throw new VmDirectoryTooLarge(`the allowed scopes hold more than ${maxVms} VMs: computer names are not looked up; name VMs by _ResourceId`);
        }
        for (const name of namesOf(ref, machine)) {
          const list = byName.get(name) ?? [];
          if (!list.some((v) => v.id === ref.id)) list.push(ref);
          byName.set(name, list);
        }
      }
    }
    return byName;
  }

  async function current(): Promise<Map<string, VmRef[]>> {
    if (index && now() - index.at < ttlMs) return index.byName;
    listing ??= build()
      .then((byName) => {
        index = { at: now(), byName };
        return byName;
      })
      .finally(() => {
        listing = undefined;
      });
    return listing;
  }

  return {
    async find(computerNames) {
      const wanted = [...new Set(computerNames.map((n) => n.toLowerCase()))];
      if (wanted.length === 0) return new Map();
      const byName = await current();
      return new Map(wanted.map((name) => [name, [...(byName.get(name) ?? [])]]));
    },
  };
}

/** The VM name and the guest computer name, each also without its domain part. */
function namesOf(ref: VmRef, machine: VirtualMachine): string[] {
  const names = new Set<string>();
  for (const name of [ref.name, machine.osProfile?.computerName?.toLowerCase()]) {
    if (!name) continue;
    names.add(name);
    names.add(name.split(".")[0] ?? name);
  }
  return [...names];
}

function refOf(machine: VirtualMachine): VmRef | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/virtualmachines\/([^/]+)$/i.exec(
    machine.id ?? "",
  );
  return match ? vmRef(match[1]!, match[2]!, match[3]!) : undefined;
}
