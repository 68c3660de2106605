/**
 * The fake Windows machine behind a simulated VM: what the PowerShell shims read and write, what the
 * TypeScript model of the scripts changes, and what scenario files describe (JSON, same shape).
 */

export type RegValue =
  | { type: "REG_DWORD"; value: number }
  | { type: "REG_SZ"; value: string }
  | { type: "REG_MULTI_SZ"; value: string[] };

export type GuestFeatureState = "Installed" | "Available" | "InstallPending" | "UninstallPending";

export interface GuestEvent {
  /** "System" or "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin". */
  log: string;
  provider: string;
  id: number;
  /** ISO 8601. */
  time: string;
  message: string;
}

export interface GuestLicenseServer {
  activated: boolean;
  /** Installed CALs for the mode in use, and how many are issued. */
  cals: number;
  issued: number;
}

export interface GuestState {
  computerName: string;
  osVersion: string;
  /** Key path (e.g. "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core",
   *  compared case-insensitively) -> value name -> value. */
  registry: Record<string, Record<string, RegValue>>;
  /** Server Manager feature name ("RDS-RD-Server", "RDS-Licensing") -> state. Missing = Available. */
  features: Record<string, GuestFeatureState>;
  termServiceRunning: boolean;
  listeningPorts: number[];
  /** The VM's own unicast addresses (Get-NetIPAddress, loopback excluded); missing = none known. */
  localAddresses?: string[];
  graceDaysLeft: number;
  network: {
    /** Host name -> addresses it resolves to (missing = DNS failure). IP literals need no entry. */
    dns: Record<string, string[]>;
    /** Address -> TCP ports that accept connections. */
    openPorts: Record<string, number[]>;
  };
  /** License servers by address: what the WMI connectivity check finds there. */
  licenseServers: Record<string, GuestLicenseServer>;
  events: GuestEvent[];
  /** ISO 8601 time of the last boot. */
  bootTime: string;
}

/** Runs in-guest scripts against a GuestState: the real pwsh, or the fast TypeScript model. */
export interface GuestRuntime {
  readonly name: "pwsh" | "model";
  runScript(
    state: GuestState,
    scriptText: string,
    parameters: Record<string, string>,
    now: Date,
  ): Promise<{ state: GuestState; stdout: string; stderr: string }>;
  /** What a reboot does: pending features settle, services start, licensing events at boot. */
  reboot(state: GuestState, now: Date): GuestState;
}
