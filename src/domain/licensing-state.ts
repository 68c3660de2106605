import { isIP } from "node:net";
import type { LicensingMode, PlaybookPolicy, ProbeResult } from "./playbook";

/**
 * How an experienced admin reads a probe report: the role's real state, the effective (GPO-aware) values, each
 * license server's usability, and whether a server is this VM itself. Shared by diagnose and plan.
 */

export const REGISTRY = {
  rdshInstallState: "HKLM\\SOFTWARE\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache\\RDS-RD-Server",
  licensingCore: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core",
  licenseServers: "HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers",
  legacyLicenseServers: "HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters",
  policy: "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services",
} as const;

export const GPO_SETTING = {
  mode: "Set the Remote Desktop licensing mode",
  servers: "Use the specified Remote Desktop license servers",
  path: "Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > Remote Desktop Session Host > Licensing",
} as const;

/** LicensingMode 5 is Windows' "not yet configured". */
const MODE_NOT_CONFIGURED = 5;

export function modeName(mode: number | null): string {
  switch (mode) {
    case 2:
      return "2 (per device)";
    case 4:
      return "4 (per user)";
    case 5:
      return "5 (not configured)";
    case 6:
      return "6 (Azure AD per user)";
    case null:
      return "not set";
    default:
      return String(mode);
  }
}

export function calKind(mode: LicensingMode): string {
  return mode === 4 ? "RDS Per User CALs" : "RDS Per Device CALs";
}

export type RdshRole = "installed" | "absent" | "install-pending" | "uninstall-pending" | "unknown";

/**
 * Get-WindowsFeature is the live servicing state, so it wins when it knows; the ServerComponentCache InstallState
 * (the article's check: 0 = not installed, 1 = installed) decides when it does not. Any other InstallState means a
 * servicing operation waits for a restart.
 */
export function rdshRole(probe: ProbeResult): RdshRole {
  const state = probe.rdshInstallState;
  if (probe.rdshFeature === "UninstallPending") return "uninstall-pending";
  if (probe.rdshFeature === "InstallPending") return "install-pending";
  if (state !== null && state !== 0 && state !== 1) return "install-pending";
  if (probe.rdshFeature === "Installed") return "installed";
  if (probe.rdshFeature === "Available") return "absent";
  if (state === 0) return "absent";
  if (state === 1) return "installed";
  return "unknown";
}

export function normalizeServer(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

export function sameServer(a: string, b: string): boolean {
  return normalizeServer(a) === normalizeServer(b);
}

/** Same servers in any order (Windows uses any server it can reach), case-insensitive, trailing dot ignored. */
export function sameServerSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map(normalizeServer));
  const right = new Set(b.map(normalizeServer));
  return left.size === right.size && [...left].every((s) => right.has(s));
}

export function uniqueServers(list: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const s of list) if (!seen.has(normalizeServer(s))) seen.set(normalizeServer(s), s);
  return [...seen.values()];
}

function nonEmpty(list: string[] | null): string[] | null {
  return list !== null && list.length > 0 ? list : null;
}

export interface Effective<T> {
  value: T;
  /** "gpo": a Group Policy value wins over the local one. */
  source: "gpo" | "local";
}

export function effectiveMode(probe: ProbeResult): Effective<number | null> {
  return probe.policyLicensingMode !== null
    ? { value: probe.policyLicensingMode, source: "gpo" }
    : { value: probe.licensingMode, source: "local" };
}

export function effectiveServers(probe: ProbeResult): Effective<string[] | null> {
  const gpo = nonEmpty(probe.policyLicenseServers);
  return gpo !== null ? { value: gpo, source: "gpo" } : { value: nonEmpty(probe.specifiedLicenseServers), source: "local" };
}

export function isModeConfigured(mode: number | null): boolean {
  return mode !== null && mode !== MODE_NOT_CONFIGURED;
}

/** Group Policy values that differ from what the policy enforces (a local fix would be reverted). */
export interface GpoConflicts {
  mode: number | null;
  servers: string[] | null;
}

export function gpoConflicts(probe: ProbeResult, policy: PlaybookPolicy): GpoConflicts {
  const mode = probe.policyLicensingMode;
  const servers = nonEmpty(probe.policyLicenseServers);
  return {
    mode: mode !== null && mode !== policy.licensingMode ? mode : null,
    servers: servers !== null && !sameServerSet(servers, policy.licenseServers) ? servers : null,
  };
}

export type ServerStatus = "usable" | "unchecked" | "dns-failed" | "unreachable" | "not-activated" | "no-cals" | "cals-exhausted";

/** One server's usability from the probe's checks. "unchecked": the probe has no check for it (nothing known). */
export function serverStatus(probe: ProbeResult, name: string): ServerStatus {
  const check = probe.servers.find((c) => sameServer(c.name, name));
  if (check === undefined) return "unchecked";
  if (!check.dnsResolved) return "dns-failed";
  if (!check.tcp135 || check.health === "unreachable") return "unreachable";
  if (check.health === "not-activated" || check.health === "no-cals" || check.health === "cals-exhausted") return check.health;
  return "usable";
}

export function mayWork(status: ServerStatus): boolean {
  return status === "usable" || status === "unchecked";
}

/** The servers the policy wants, each once, with their status. */
export function targetServers(probe: ProbeResult, policy: PlaybookPolicy): Array<{ name: string; status: ServerStatus }> {
  return uniqueServers(policy.licenseServers).map((name) => ({ name, status: serverStatus(probe, name) }));
}

function isLoopback(address: string): boolean {
  return address === "::1" || (isIP(address) === 4 && address.startsWith("127."));
}

/** A license server name that is this VM: its computer name (short or FQDN), localhost, or one of its addresses. */
export function pointsAtThisVm(probe: ProbeResult, name: string): boolean {
  const n = normalizeServer(name);
  const computer = probe.computerName.toLowerCase();
  if (n === computer || n.startsWith(`${computer}.`) || n === "localhost" || isLoopback(n)) return true;
  const own = new Set(probe.localAddresses.map((a) => a.toLowerCase()));
  if (own.has(n)) return true;
  const check = probe.servers.find((c) => sameServer(c.name, name));
  return check !== undefined && check.addresses.some((a) => own.has(a.toLowerCase()) || isLoopback(a));
}

/**
 * The local RD Licensing role is unused when no server anyone configured (local, legacy path, GPO, policy, or any
 * server the probe checked) is this VM. Other hosts using it cannot be seen from here; the setting is opt-in.
 */
export function licensingRoleUnused(probe: ProbeResult, policy: PlaybookPolicy): boolean {
  const names = [
    ...(probe.specifiedLicenseServers ?? []),
    ...(probe.legacyPathLicenseServers ?? []),
    ...(probe.policyLicenseServers ?? []),
    ...policy.licenseServers,
    ...probe.servers.map((c) => c.name),
  ];
  return !names.some((n) => pointsAtThisVm(probe, n));
}

export function listServers(list: readonly string[]): string {
  return list.map((s) => `"${s}"`).join(", ");
}
