/**
 * The RD licensing playbook's shared vocabulary: what the probe reports, what diagnose finds, what plan does.
 * The PowerShell scripts in src/scripts print these shapes; parsers in src/domain check them.
 */

/** Licensing modes we may enforce: 2 = per device, 4 = per user (the article's default). */
export type LicensingMode = 2 | 4;

/** Server Manager feature states as Get-WindowsFeature / DISM report them. */
export const FEATURE_STATES = ["Installed", "Available", "InstallPending", "UninstallPending", "Unknown"] as const;
export type FeatureState = (typeof FEATURE_STATES)[number];

/**
 * A server's usability in one word, derived by the parser from the connectivity status and the CAL facts (never
 * printed): ok, not-activated, no-cals, cals-exhausted, unreachable, unknown. The judgement reads the facts
 * themselves; this summary is for guards and reports.
 */
export const LICENSE_SERVER_HEALTH = ["ok", "not-activated", "no-cals", "cals-exhausted", "unreachable", "unknown"] as const;
export type LicenseServerHealth = (typeof LICENSE_SERVER_HEALTH)[number];

/** RDS CALs of one type and version on a license server (Win32_TSLicenseKeyPack, built-in and temporary packs left out). */
export interface CalPack {
  /** ProductType 0 = per device, 1 = per user. */
  type: "device" | "user";
  /** ProductVersionID: 2 = 2008, 3 = 2008 R2, 4 = 2012 (R2), 5 = 2016, 6 = 2019, 7 = 2022, 8 = 2025. */
  version: number;
  total: number;
  issued: number;
}

/** What a license server says about itself over WMI: readable only by an administrator of that server. */
export interface CalFacts {
  /** Win32_TSLicenseServer.GetActivationStatus: 0 = activated, 1 = not; null when it could not tell. */
  activated: boolean | null;
  packs: CalPack[];
}

export interface LicenseServerCheck {
  name: string;
  dnsResolved: boolean;
  addresses: string[];
  tcp135: boolean;
  /** Win32_TerminalServiceSetting.GetTStoLSConnectivityStatus (0-11, see connectivity.ts); null when not read. */
  status: number | null;
  /** The server's CAL facts; null when not visible from the host (remote WMI denied, as it is by default). */
  cals: CalFacts | null;
  /** Added by the parser from status and cals, never printed. */
  health: LicenseServerHealth;
}

/** The registry kinds a value can have, as reg.exe names them. */
export const REG_KINDS = ["REG_SZ", "REG_EXPAND_SZ", "REG_MULTI_SZ", "REG_DWORD", "REG_QWORD", "REG_BINARY", "REG_NONE"] as const;
export type RegKind = (typeof REG_KINDS)[number];

/**
 * A registry value exactly as it is: its kind and its data in the registry's binary form, base64
 * (registry-value.ts). data is null when the probe left it out to stay under the output limit.
 */
export interface RegValueFact {
  kind: RegKind;
  data: string | null;
}

/** The operating system as the probe sees it (Win32_OperatingSystem, HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion). */
export interface OsFacts {
  /** e.g. 10.0.20348 */
  version: string;
  build: number;
  caption: string;
  /** EditionID: ServerDatacenter, ServerStandard, ServerRdsh (Enterprise multi-session), Enterprise, ... */
  edition: string;
  /** InstallationType: Server, Server Core, Client. */
  installationType: string;
  /** Win32_OperatingSystem.ProductType: 1 = workstation, 2 = domain controller, 3 = server. */
  productType: number;
}

export const SERVICE_STATUSES = ["Running", "Stopped", "StartPending", "StopPending", "ContinuePending", "PausePending", "Paused", "NotFound"] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];
export const SERVICE_START_TYPES = ["Automatic", "Manual", "Disabled", "Boot", "System", "Unknown"] as const;
export type ServiceStartType = (typeof SERVICE_START_TYPES)[number];

/** Why Windows waits for a restart: Component Based Servicing, Windows Update, pending file renames. */
export const PENDING_REBOOT_REASONS = ["component-servicing", "windows-update", "file-rename"] as const;
export type PendingRebootReason = (typeof PENDING_REBOOT_REASONS)[number];

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
  os: OsFacts;
  /** $PSVersionTable.PSVersion of the PowerShell that ran the probe. */
  psVersion: string;
  /** Always true in a report: every script refuses to run in a 32-bit process. */
  is64BitProcess: boolean;
  /** Win32_ComputerSystem: PartOfDomain, and Domain (the domain, or the workgroup's name); null when unknown. */
  domain: { joined: boolean; name: string } | null;
  /** Win32_OperatingSystem.LastBootUpTime (ISO 8601, UTC); null when unknown. */
  bootTime: string | null;
  /** User sessions (WTSEnumerateSessions): signed in and active, and disconnected; null when they could not be counted. */
  sessions: { active: number; disconnected: number } | null;
  termService: { status: ServiceStatus; startType: ServiceStartType };
  /** Reasons Windows waits for a restart (DISM refuses to change features until then). */
  pendingReboot: PendingRebootReason[];
  /** The RD Connection Broker managing this host's deployment (ClusterSettings SessionDirectoryActive = 1); "" when unnamed; null when none. */
  broker: string | null;
  /** Get-WindowsFeature exists (Server Manager): false on client, multi-session and other SKUs without it. */
  serverManager: boolean;
  /** ServerComponentCache\RDS-RD-Server InstallState (0 = not installed), null when absent. */
  rdshInstallState: number | null;
  rdshFeature: FeatureState;
  licensingRoleFeature: FeatureState;
  /** RCM\Licensing Core LicensingMode when it is a REG_DWORD; null when absent or of another kind (see licensingModeValue). */
  licensingMode: number | null;
  /** The LicensingMode value exactly (kind and data), null when absent: what a rollback puts back. */
  licensingModeValue: RegValueFact | null;
  /** TermService\Parameters\LicenseServers SpecifiedLicenseServers entries as read (any kind), null when not set. */
  specifiedLicenseServers: string[] | null;
  /** The SpecifiedLicenseServers value exactly (kind and data), null when absent. */
  specifiedLicenseServersValue: RegValueFact | null;
  /** A value at the seed edition's path (TermService\Parameters, no \LicenseServers subkey): a finding only. */
  legacyPathLicenseServers: string[] | null;
  /** Group Policy values (HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services); they win. */
  policyLicensingMode: number | null;
  policyLicenseServers: string[] | null;
  /** Win32_TerminalServiceSetting.GetGracePeriodDays; 0 = grace over; null when unknown. */
  graceDaysLeft: number | null;
  servers: LicenseServerCheck[];
  /** The RD Licensing role on this VM, read with local WMI (SYSTEM is an administrator here); null when not installed or unreadable. */
  localLicenseServer: CalFacts | null;
  rdpListening: boolean;
  /** Licensing events since the last boot (at most 10, newest first). */
  events: LicensingEvent[];
  /** Licensing events since the last boot (may exceed events.length). */
  eventCount: number;
  /** The script dropped entries (events, addresses, CAL packs, raw data, server checks) to stay under the output limit. */
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
  | "role-state-unknown"
  | "component-cache-stale"
  | "termservice-stopped"
  | "termservice-disabled"
  | "reboot-pending"
  | "broker-managed"
  | "mode-not-configured"
  | "mode-wrong"
  | "mode-value-kind"
  | "per-user-in-workgroup"
  | "cal-type-mismatch"
  | "no-license-server"
  | "servers-value-kind"
  | "license-server-wrong"
  | "server-named-differently"
  | "license-server-unreachable"
  | "license-server-older"
  | "license-server-beta"
  | "host-not-in-license-group"
  | "license-server-invalid-name"
  | "license-server-status-unknown"
  | "gpo-manages-licensing"
  | "no-cals"
  | "server-not-activated"
  | "cals-exhausted"
  | "cal-version-too-old"
  | "cals-not-visible"
  | "grace-over"
  | "licensing-events"
  | "value-not-backed-up"
  | "licensing-role-in-use"
  | "licensing-role-unused"
  | "legacy-path-value";

/**
 * What a cause means for the run:
 * - breaks: licensing fails, or will when the grace period ends, because of it: the plan may act on it;
 * - drift: licensing works, but differs from the policy: reported, changed only under SWEEP_POLICY=enforce;
 * - blocks: RDP Medic must not act (a person must look first);
 * - info: a fact worth reporting that changes nothing.
 */
export type CauseEffect = "breaks" | "drift" | "blocks" | "info";

export interface Cause {
  code: CauseCode;
  /** One or more sentences an operator can read. */
  detail: string;
  /** Set by diagnose; absent only in records written before causes said what they mean for licensing. */
  effect?: CauseEffect;
  /** The facts this cause stands on, each as the probe saw it (set by diagnose). */
  evidence?: string[];
}

/** A cause as diagnose finds it: always with its effect and evidence. */
export type Finding = Required<Cause>;

export type PlanStep =
  | { kind: "set-licensing-mode"; mode: LicensingMode }
  | { kind: "set-license-servers"; servers: string[] }
  | { kind: "remove-rdsh-role" }
  | { kind: "remove-licensing-role" }
  | { kind: "restart" };

/** healthy: works as the policy says; drift: works, differs from it; fix: broken and RDP Medic can fix it; needs-human. */
export type PlanVerdict = "healthy" | "drift" | "fix" | "needs-human";

/** What a person must approve before anything changes. */
export interface ApprovalReason {
  kind: "remove-rdsh-role" | "remove-licensing-role" | "restart-with-users";
  detail: string;
}

/** RESTART_WITH_USERS: what a needed restart does while users are signed in. */
export const RESTART_WITH_USERS = ["approve", "wait", "force"] as const;
export type RestartWithUsers = (typeof RESTART_WITH_USERS)[number];

/** A weekly maintenance window in UTC (MAINTENANCE_WINDOW, maintenance-window.ts). */
export interface MaintenanceWindow {
  /** The setting as written, e.g. "Sat,Sun 02:00-05:00". */
  text: string;
  /** 0 = Sunday ... 6 = Saturday; the days the window starts on. */
  days: number[];
  /** Minutes after midnight UTC. end <= start means the window runs past midnight. */
  startMinute: number;
  endMinute: number;
}

/**
 * The restart decision: none (no restart planned), no-users (nobody signed in), approve (a person approves it with
 * the user count), wait (it waits for the maintenance window), force (RESTART_WITH_USERS=force).
 */
export interface RestartDecision {
  mode: "none" | "no-users" | "approve" | "wait" | "force";
  /** Signed-in users (active, disconnected) when the probe ran; null when they could not be counted. */
  users: { active: number; disconnected: number } | null;
  /** The window a wait waits for. */
  window?: MaintenanceWindow;
  /** One sentence for the report: whether the VM restarts and why. */
  detail: string;
}

export interface Plan {
  verdict: PlanVerdict;
  causes: Cause[];
  steps: PlanStep[];
  /** Exact actions for a person when verdict is needs-human (or alongside a fix or drift). */
  humanActions: string[];
  /** True when approvals is not empty. */
  needsApproval: boolean;
  /** Set by planRemediation; absent only in plans recorded before approvals were listed. */
  approvals?: ApprovalReason[];
  /** Set by planRemediation; absent only in plans recorded before restarts were decided. */
  restart?: RestartDecision;
}

/** What the remediation enforces, from settings. */
export interface PlaybookPolicy {
  licensingMode: LicensingMode;
  licenseServers: string[];
  noCalsAction: "report" | "remove-rdsh-role";
  removeUnusedLicensingRole: boolean;
  /** RESTART_WITH_USERS (default approve). */
  restartWithUsers: RestartWithUsers;
  /** MAINTENANCE_WINDOW: needed when restartWithUsers is wait. */
  maintenanceWindow: MaintenanceWindow | undefined;
  /** SWEEP_POLICY=enforce: runs started by a sweep also bring drift back to the policy. */
  enforceDriftInSweeps: boolean;
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
