import type { GuestRuntime, GuestState } from "../../../local/guest/guest-state";
import type { Scenario } from "../../../local/simulator";

/** Small scenarios and a tiny guest runtime for the simulator's own tests (no script semantics). */

export const SUB = "11111111-2222-4333-8444-555555555555";
export const OTHER_SUB = "99999999-2222-4333-8444-555555555555";
export const WORKSPACE = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
export const LICENSING_KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core";

export function guest(computerName: string, events: GuestState["events"] = []): GuestState {
  return {
    computerName,
    osVersion: "10.0.20348",
    registry: { [LICENSING_KEY]: { LicensingMode: { type: "REG_DWORD", value: 5 } } },
    features: { "RDS-RD-Server": "Installed" },
    termServiceRunning: true,
    listeningPorts: [3389],
    graceDaysLeft: 0,
    network: { dns: {}, openPorts: {} },
    licenseServers: {},
    events,
    bootTime: "2024-05-01T00:00:00.000Z",
  };
}

export function vmId(name: string, rg = "rg-app", sub = SUB): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

export function scenario(): Scenario {
  return {
    vms: [
      {
        subscriptionId: SUB,
        resourceGroup: "rg-app",
        name: "vm1",
        location: "westeurope",
        powerState: "running",
        agentReady: true,
        osDisk: { name: "vm1-osdisk", managed: true, hyperVGeneration: "V2" },
        tags: { env: "test" },
        workspaceId: WORKSPACE,
        guest: guest("VM1", [
          { log: "System", provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager", id: 1128, time: "2024-05-01T10:00:00.000Z", message: "The RD Licensing grace period has expired." },
          { log: "System", provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager", id: 1069, time: "2024-05-01T11:00:00.000Z", message: "The RD license server could not be found." },
        ]),
      },
      {
        subscriptionId: SUB,
        resourceGroup: "rg-app",
        name: "vm2",
        location: "westeurope",
        powerState: "deallocated",
        agentReady: true,
        osDisk: { name: "vm2-osdisk", managed: true },
        workspaceId: WORKSPACE,
        guest: guest("VM2", [
          { log: "System", provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager", id: 1130, time: "2024-05-01T09:00:00.000Z", message: "No license servers." },
        ]),
      },
      {
        subscriptionId: SUB,
        resourceGroup: "rg-legacy",
        name: "vm3",
        location: "westeurope",
        powerState: "running",
        agentReady: false,
        osDisk: { name: "vm3-os", managed: false },
        guest: guest("VM3"),
      },
    ],
  };
}

/**
 * A runtime that only echoes: stdout is the script name and parameters as JSON; a `Set` parameter
 * (name=value) writes that DWORD under the licensing key. Optional gate: scripts wait until it opens.
 */
export function echoRuntime(options: { gate?: Promise<void>; stdoutPadding?: string; fail?: boolean } = {}): GuestRuntime & { reboots: number } {
  const runtime = {
    name: "model" as const,
    reboots: 0,
    async runScript(state: GuestState, scriptText: string, parameters: Record<string, string>) {
      if (options.gate) await options.gate;
      if (options.fail) throw new Error("runtime exploded");
      const next = structuredClone(state);
      if (parameters.Set) {
        const [name, value] = parameters.Set.split("=");
        (next.registry[LICENSING_KEY] ??= {})[name as string] = { type: "REG_DWORD", value: Number(value) };
      }
      const firstLine = scriptText.split("\n")[0] ?? "";
      return { state: next, stdout: `${options.stdoutPadding ?? ""}${JSON.stringify({ firstLine, parameters })}`, stderr: parameters.Err ?? "" };
    },
    reboot(state: GuestState, now: Date): GuestState {
      runtime.reboots += 1;
      return { ...structuredClone(state), bootTime: now.toISOString() };
    },
  };
  return runtime;
}

export function script(name: string, ...body: string[]): string[] {
  return [`# rdp-medic-script: ${name}`, "param([string]$Set)", ...body];
}
