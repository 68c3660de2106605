/**
 * The RD licensing playbook's shared vocabulary: what the probe reports, what diagnose finds, what plan does.
 * The PowerShell scripts in src/scripts print these shapes; parsers in src/domain check them.
 */

/** Licensing modes we may enforce: 2 = per device, 4 = per user (the article's default). */
export type LicensingMode = 2 | 4;

/** Server Manager feature states as Get-WindowsFeature / DISM report them. */
export type FeatureState = "Installed" | "Available" | "InstallPending" | "UninstallPending" | "Unknown";

/** What the RD Licensing WMI connectivity check says about one license server. */
export type LicenseServerHealth = "ok" | "not-activated" | "no-cals" | "cals-exhausted" | "unreachable" | "unknown";

export interface LicenseServerCheck {
  name: string;
  dnsResolved: boolean;
  addresses: string[];
  tcp135: boolean;
  health: LicenseServerHealth;
}

export interface LicensingEvent {
  id: number;
  log: string;
  time: string;
}

/** The read-only probe's report (printed by src/scripts/probe.ps1, parsed by parseProbeOutput). */
export interface ProbeResult {
  rdpMedic: "probe";
  v: 1;
  computerName: string;
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
  eventCount: number;
  truncated: boolean;
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

/** A fix step's report (printed by each step script). */
export interface StepOutput {
  rdpMedic: string;
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
