import { isIP } from "node:net";
import { readFileSync } from "node:fs";
import { ConfigError } from "./errors";
import { isValidLicenseServerName, licenseServerNameProblem, splitList } from "./domain/license-server-name";
import { printable } from "./domain/printable";
import { parseScope, type Scope } from "./domain/scope";
import { parseMaintenanceWindow } from "./domain/maintenance-window";
import { RESTART_WITH_USERS, type LicensingMode, type MaintenanceWindow, type PlaybookPolicy, type RestartWithUsers } from "./domain/playbook";
import { SWEEP_POLICIES, type SweepPolicy } from "./domain/sweep-record";
import { parseTagConditions, type TagFilter } from "./domain/sweep-tags";

/** Every setting the app reads: name, whether it must be set, an example, and what it means. */
export interface SettingSpec {
  name: string;
  required: boolean;
  example: string;
  description: string;
  /** Only for running against the local simulator; never deployed. */
  localOnly?: boolean;
}

export const SETTINGS: readonly SettingSpec[] = [
  {
    name: "ALLOWED_SCOPES",
    required: true,
    example: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-rdsh",
    description:
      "Comma-separated subscriptions (/subscriptions/<id>) and resource groups (/subscriptions/<id>/resourceGroups/<name>) whose VMs RDP Medic may touch. Anything else is refused.",
  },
  {
    name: "LICENSE_SERVERS",
    required: true,
    example: "rdls01.contoso.com,10.0.0.4",
    description: "Comma-separated RD license servers (FQDN, host name or IP) that session hosts must use.",
  },
  {
    name: "LICENSING_MODE",
    required: false,
    example: "4",
    description: "RD licensing mode to enforce: 4 = per user (default, as the article says), 2 = per device.",
  },
  {
    name: "NO_CALS_ACTION",
    required: false,
    example: "report",
    description:
      "What to do when no usable license server has CALs: report (default; needs-human) or remove-rdsh-role (removes the RD Session Host role, after approval).",
  },
  {
    name: "REMOVE_UNUSED_LICENSING_ROLE",
    required: false,
    example: "false",
    description:
      "true: an RD Licensing role installed on a session host that no setting there uses and that has issued no CALs to anyone counts as drift; it is removed only under SWEEP_POLICY=enforce, after approval.",
  },
  {
    name: "RESTART_WITH_USERS",
    required: false,
    example: "approve",
    description:
      "What a needed restart does while users are signed in (active or disconnected) or could not be counted: approve (default; a person approves it, the notification says how many users), wait (the run waits for MAINTENANCE_WINDOW, then changes and restarts) or force (restart anyway).",
  },
  {
    name: "MAINTENANCE_WINDOW",
    required: false,
    example: "Sat,Sun 02:00-05:00",
    description:
      "When restarts with users signed in may happen under RESTART_WITH_USERS=wait, in UTC: [days ]HH:MM-HH:MM, days Mon..Sun, comma-separated or ranges (Mon-Fri); default every day; an end before the start runs past midnight. Required with RESTART_WITH_USERS=wait.",
  },
  {
    name: "ARM_ENDPOINT",
    required: false,
    example: "https://management.azure.com",
    description: "Azure Resource Manager endpoint (sovereign clouds, or the local simulator). HTTPS only.",
  },
  {
    name: "LOGS_ENDPOINT",
    required: false,
    example: "https://api.loganalytics.io/v1",
    description: "Log Analytics query endpoint, including /v1.",
  },
  {
    name: "MANAGED_IDENTITY_CLIENT_ID",
    required: false,
    example: "11111111-1111-1111-1111-111111111111",
    description:
      "Client ID of the user-assigned managed identity. Set in Azure; when empty, DefaultAzureCredential is used (local development).",
  },
  {
    name: "TASK_HUB_NAME",
    required: false,
    example: "RdpMedic",
    description: "Durable Functions task hub name (3-45 letters and digits, starting with a letter).",
  },
  {
    name: "OPT_OUT_TAG",
    required: false,
    example: "rdp-medic-opt-out",
    description: "A VM with this tag set to true is diagnosed but never changed.",
  },
  {
    name: "SNAPSHOT_RETENTION_DAYS",
    required: false,
    example: "7",
    description: "Days an OS-disk snapshot taken before a fix is kept (written as its expiry tag).",
  },
  {
    name: "SNAPSHOT_EXPIRY_SCHEDULE",
    required: false,
    example: "0 30 3 * * *",
    description:
      "When expired snapshots are deleted: an NCRONTAB expression of six fields (second minute hour day month day-of-week). Only snapshots RDP Medic created (its tags and name) in ALLOWED_SCOPES whose expiry tag has passed are deleted, at most 200 per run. Default: daily at 03:30.",
  },
  {
    name: "KILL_SWITCH",
    required: false,
    example: "false",
    description: "true: no run changes anything (no snapshot, no fix, no restart); runs still diagnose and report.",
  },
  {
    name: "POLL_INTERVAL_SECONDS",
    required: false,
    example: "15",
    description: "Durable-timer wait between polls of a long Azure operation (snapshot, Run Command, restart).",
  },
  {
    name: "OPERATION_TIMEOUT_MINUTES",
    required: false,
    example: "30",
    description: "Longest wait for one Azure operation, or for the VM agent after a restart, before the run fails.",
  },
  {
    name: "APPROVAL_TIMEOUT_HOURS",
    required: false,
    example: "24",
    description: "How long a run waits for a person to approve a risky step (removing the RD Session Host role) before it ends with no change.",
  },
  {
    name: "ENTRA_AUDIENCE",
    required: false,
    example: "api://rdp-medic-prod",
    description:
      "Application ID URI of the API app registration. Every HTTP endpoint takes Microsoft Entra bearer tokens issued for it (aud equal to this or to ENTRA_CLIENT_ID): people with the app role Operator or Approver, and on POST /api/alerts (ALERT_AUTH=entra) the action group's secure webhook with ActionGroupsSecureWebhook. Set together with ENTRA_ISSUER; when empty, every endpoint that needs a token refuses (503 auth-not-configured).",
  },
  {
    name: "ENTRA_CLIENT_ID",
    required: false,
    example: "5d3c2b1a-0f9e-4d8c-9b7a-6e5d4c3b2a10",
    description: "Client ID (GUID) of the API app registration: the aud of v2 tokens, accepted beside ENTRA_AUDIENCE. Needs ENTRA_AUDIENCE.",
  },
  {
    name: "ENTRA_ISSUER",
    required: false,
    example: "https://sts.windows.net/00000000-0000-0000-0000-000000000000/",
    description:
      "Exact iss of those tokens: https://sts.windows.net/<tenant>/ (v1 tokens) or https://login.microsoftonline.com/<tenant>/v2.0 (v2). Signing keys come from https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys. HTTPS only.",
  },
  {
    name: "ALERT_AUTH",
    required: false,
    example: "entra",
    description:
      "How POST /api/alerts knows the action group: entra (default; a secure webhook's Microsoft Entra token with the app role ActionGroupsSecureWebhook, the function anonymous at the host) or function-key (the alerts function's own function-level key, named action-group; no token). Either way that credential opens no other endpoint.",
  },
  {
    name: "ALLOW_SELF_APPROVAL",
    required: false,
    example: "false",
    description:
      "true: the person who started a run may also approve or reject it (small teams). Default false: four eyes, the approver must be another identity.",
  },
  {
    name: "SWEEP_SCHEDULE",
    required: false,
    example: "0 0 2 * * *",
    description:
      "When the compliance sweep runs: an NCRONTAB expression of six fields (second minute hour day month day-of-week), in UTC unless WEBSITE_TIME_ZONE says otherwise. Default: daily at 02:00.",
  },
  {
    name: "SWEEP_POLICY",
    required: false,
    example: "report",
    description:
      "What a sweep does with noncompliant VMs: report (default; changes nothing), remediate (starts the per-VM remediation run, with its snapshot, approvals and safety checks, for VMs whose licensing is broken and that it can fix) or enforce (also for VMs whose working configuration differs from the policy: drift is brought back to it, with the same approvals).",
  },
  {
    name: "SWEEP_MAX_CONCURRENCY",
    required: false,
    example: "50",
    description: "Most VMs a sweep checks at once. Checks start with one canary VM and double per clean wave up to this number (1-1000, default 50).",
  },
  {
    name: "SWEEP_MAX_ERRORS",
    required: false,
    example: "10",
    description: "A sweep starts no new check once this many checks have failed (1-10000, default 10). Deallocated VMs and VMs whose agent is not Ready are not failures.",
  },
  {
    name: "SWEEP_MAX_REMEDIATIONS",
    required: false,
    example: "20",
    description: "Most remediation runs one sweep starts under SWEEP_POLICY=remediate (0-10000, default 20); the rest are reported as over the cap.",
  },
  {
    name: "GRACE_WARNING_DAYS",
    required: false,
    example: "14",
    description: "A noncompliant VM whose RD licensing grace period ends within this many days is flagged as about to lose Remote Desktop (0-120, default 14).",
  },
  {
    name: "SWEEP_WORKSPACE_IDS",
    required: false,
    example: "22222222-2222-2222-2222-222222222222",
    description:
      "Comma-separated Log Analytics workspace IDs (GUIDs) that receive the VMs' Event table; a sweep checks VMs with licensing events first. Empty: no symptom query.",
  },
  {
    name: "SWEEP_TAG_INCLUDE",
    required: false,
    example: "role=rdsh,env=prod",
    description:
      "Sweep only VMs with these tags: comma-separated name=value or name (any value); the same name twice means either value, different names must all match. Empty: every Windows VM in ALLOWED_SCOPES.",
  },
  {
    name: "SWEEP_TAG_EXCLUDE",
    required: false,
    example: "rdp-medic-sweep=skip",
    description: "Leave out of sweeps VMs with any of these tags (same syntax as SWEEP_TAG_INCLUDE).",
  },
  {
    name: "SYMPTOM_LOOKBACK_HOURS",
    required: false,
    example: "24",
    description: "How far back a sweep looks for licensing events (1068, 1069, 1128, 1130) in the workspaces (1-720 hours, default 24).",
  },
  {
    name: "LEDGER_TABLE_ENDPOINT",
    required: false,
    example: "https://strdpmedic.table.core.windows.net",
    description:
      "Table service of the app's storage account, for the audit ledger (one record per run; read by the cooldown, recurrence and circuit breakers and GET /api/remediations). Identity-based. Empty: no ledger, and those guards are off.",
  },
  {
    name: "LEDGER_TABLE_NAME",
    required: false,
    example: "RdpMedicRuns",
    description: "Ledger table name (3-63 letters and digits, starting with a letter; created on first use).",
  },
  {
    name: "COOLDOWN_MINUTES",
    required: false,
    example: "60",
    description: "After a run changed a VM, the VM is not changed again for this long (it is still diagnosed).",
  },
  {
    name: "RECURRENCE_LIMIT",
    required: false,
    example: "3",
    description: "When a VM needed a fix this many times within RECURRENCE_WINDOW_DAYS, the next run stops at needs-human: something keeps undoing the fix.",
  },
  {
    name: "RECURRENCE_WINDOW_DAYS",
    required: false,
    example: "7",
    description: "The window of RECURRENCE_LIMIT, in days.",
  },
  {
    name: "BREAKER_THRESHOLD",
    required: false,
    example: "5",
    description:
      "License-server circuit breaker: when this many VMs using one license server needed a fix within BREAKER_WINDOW_MINUTES and the server does not answer properly, no VM is changed for that server; one needs-human report names the server.",
  },
  {
    name: "BREAKER_WINDOW_MINUTES",
    required: false,
    example: "60",
    description: "The window of BREAKER_THRESHOLD, in minutes.",
  },
  {
    name: "MAX_CONCURRENT_REMEDIATIONS",
    required: false,
    example: "5",
    description: "Blast radius: at most this many runs change VMs at once; further runs wait their turn (durably).",
  },
  {
    name: "NOTIFY_WEBHOOK_URL",
    required: false,
    example: "https://prod-00.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke",
    description:
      "When a run needs a person (approval, needs-human, failed), a JSON summary is POSTed here (Teams / Logic Apps). HTTPS. Empty: no notifications. A failing receiver never fails a run.",
  },
  {
    name: "RDP_PROBE_HOST_SUFFIX",
    required: false,
    example: "corp.contoso.com",
    description:
      "Where the app can reach the VMs: after a fix, it also negotiates RDP (X.224) with <computer name>.<suffix> on the first of RDP_PROBE_PORTS. The VM tag rdp-medic-rdp-host may name another host only under this suffix or in RDP_PROBE_ADDRESS_RANGES. Empty (and no ranges): only the in-guest verify.",
  },
  {
    name: "RDP_PROBE_ADDRESS_RANGES",
    required: false,
    example: "10.20.0.0/16,10.30.4.0/24",
    description:
      "Comma-separated IPv4/IPv6 ranges (CIDR, at most 50) the VM tag rdp-medic-rdp-host may point the app's RDP check at. Anything outside them and outside RDP_PROBE_HOST_SUFFIX is never connected to.",
  },
  {
    name: "RDP_PROBE_PORTS",
    required: false,
    example: "3389",
    description: "Comma-separated TCP ports (at most 10) the app's RDP check may use; the first is used when the tag names none. Default 3389.",
  },
  {
    name: "RESTORE_OS_DISK_ON_FAILURE",
    required: false,
    example: "false",
    description:
      "true: when verification fails after the registry rollback, restore the OS disk from the run's snapshot (create disk, deallocate, swap, start). Needs the restore actions in the role (enableOsDiskRestore).",
  },
  {
    name: "LOCAL_CA_CERT_FILE",
    required: false,
    example: ".artifacts/simulator-ca.pem",
    description: "PEM certificate(s) the Azure clients (ARM, Logs, Resource Graph, the ledger's Table storage) trust in addition to the system's: the local simulator's and Azurite's.",
    localOnly: true,
  },
  {
    name: "LOCAL_DEVELOPMENT_AUTH",
    required: false,
    example: "false",
    description:
      "Local development only, never deployed (refused on an Azure instance): true lets a request without a bearer token act as the local identity it declares in X-Local-User (default local-developer) with the roles in X-Local-Roles (default Operator,Approver). The offline demo and CLI use it.",
    localOnly: true,
  },
  {
    name: "ENTRA_JWKS_URI",
    required: false,
    example: "http://127.0.0.1:7080/00000000-0000-0000-0000-000000000000/discovery/v2.0/keys",
    description:
      "Local only, never deployed: where the signing keys are fetched instead of the issuer tenant's key set; a loopback address only (the offline Entra stand-in in tests).",
    localOnly: true,
  },
];

export interface Config {
  allowedScopes: Scope[];
  policy: PlaybookPolicy;
  armEndpoint: string;
  logsEndpoint: string;
  managedIdentityClientId: string | undefined;
  taskHubName: string;
  optOutTag: string;
  snapshotRetentionDays: number;
  /** NCRONTAB schedule of the timer that deletes our expired snapshots. */
  snapshotExpirySchedule: string;
  killSwitch: boolean;
  pollIntervalSeconds: number;
  operationTimeoutMinutes: number;
  approvalTimeoutHours: number;
  localCaCertPem: string | undefined;
  /** Microsoft Entra bearer tokens for every endpoint that takes them; undefined when ENTRA_AUDIENCE is empty. */
  entraAuth: EntraAuthSettings | undefined;
  /** How POST /api/alerts knows the action group. */
  alertAuth: AlertAuth;
  /** LOCAL_DEVELOPMENT_AUTH: a request without a token acts as the local identity it declares. Never in Azure. */
  localDevelopmentAuth: boolean;
  /** The person who started a run may also decide its approval (four eyes off). */
  allowSelfApproval: boolean;
  sweep: SweepConfig;
  ledger: LedgerSettings | undefined;
  guards: GuardSettings;
  notifyWebhookUrl: string | undefined;
  rdpProbeHostSuffix: string | undefined;
  /** CIDR ranges the rdp-medic-rdp-host tag may point at. */
  rdpProbeAddressRanges: string[];
  /** Ports the app's RDP check may use; the first is the default. */
  rdpProbePorts: number[];
  restoreOsDiskOnFailure: boolean;
}

export interface LedgerSettings {
  tableEndpoint: string;
  tableName: string;
}

/** Limits that keep unattended runs from making things worse. */
export interface GuardSettings {
  cooldownMinutes: number;
  recurrenceLimit: number;
  recurrenceWindowDays: number;
  breakerThreshold: number;
  breakerWindowMinutes: number;
  maxConcurrentRemediations: number;
}

/** Compliance sweep settings (SWEEP_*, GRACE_WARNING_DAYS, SYMPTOM_LOOKBACK_HOURS). */
export interface SweepConfig {
  schedule: string;
  policy: SweepPolicy;
  maxConcurrency: number;
  maxErrors: number;
  maxRemediations: number;
  graceWarningDays: number;
  workspaceIds: string[];
  tags: TagFilter;
  symptomLookbackHours: number;
}

export interface EntraAuthSettings {
  audience: string;
  clientId: string | undefined;
  issuer: string;
  /** Local only: a loopback key server instead of the tenant's key set. */
  jwksUri: string | undefined;
}

export const ALERT_AUTH_MODES = ["entra", "function-key"] as const;
export type AlertAuth = (typeof ALERT_AUTH_MODES)[number];

type Env = Record<string, string | undefined>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(name: string, problem: string): never {
  const spec = SETTINGS.find((s) => s.name === name);
  const example = spec ? ` Example: ${name}=${spec.example}` : "";
  throw new ConfigError(name, `Setting ${name} ${problem}.${example}`);
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function required(env: Env, name: string): string {
  return text(env, name) ?? fail(name, "is missing");
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  return fail(name, `must be true or false, not "${value}"`);
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    return fail(name, `must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return Number(value);
}

function httpsUrl(env: Env, name: string, fallback: string): string {
  const value = text(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(name, `must be an absolute URL, not "${value}"`);
  }
  if (url.protocol !== "https:") fail(name, `must use https, not "${value}"`);
  return value.replace(/\/+$/, "");
}

function entraAuth(env: Env): EntraAuthSettings | undefined {
  const audience = text(env, "ENTRA_AUDIENCE");
  const issuer = text(env, "ENTRA_ISSUER");
  const clientId = text(env, "ENTRA_CLIENT_ID");
  const jwksUri = text(env, "ENTRA_JWKS_URI");
  if (audience === undefined) {
    if (issuer !== undefined) fail("ENTRA_AUDIENCE", "is missing while ENTRA_ISSUER is set; set both or neither");
    if (clientId !== undefined) fail("ENTRA_AUDIENCE", "is missing while ENTRA_CLIENT_ID is set");
    if (jwksUri !== undefined) fail("ENTRA_AUDIENCE", "is missing while ENTRA_JWKS_URI is set");
    return undefined;
  }
  if (/\s/.test(audience) || audience.length > 512) fail("ENTRA_AUDIENCE", `must be one Application ID URI or client ID, not "${audience.slice(0, 80)}"`);
  if (issuer === undefined) return fail("ENTRA_ISSUER", "is missing while ENTRA_AUDIENCE is set; set both or neither");
  let url: URL | undefined;
  try {
    url = new URL(issuer);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== "https:") fail("ENTRA_ISSUER", `must be an https URL, not "${issuer.slice(0, 120)}"`);
  // The tenant is the first path segment; the signing keys are found from it.
  if (url.pathname.split("/").filter(Boolean).length === 0 || url.search || url.hash || url.username || url.password) {
    fail("ENTRA_ISSUER", `must name the tenant in its path and carry no query, fragment or credentials, not "${issuer.slice(0, 120)}"`);
  }
  if (clientId !== undefined && !GUID.test(clientId)) fail("ENTRA_CLIENT_ID", `must be a GUID, not ${printable(clientId)}`);
  if (jwksUri !== undefined) {
    let keys: URL | undefined;
    try {
      keys = new URL(jwksUri);
    } catch {
      keys = undefined;
    }
    const loopback = keys !== undefined && /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(keys.hostname);
    if (!keys || !/^https?:$/.test(keys.protocol) || !loopback || keys.username || keys.password) {
      fail("ENTRA_JWKS_URI", `must be an http(s) URL on a loopback address (local key server only), not ${printable(jwksUri, 120)}`);
    }
  }
  return { audience, clientId, issuer, jwksUri };
}

function alertAuth(env: Env): AlertAuth {
  const value = text(env, "ALERT_AUTH") ?? "entra";
  if (!(ALERT_AUTH_MODES as readonly string[]).includes(value)) fail("ALERT_AUTH", `must be entra or function-key, not ${printable(value, 40)}`);
  return value as AlertAuth;
}

function localDevelopmentAuth(env: Env): boolean {
  const on = bool(env, "LOCAL_DEVELOPMENT_AUTH", false);
  // Azure sets WEBSITE_INSTANCE_ID on every instance of an app; a developer's machine does not.
  if (on && text(env, "WEBSITE_INSTANCE_ID") !== undefined) {
    fail("LOCAL_DEVELOPMENT_AUTH", "is true on an Azure instance (WEBSITE_INSTANCE_ID is set); it is for local development only and must not be set there");
  }
  return on;
}

/** At most 50 CIDR ranges, IPv4 or IPv6, with their prefix length. */
function addressRanges(env: Env): string[] {
  const list = splitList(text(env, "RDP_PROBE_ADDRESS_RANGES") ?? "");
  if (list.length > 50) fail("RDP_PROBE_ADDRESS_RANGES", `lists ${list.length} ranges; at most 50 are allowed`);
  for (const range of list) {
    const [address, prefix, extra] = range.split("/");
    const family = isIP(address ?? "");
    const max = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
      fail("RDP_PROBE_ADDRESS_RANGES", `has ${printable(range)}, which is not a CIDR range such as 10.20.0.0/16 or fd00::/64`);
    }
  }
  return list;
}

function probePorts(env: Env): number[] {
  const list = splitList(text(env, "RDP_PROBE_PORTS") ?? "3389");
  if (list.length === 0 || list.length > 10) fail("RDP_PROBE_PORTS", "must list 1 to 10 ports");
  return [
    ...new Set(
      list.map((port) => {
        if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) fail("RDP_PROBE_PORTS", `has ${printable(port)}, which is not a port from 1 to 65535`);
        return Number(port);
      }),
    ),
  ];
}

function ledgerSettings(env: Env): LedgerSettings | undefined {
  const endpoint = text(env, "LEDGER_TABLE_ENDPOINT");
  const tableName = text(env, "LEDGER_TABLE_NAME") ?? "RdpMedicRuns";
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(tableName)) {
    fail("LEDGER_TABLE_NAME", `must be 3-63 letters and digits starting with a letter, not "${tableName}"`);
  }
  if (endpoint === undefined) return undefined;
  return { tableEndpoint: httpsUrl(env, "LEDGER_TABLE_ENDPOINT", endpoint), tableName };
}

function webhookUrl(env: Env): string | undefined {
  const value = text(env, "NOTIFY_WEBHOOK_URL");
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail("NOTIFY_WEBHOOK_URL", "must be an absolute URL");
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    fail("NOTIFY_WEBHOOK_URL", "must use https (http only to a loopback address)");
  }
  return value;
}

function hostSuffix(env: Env): string | undefined {
  const value = text(env, "RDP_PROBE_HOST_SUFFIX");
  if (value === undefined) return undefined;
  if (!isValidLicenseServerName(value) || isIP(value) !== 0) {
    fail("RDP_PROBE_HOST_SUFFIX", `must be a DNS domain such as corp.contoso.com, not "${value.slice(0, 80)}"`);
  }
  return value.replace(/\.$/, "");
}

/** A timer schedule: six NCRONTAB fields (the Functions host rejects anything else at start, less clearly). */
function ncrontab(env: Env, name: string, fallback: string): string {
  const schedule = text(env, name) ?? fallback;
  const fields = schedule.split(/\s+/);
  if (fields.length !== 6 || !fields.every((f) => /^[0-9A-Za-z*/,-]+$/.test(f))) {
    fail(name, `must be an NCRONTAB expression of six fields (second minute hour day month day-of-week), not "${schedule.slice(0, 80)}"`);
  }
  return schedule;
}

/** RESTART_WITH_USERS and MAINTENANCE_WINDOW (which wait needs). */
function restartPolicy(env: Env): Pick<PlaybookPolicy, "restartWithUsers" | "maintenanceWindow"> {
  const restart = text(env, "RESTART_WITH_USERS") ?? "approve";
  if (!(RESTART_WITH_USERS as readonly string[]).includes(restart)) {
    fail("RESTART_WITH_USERS", `must be approve, wait or force, not ${printable(restart, 40)}`);
  }
  const windowText = text(env, "MAINTENANCE_WINDOW");
  let maintenanceWindow: MaintenanceWindow | undefined;
  if (windowText !== undefined) {
    const parsed = parseMaintenanceWindow(windowText);
    if (typeof parsed === "string") fail("MAINTENANCE_WINDOW", `${parsed}, not ${printable(windowText, 40)}`);
    maintenanceWindow = parsed;
  }
  if (restart === "wait" && maintenanceWindow === undefined) fail("MAINTENANCE_WINDOW", "must be set when RESTART_WITH_USERS is wait");
  return { restartWithUsers: restart as RestartWithUsers, maintenanceWindow };
}

function sweepConfig(env: Env): SweepConfig {
  const schedule = ncrontab(env, "SWEEP_SCHEDULE", "0 0 2 * * *");
  const policy = text(env, "SWEEP_POLICY") ?? "report";
  if (!(SWEEP_POLICIES as readonly string[]).includes(policy)) fail("SWEEP_POLICY", `must be report, remediate or enforce, not "${policy.slice(0, 40)}"`);
  const workspaceIds = splitList(text(env, "SWEEP_WORKSPACE_IDS") ?? "");
  for (const id of workspaceIds) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      fail("SWEEP_WORKSPACE_IDS", `has "${id.slice(0, 80)}", which is not a workspace ID (GUID)`);
    }
  }
  const tags = (name: string) => {
    try {
      return parseTagConditions(text(env, name));
    } catch (e) {
      return fail(name, `is not a list of name=value or name entries: ${(e as Error).message}`);
    }
  };
  return {
    schedule,
    policy: policy as SweepPolicy,
    maxConcurrency: int(env, "SWEEP_MAX_CONCURRENCY", 50, 1, 1000),
    maxErrors: int(env, "SWEEP_MAX_ERRORS", 10, 1, 10_000),
    maxRemediations: int(env, "SWEEP_MAX_REMEDIATIONS", 20, 0, 10_000),
    graceWarningDays: int(env, "GRACE_WARNING_DAYS", 14, 0, 120),
    workspaceIds: workspaceIds.map((id) => id.toLowerCase()),
    tags: { include: tags("SWEEP_TAG_INCLUDE"), exclude: tags("SWEEP_TAG_EXCLUDE") },
    symptomLookbackHours: int(env, "SYMPTOM_LOOKBACK_HOURS", 24, 1, 720),
  };
}

/** Reads and validates every setting at once; the first problem names the setting and gives an example. */
export function loadConfig(env: Env = process.env): Config {
  const scopes = splitList(required(env, "ALLOWED_SCOPES")).map((s) => {
    try {
      return parseScope(s);
    } catch (e) {
      return fail("ALLOWED_SCOPES", `has an entry that is not a subscription or resource group: "${s}" (${(e as Error).message})`);
    }
  });
  if (scopes.length === 0) fail("ALLOWED_SCOPES", "is empty");

  const servers = splitList(required(env, "LICENSE_SERVERS"));
  if (servers.length === 0) fail("LICENSE_SERVERS", "is empty");
  if (servers.length > 10) fail("LICENSE_SERVERS", `lists ${servers.length} servers; at most 10 are allowed`);
  for (const server of servers) {
    const problem = licenseServerNameProblem(server);
    if (problem !== undefined) fail("LICENSE_SERVERS", `has ${printable(server)}, which is not a host name or IP address: ${problem}`);
  }

  const mode = text(env, "LICENSING_MODE") ?? "4";
  if (mode !== "2" && mode !== "4") fail("LICENSING_MODE", `must be 4 (per user) or 2 (per device), not "${mode}"`);

  const noCals = text(env, "NO_CALS_ACTION") ?? "report";
  if (noCals !== "report" && noCals !== "remove-rdsh-role") {
    fail("NO_CALS_ACTION", `must be report or remove-rdsh-role, not "${noCals}"`);
  }

  const clientId = text(env, "MANAGED_IDENTITY_CLIENT_ID");
  if (clientId !== undefined && !GUID.test(clientId)) {
    fail("MANAGED_IDENTITY_CLIENT_ID", `must be a GUID, not "${clientId}"`);
  }

  const hub = text(env, "TASK_HUB_NAME") ?? "RdpMedic";
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(hub)) {
    fail("TASK_HUB_NAME", `must be 3-45 letters and digits starting with a letter, not "${hub}"`);
  }

  const optOutTag = text(env, "OPT_OUT_TAG") ?? "rdp-medic-opt-out";
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(optOutTag)) {
    fail("OPT_OUT_TAG", `must be a tag name of letters, digits, '-', '_' or '.', starting with a letter or digit, not ${printable(optOutTag)}`);
  }

  const caFile = text(env, "LOCAL_CA_CERT_FILE");
  let localCaCertPem: string | undefined;
  if (caFile !== undefined) {
    try {
      localCaCertPem = readFileSync(caFile, "utf8");
    } catch {
      fail("LOCAL_CA_CERT_FILE", `names a file that cannot be read: "${caFile}"`);
    }
    if (!localCaCertPem.includes("BEGIN CERTIFICATE")) fail("LOCAL_CA_CERT_FILE", `is not a PEM certificate: "${caFile}"`);
  }

  return {
    allowedScopes: scopes,
    policy: {
      licensingMode: Number(mode) as LicensingMode,
      licenseServers: servers,
      noCalsAction: noCals as PlaybookPolicy["noCalsAction"],
      removeUnusedLicensingRole: bool(env, "REMOVE_UNUSED_LICENSING_ROLE", false),
      ...restartPolicy(env),
      enforceDriftInSweeps: text(env, "SWEEP_POLICY") === "enforce",
    },
    armEndpoint: httpsUrl(env, "ARM_ENDPOINT", "https://management.azure.com"),
    logsEndpoint: httpsUrl(env, "LOGS_ENDPOINT", "https://api.loganalytics.io/v1"),
    managedIdentityClientId: clientId,
    taskHubName: hub,
    optOutTag,
    snapshotRetentionDays: int(env, "SNAPSHOT_RETENTION_DAYS", 7, 1, 365),
    snapshotExpirySchedule: ncrontab(env, "SNAPSHOT_EXPIRY_SCHEDULE", "0 30 3 * * *"),
    killSwitch: bool(env, "KILL_SWITCH", false),
    pollIntervalSeconds: int(env, "POLL_INTERVAL_SECONDS", 15, 1, 600),
    operationTimeoutMinutes: int(env, "OPERATION_TIMEOUT_MINUTES", 30, 1, 180),
    approvalTimeoutHours: int(env, "APPROVAL_TIMEOUT_HOURS", 24, 1, 336),
    localCaCertPem,
    entraAuth: entraAuth(env),
    alertAuth: alertAuth(env),
    localDevelopmentAuth: localDevelopmentAuth(env),
    allowSelfApproval: bool(env, "ALLOW_SELF_APPROVAL", false),
    sweep: sweepConfig(env),
    ledger: ledgerSettings(env),
    guards: {
      cooldownMinutes: int(env, "COOLDOWN_MINUTES", 60, 0, 10_080),
      recurrenceLimit: int(env, "RECURRENCE_LIMIT", 3, 1, 100),
      recurrenceWindowDays: int(env, "RECURRENCE_WINDOW_DAYS", 7, 1, 90),
      breakerThreshold: int(env, "BREAKER_THRESHOLD", 5, 2, 10_000),
      breakerWindowMinutes: int(env, "BREAKER_WINDOW_MINUTES", 60, 1, 10_080),
      maxConcurrentRemediations: int(env, "MAX_CONCURRENT_REMEDIATIONS", 5, 1, 1000),
    },
    notifyWebhookUrl: webhookUrl(env),
    rdpProbeHostSuffix: hostSuffix(env),
    rdpProbeAddressRanges: addressRanges(env),
    rdpProbePorts: probePorts(env),
    restoreOsDiskOnFailure: bool(env, "RESTORE_OS_DISK_ON_FAILURE", false),
  };
}
