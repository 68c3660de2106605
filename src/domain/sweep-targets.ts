/**
 * From the VMs a listing found to the sweep's ordered targets: Windows only, inside the allowed scopes, through
 * the tag filter, VMs with licensing symptoms first. Targets travel packed (a few bytes per VM, resource groups
 * shared) so that 10,000 of them stay small in orchestration history.
 */
import { parseVmId, vmRef, type VmRef } from "./resource-id";
import { isInScope, type Scope } from "./scope";
import { passesTagFilter, type TagFilter } from "./sweep-tags";
import type { PowerState } from "./vm-status";

/** A VM as the target listing (Resource Graph) reports it. */
export interface ListedVm {
  /** Canonical, lower-cased VM resource ID. */
  vmId: string;
  osType: string | undefined;
  powerState: PowerState;
  tags: Record<string, string>;
}

export interface SweepTarget {
  vmId: string;
  powerState: PowerState;
  /** Licensing events in the symptom window; 0 when none (or no workspace was queried). */
  symptoms: number;
  /** Carries the opt-out tag: checked and reported, never repaired. */
  optedOut: boolean;
}

export interface TargetSelection {
  targets: SweepTarget[];
  skipped: { notWindows: number; outOfScope: number; excludedByTags: number; duplicates: number };
}

const POWER_CODES: readonly PowerState[] = ["running", "starting", "stopping", "stopped", "deallocating", "deallocated"];

/** "PowerState/running" (or "running") to a PowerState; anything else is "unknown". */
export function powerStateFromCode(code: string | undefined | null): PowerState {
  const value = (code ?? "").replace(/^PowerState\//i, "").toLowerCase();
  return POWER_CODES.find((p) => p === value) ?? "unknown";
}

export function isOptedOutTags(tags: Readonly<Record<string, string>>, optOutTag: string): boolean {
  const key = Object.keys(tags).find((k) => k.toLowerCase() === optOutTag.toLowerCase());
  return key !== undefined && /^(true|yes|1)$/i.test(tags[key] ?? "");
}

/** Keeps Windows VMs in scope that pass the tag filter, each once. Order is the listing's. */
export function selectTargets(
  listed: readonly ListedVm[],
  options: { scopes: readonly Scope[]; tags: TagFilter; optOutTag: string },
): TargetSelection {
  const skipped = { notWindows: 0, outOfScope: 0, excludedByTags: 0, duplicates: 0 };
  const seen = new Set<string>();
  const targets: SweepTarget[] = [];
  for (const vm of listed) {
    let ref: VmRef;
    try {
      ref = parseVmId(vm.vmId);
    } catch {
      skipped.outOfScope += 1;
      continue;
    }
    if (seen.has(ref.id)) {
      skipped.duplicates += 1;
      continue;
    }
    seen.add(ref.id);
    if ((vm.osType ?? "").toLowerCase() !== "windows") skipped.notWindows += 1;
    else if (!isInScope(ref, options.scopes)) skipped.outOfScope += 1;
    else if (!passesTagFilter(vm.tags, options.tags)) skipped.excludedByTags += 1;
    else targets.push({ vmId: ref.id, powerState: vm.powerState, symptoms: 0, optedOut: isOptedOutTags(vm.tags, options.optOutTag) });
  }
  return { targets, skipped };
}

/** Symptoms first (most licensing events first), then by VM ID: the same input always gives the same order. */
export function orderTargets(targets: readonly SweepTarget[], symptoms: ReadonlyMap<string, number>): SweepTarget[] {
  return targets
    .map((t) => ({ ...t, symptoms: symptoms.get(t.vmId) ?? 0 }))
    .sort((a, b) => b.symptoms - a.symptoms || (a.vmId < b.vmId ? -1 : a.vmId > b.vmId ? 1 : 0));
}

/** Targets packed: `groups` holds "subscription/resourceGroup"; each item is "group|name|power|symptoms|optedOut". */
export interface PackedTargets {
  groups: string[];
  items: string[];
}

const POWER_LETTER: Record<PowerState, string> = {
  running: "r",
  starting: "a",
  stopping: "o",
  stopped: "s",
  deallocating: "e",
  deallocated: "d",
  unknown: "u",
};
const LETTER_POWER = new Map(Object.entries(POWER_LETTER).map(([p, l]) => [l, p as PowerState]));

export function packTargets(targets: readonly SweepTarget[]): PackedTargets {
  const groups: string[] = [];
  const index = new Map<string, number>();
  const items = targets.map((t) => {
    const ref = parseVmId(t.vmId);
    const group = `${ref.subscriptionId}/${ref.resourceGroup}`;
    let g = index.get(group);
    if (g === undefined) {
      g = groups.length;
      groups.push(group);
      index.set(group, g);
    }
    return `${g}|${ref.name}|${POWER_LETTER[t.powerState]}|${t.symptoms}|${t.optedOut ? 1 : 0}`;
  });
  return { groups, items };
}

export function unpackTargets(packed: PackedTargets): SweepTarget[] {
  return packed.items.map((item) => {
    const [g, name, power, symptoms, optedOut] = item.split("|");
    const group = packed.groups[Number(g)];
    if (group === undefined || name === undefined) throw new Error(`packed target "${item}" names no group`);
    const [sub, rg] = group.split("/") as [string, string];
    return {
      vmId: vmRef(sub, rg, name).id,
      powerState: LETTER_POWER.get(power ?? "") ?? "unknown",
      symptoms: Number(symptoms) || 0,
      optedOut: optedOut === "1",
    };
  });
}

/** A slice of packed targets that keeps only the groups it uses. */
export function slicePacked(packed: PackedTargets, start: number, end: number): PackedTargets {
  return packTargets(unpackTargets({ groups: packed.groups, items: packed.items.slice(start, end) }));
}
