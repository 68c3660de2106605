import type { VmRef } from "./resource-id";

export type PowerState = "running" | "starting" | "stopping" | "stopped" | "deallocating" | "deallocated" | "unknown";

/** What the app needs to know about a VM, read from ARM (VM + instance view). */
export interface VmStatus {
  vm: VmRef;
  location: string;
  /** The guest's computer name (osProfile), used to reach the VM over the network. */
  computerName: string | undefined;
  osType: string | undefined;
  powerState: PowerState;
  agentReady: boolean;
  /** Time of the agent's status, used to tell a fresh "Ready" after a restart from a stale one. */
  agentStatusTime: string | undefined;
  /** "<code>: <message>" when the instance view says ProvisioningState/failed/<code> (the last VM operation failed). */
  provisioningError?: string;
  osDisk: {
    name: string | undefined;
    /** Managed disk resource ID, when the OS disk is a managed disk. */
    managedDiskId: string | undefined;
    ephemeral: boolean;
  };
  tags: Record<string, string>;
}

/** Why a VM cannot be repaired now, if it cannot. */
export function preflightProblem(status: VmStatus): { code: string; detail: string } | undefined {
  if (status.osType !== undefined && status.osType.toLowerCase() !== "windows") {
    return { code: "not-windows", detail: `the OS disk is ${status.osType}, not Windows` };
  }
  if (status.powerState !== "running") {
    return { code: "vm-not-running", detail: `the VM is ${status.powerState}; it must be running to be probed` };
  }
  if (!status.agentReady) {
    return { code: "agent-not-ready", detail: "the VM agent is not Ready, so Run Command cannot reach the guest" };
  }
  if (status.osDisk.ephemeral) {
    return { code: "ephemeral-os-disk", detail: "the OS disk is ephemeral and cannot be snapshotted" };
  }
  if (status.osDisk.managedDiskId === undefined) {
    return { code: "unmanaged-os-disk", detail: "the OS disk is not a managed disk and cannot be snapshotted" };
  }
  return undefined;
}

/** True when the VM carries the opt-out tag set to true (tag names compare case-insensitively, as in Azure). */
export function isOptedOut(status: VmStatus, tagName: string): boolean {
  const key = Object.keys(status.tags).find((k) => k.toLowerCase() === tagName.toLowerCase());
  return key !== undefined && /^(true|yes|1)$/i.test(status.tags[key] ?? "");
}
