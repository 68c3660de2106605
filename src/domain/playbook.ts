/**
 * The RD licensing playbook's shared vocabulary: what the probe reports, what diagnose finds, what plan does.
 * The PowerShell scripts in src/scripts print these shapes; parsers in src/domain check them.
 */

/** Licensing modes we may enforce: 2 = per device, 4 = per user (the article's default). */
export type LicensingMode = 2 | 4;

/** Server Manager feature states as Get-WindowsFeature / DISM report them. */
export const FEATURE_STATES = ["Installed", "Available", "InstallPending", "UninstallPending", "Unknown"] as const;
export type FeatureState = (typeof FEATURE_STATES)[number];

/** What the RD Licensing WMI connectivity check says about one license server. */
export const LICENSE_SERVER_HEALTH = ["ok", "not-activated", "no-cals", "cals-exhausted", "unreachable", "unknown"] as const;
export type LicenseServerHealth = (typeof LICENSE_SERVER_HEALTH)[number];

export interface LicenseServerCheck {
  name: string;
  dnsResolved: boolean;
  addresses: string[];
  tcp135: boolean;
  health: LicenseServerHealth;
}

/** The licensing events the probe collects (azure-facts §7.2). */
export const LICENSING_EVENT_IDS = [1068, 1069, 1128, 1130] as const;

/** "System" = the System log; "Admin" = Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin. */
export type LicensingEventLog = "System" | "Admin";

export interface LicensingEvent {
  id: number;
  log: LicensingEventLog;
  /** ISO 8601 with a zone, e.g. 2024-05-01T10:00:00.0000000Z. */
  time: string;
}

/** The read-only probe's report (printed by src/scripts/probe.ps1, parsed by parseProbeOutput). */
export interface ProbeResult {
  rdpMedic: "probe";
  v: 1;
  computerName: string;
  /** The VM's own IP addresses: a license server that resolves to one of them is this VM itself. */
  localAddresses: string[];
  /** ServerComponentCache\RDS-RD-Server InstallState (0 = not installed), null when absent. */
  rdshInstallState: number | null;
  rdshFeature: FeatureState;
  licensingRoleFeature: FeatureState;
  /** RCM\Licensing Core LicensingMode, null when not set. */
  licensingMode: number | null;
  /** TermService\Parameters\LicenseServers SpecifiedLicenseServers, null when not set. */
  specifiedLicenseServers: string[] | null;
  /** A value at the seed edition's path (TermService\Parameters, no \LicenseServers subkey): a finding only. */
  legacyPathLicenseServers: string[] | null;
  /** Group Policy values (HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services); they win. */
  policyLicensingMode: number | null;
  policyLicenseServers: string[] | null;
  /** Win32_TerminalServiceSetting.GetGracePeriodDays; 0 = grace over; null when unknown. */
  graceDaysLeft: number | null;
  servers: LicenseServerCheck[];
  termServiceRunning: boolean;
  rdpListening: boolean;
  events: LicensingEvent[];
  /** Licensing events in the probe's window (may exceed events.length). */
  eventCount: number;
  /** The script dropped entries (events, addresses) to stay under the output limit. */
  truncated: boolean;
  /**
   * Added by the parser, not printed: every server name above (lists and checks) that is not a valid host name or
   * IP address. Such names stay in the lists (they are what Windows has) but never reach a script.
   */
  invalidServerNames: string[];
}

export type CauseCode =
  | "role-not-installed"
  | "role-pending-restart"
  | "mode-not-configured"
  | "mode-wrong"
  | "no-license-server"
  | "license-server-wrong"
  | "license-server-unreachable"
  | "gpo-manages-licensing"
  | "no-cals"
  | "server-not-activated"
  | "cals-exhausted"
  | "grace-over"
  | "legacy-path-value";

export interface Cause {
  code: CauseCode;
  /** One sentence an operator can read. */
  detail: string;
}

export type PlanStep =
  | { kind: "set-licensing-mode"; mode: LicensingMode }
  | { kind: "set-license-servers"; servers: string[] }
  | { kind: "remove-rdsh-role" }
  | { kind: "remove-licensing-role" }
  | { kind: "restart" };

export type PlanVerdict = "healthy" | "fix" | "needs-human";

export interface Plan {
  verdict: PlanVerdict;
  causes: Cause[];
  steps: PlanStep[];
  /** Exact actions for a person when verdict is needs-human (or alongside a fix). */
  humanActions: string[];
  /** True when a step needs approval first (removing the RD Session Host role). */
  needsApproval: boolean;
}

/** What the remediation enforces, from settings. */
export interface PlaybookPolicy {
  licensingMode: LicensingMode;
  licenseServers: string[];
  noCalsAction: "report" | "remove-rdsh-role";
  removeUnusedLicensingRole: boolean;
}

/** The scripts in src/scripts (file name without .ps1) and the marker each prints in `rdpMedic`. */
export const SCRIPT_NAMES = [
  "probe",
  "verify",
  "set-licensing-mode",
  "set-license-servers",
  "remove-rdsh-role",
  "remove-licensing-role",
  "restore-licensing",
] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];
/**
 * The scripts that change the VM and report a StepOutput: one per PlanStep kind except restart, plus
 * restore-licensing, which puts the probe's licensing values back when verify fails (rollback).
 */
export type StepScriptName = Exclude<ScriptName, "probe" | "verify">;

/** A fix step's report (printed by each step script). before/after hold the script's own values (see docs/playbook-contract.md). */
export interface StepOutput {
  rdpMedic: StepScriptName;
  v: 1;
  changed: boolean;
  restartNeeded: boolean;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** The verify script's report. */
export interface VerifyOutput {
  rdpMedic: "verify";
  v: 1;
  ok: boolean;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
}
