import { isIP } from "node:net";
import type { CalPack, LicensingMode, PlaybookPolicy, ProbeResult, RegValueFact } from "./playbook";

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

/** The licensing modes Windows acts on: 2 per device, 4 per user, 6 Microsoft Entra ID per user. */
const CONFIGURED_MODES: readonly number[] = [2, 4, 6];

export function modeName(mode: number | null): string {
  switch (mode) {
    case 2:
      return "2 (per device)";
    case 4:
      return "4 (per user)";
    case 5:
      return "5 (not configured)";
    case 6:
      return "6 (Microsoft Entra ID per user)";
    case null:
      return "not set";
    default:
      return `${mode} (not a licensing mode)`;
  }
}

export function calKind(mode: LicensingMode): string {
  return mode === 4 ? "RDS Per User CALs" : "RDS Per Device CALs";
}

/** The CAL type a configured mode takes: per device for 2, per user for 4 and 6; undefined otherwise. */
export function calTypeOf(mode: number | null): CalPack["type"] | undefined {
  return mode === 2 ? "device" : mode === 4 || mode === 6 ? "user" : undefined;
}

export function calTypeName(type: CalPack["type"]): string {
  return type === "user" ? "per-user" : "per-device";
}

/** ProductVersionID (Win32_TSLicenseKeyPack) of the CALs a host of this build needs, at least. */
export function hostCalVersion(build: number): number {
  if (build >= 26100) return 8;
  if (build >= 20348) return 7;
  if (build >= 17763) return 6;
  if (build >= 14393) return 5;
  if (build >= 9200) return 4;
  return 3;
}

const VERSION_NAMES: Record<number, string> = { 2: "2008", 3: "2008 R2", 4: "2012", 5: "2016", 6: "2019", 7: "2022", 8: "2025" };

/** "Windows Server 2019" for a CAL ProductVersionID; 8 (2025) is not yet in the documentation's table. */
export function calVersionName(version: number): string {
  const name = VERSION_NAMES[version];
  return name === undefined ? `version ${version}` : `Windows Server ${name}`;
}

/** The Windows Server release of a build, for messages ("Windows Server 2022 (build 20348)"). */
export function hostRelease(build: number): string {
  const names: Array<[number, string]> = [[26100, "2025"], [20348, "2022"], [17763, "2019"], [14393, "2016"], [9600, "2012 R2"], [9200, "2012"]];
  const found = names.find(([min]) => build >= min);
  return found === undefined ? `build ${build}` : `Windows Server ${found[1]} (build ${build})`;
}

export type RdshRole = "installed" | "absent" | "install-pending" | "uninstall-pending" | "unknown";

/**
 * The RD Session Host role's live state. Get-WindowsFeature reads the servicing stack, so it wins; the
 * ServerComponentCache InstallState (the article's check) is a cache that can be stale and never overrides it.
 * Without Server Manager (client, multi-session and similar SKUs) the state is unknown: RDP Medic does not guess.
 */
export function rdshRole(probe: ProbeResult): RdshRole {
  switch (probe.rdshFeature) {
    case "Installed":
      return "installed";
    case "Available":
      return "absent";
    case "InstallPending":
      return "install-pending";
    case "UninstallPending":
      return "uninstall-pending";
    case "Unknown":
      return "unknown";
  }
}

/** The component cache disagrees with the live state: 0 = not installed, 1 = installed, anything else = pending. */
export function componentCacheStale(probe: ProbeResult): boolean {
  const cache = probe.rdshInstallState;
  if (cache === null || probe.rdshFeature === "Unknown") return false;
  const live = probe.rdshFeature;
  const settled = live === "Installed" ? 1 : live === "Available" ? 0 : undefined;
  return settled === undefined ? cache === 0 || cache === 1 : cache !== settled;
}

export function normalizeServer(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, "");
}

export function sameServer(a: string, b: string): boolean {
  return normalizeServer(a) === normalizeServer(b);
}

/** Same names in any order (Windows uses any server it can reach), case-insensitive, trailing dot ignored. */
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
  const entries = list?.filter((s) => s.trim().length > 0) ?? [];
  return entries.length > 0 ? entries : null;
}

export interface Effective<T> {
  value: T;
  /** "gpo": a Group Policy value wins over the local one. */
  source: "gpo" | "local";
  /** The local value exists but is of a kind Windows does not read (then value is null). */
  wrongKind?: RegValueFact;
}

/** The licensing mode Windows uses: Group Policy's, else the local REG_DWORD (a value of another kind is not read). */
export function effectiveMode(probe: ProbeResult): Effective<number | null> {
  if (probe.policyLicensingMode !== null) return { value: probe.policyLicensingMode, source: "gpo" };
  const fact = probe.licensingModeValue;
  if (fact !== null && fact.kind !== "REG_DWORD") return { value: null, source: "local", wrongKind: fact };
  return { value: probe.licensingMode, source: "local" };
}

/** The license servers Windows uses: Group Policy's list, else the local REG_MULTI_SZ (another kind is not read). */
export function effectiveServers(probe: ProbeResult): Effective<string[] | null> {
  const gpo = nonEmpty(probe.policyLicenseServers);
  if (gpo !== null) return { value: gpo, source: "gpo" };
  const fact = probe.specifiedLicenseServersValue;
  if (fact !== null && fact.kind !== "REG_MULTI_SZ") return { value: null, source: "local", wrongKind: fact };
  return { value: nonEmpty(probe.specifiedLicenseServers), source: "local" };
}

export function isModeConfigured(mode: number | null): boolean {
  return mode !== null && CONFIGURED_MODES.includes(mode);
}

/** Group Policy values that differ from what the policy enforces (a local fix would be reverted). */
export interface GpoConflicts {
  mode: number | null;
  servers: string[] | null;
}

export function gpoConflicts(probe: ProbeResult, policy: Pick<PlaybookPolicy, "licensingMode" | "licenseServers">): GpoConflicts {
  const mode = probe.policyLicensingMode;
  const servers = nonEmpty(probe.policyLicenseServers);
  return {
    mode: mode !== null && mode !== policy.licensingMode ? mode : null,
    servers: servers !== null && !sameServerSet(servers, policy.licenseServers) ? servers : null,
  };
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

/** Every server name anyone configured for this VM (local, legacy path, Group Policy) or the policy names. */
export function namesInUse(probe: ProbeResult, policy: Pick<PlaybookPolicy, "licenseServers">): string[] {
  return [
    ...(probe.specifiedLicenseServers ?? []),
    ...(probe.legacyPathLicenseServers ?? []),
    ...(probe.policyLicenseServers ?? []),
    ...policy.licenseServers,
  ];
}

export function listServers(list: readonly string[]): string {
  return list.map((s) => `"${s}"`).join(", ");
}
