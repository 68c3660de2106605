import { createHash } from "node:crypto";
import { InputError } from "../errors";

/** A virtual machine's ARM identity, normalised. */
export interface VmRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Canonical, lower-cased ID: the key for comparisons, locks and instance IDs. */
  id: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Resource group names: 1-90 of letters, digits, '_', '-', '.', '(' and ')', not ending in '.'. */
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
/** Windows VM names: 1-64 of letters, digits, '-', '_' and '.' (ARM accepts up to 64). */
const VM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

const VM_ID =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/virtualmachines\/([^/]+)$/i;

/** Parses a VM resource ID (any case, trailing slash tolerated); throws InputError when it is not one. */
export function parseVmId(raw: unknown): VmRef {
  if (typeof raw !== "string") throw new InputError("vm-id-invalid", "vmId must be a string");
  const value = raw.trim().replace(/\/+$/, "");
  if (value.length > 512) throw new InputError("vm-id-invalid", "vmId is longer than 512 characters");
  const match = VM_ID.exec(value);
  if (!match) {
    throw new InputError(
      "vm-id-invalid",
      "vmId must look like /subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<name>",
    );
  }
  const [, sub, rg, name] = match as unknown as [string, string, string, string];
  if (!GUID.test(sub)) throw new InputError("vm-id-invalid", "vmId's subscription is not a GUID");
  if (!RESOURCE_GROUP.test(rg)) throw new InputError("vm-id-invalid", "vmId's resource group name is not valid");
  if (!VM_NAME.test(name)) throw new InputError("vm-id-invalid", "vmId's VM name is not valid");
  return vmRef(sub, rg, name);
}

export function vmRef(subscriptionId: string, resourceGroup: string, name: string): VmRef {
  const sub = subscriptionId.toLowerCase();
  const rg = resourceGroup.toLowerCase();
  const vm = name.toLowerCase();
  return {
    subscriptionId: sub,
    resourceGroup: rg,
    name: vm,
    id: `/subscriptions/${sub}/resourcegroups/${rg}/providers/microsoft.compute/virtualmachines/${vm}`,
  };
}

/** True when a string is shaped like a VM resource ID (no exception). */
export function looksLikeVmId(raw: string): boolean {
  try {
    parseVmId(raw);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Durable instance ID for a VM: one per VM, so at most one run per VM at a time.
 * Durable IDs may not contain '/', so the readable name is followed by a hash of the canonical ID.
 */
export function instanceIdForVm(vm: VmRef): string {
  const hash = createHash("sha256").update(vm.id).digest("hex").slice(0, 16);
  const name = vm.name.replace(/[^a-z0-9-]/g, "-").slice(0, 40);
  return `rdpmedic-${name}-${hash}`;
}

/** Instance IDs as we create them; anything else in a URL is refused before reaching the durable client. */
export function isRunId(value: string): boolean {
  return /^rdpmedic-[a-z0-9-]{1,40}-[0-9a-f]{16}$/.test(value);
}
