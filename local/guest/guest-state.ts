/**
 * The fake Windows machine behind a simulated VM: what the PowerShell shims read and write, what the
 * TypeScript model of the scripts changes, and what scenario files describe (JSON, same shape).
 */

export type RegValue =
  | { type: "REG_DWORD"; value: number }
  | { type: "REG_QWORD"; value: number }
  | { type: "REG_SZ"; value: string }
  | { type: "REG_EXPAND_SZ"; value: string }
  | { type: "REG_MULTI_SZ"; value: string[] }
  /** value: the bytes, base64. */
  | { type: "REG_BINARY"; value: string }
  | { type: "REG_NONE"; value: string };

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

/** One CAL pack on a license server (Win32_TSLicenseKeyPack). */
export interface GuestCalPack {
  type: "device" | "user";
  /** ProductVersionID: 4 = 2012, 5 = 2016, 6 = 2019, 7 = 2022, 8 = 2025. */
  version: number;
  total: number;
  issued: number;
}

export interface GuestLicenseServer {
  activated: boolean;
  /** Installed CALs (of calType and calVersion), and how many are issued; packs, when given, replace them. */
  cals: number;
  issued: number;
  /** Default user (per user). */
  calType?: "device" | "user";
  /** Default 7 (Windows Server 2022). */
  calVersion?: number;
  packs?: GuestCalPack[];
  /**
   * Whether the VM's identity may read this server's WMI (it is an administrator there). Default denied, as on a
   * real license server; the VM itself always may (SYSTEM is an administrator locally).
   */
  remoteWmi?: "allowed" | "denied";
  /** The license server's Windows build (default 20348): older than the host's gives connectivity status 4. */
  osBuild?: number;
  /** "License server security group" on: only these computer names are served (status 5 for others). */
  allowedHosts?: string[];
  /** A status GetTStoLSConnectivityStatus reports whatever else holds (0-11), e.g. 3, 7, 8. */
  connectivity?: number;
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
  /** The domain the VM is joined to; null: a workgroup (WORKGROUP). Missing: contoso.com. */
  domain?: string | null;
  /** Win32_OperatingSystem Caption and ProductType (1 client, 3 server). Missing: Windows Server 2022 Datacenter.
   *  (EditionID and InstallationType are registry values under HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion.) */
  edition?: GuestEdition;
  /** $PSVersionTable.PSVersion of the PowerShell Run Command starts. Missing: 5.1.<build>.1. */
  powerShellVersion?: string;
  /** PROCESSOR_ARCHITECTURE of that PowerShell process: x86 is a 32-bit process (WOW64). Missing: AMD64. */
  processArchitecture?: "AMD64" | "x86";
  /** Whether Get-WindowsFeature exists (Server Manager). Missing: true. */
  serverManager?: boolean;
  /** TermService's start type. Missing: Automatic. */
  termServiceStartType?: "Automatic" | "Manual" | "Disabled";
  /** User sessions (WTSEnumerateSessions); null: they cannot be read. Missing: none. */
  sessions?: GuestSession[] | null;
}

export interface GuestEdition {
  caption: string;
  productType: number;
}

export interface GuestSession {
  user: string;
  state: "Active" | "Disconnected";
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
