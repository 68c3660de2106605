import type { GuestCalPack, GuestEdition, GuestLicenseServer, GuestState } from "./guest-state";
import {
  featureState,
  licensingConfig,
  reachableLicenseServer,
} from "./guest-registry";

/**
 * How the fake Windows behaves where real Windows computes something: the connectivity status
 * (GetTStoLSConnectivityStatus), a license server's CAL packs, the OS facts, and whether RD licensing actually
 * works. The shim (shim.ps1) answers the scripts' commands the same way; the model and the reboot use these.
 */

export const DEFAULT_EDITION: GuestEdition = { caption: "Microsoft Windows Server 2022 Datacenter", productType: 3 };

export function editionOf(state: GuestState): GuestEdition {
  return state.edition ?? DEFAULT_EDITION;
}

/** The build in osVersion ("10.0.20348" -> 20348); 0 when it has none. */
export function hostBuild(state: GuestState): number {
  const part = state.osVersion.split(".")[2];
  return part !== undefined && /^\d{1,9}$/.test(part) ? Number(part) : 0;
}

export function powerShellVersion(state: GuestState): string {
  return state.powerShellVersion ?? `5.1.${hostBuild(state)}.1`;
}

/** The domain the VM is in, or null for a workgroup. */
export function domainOf(state: GuestState): string | null {
  return state.domain === undefined ? "contoso.com" : state.domain;
}

/** The packs a license server holds (its packs, or one pack of cals/issued). */
export function packsOf(server: GuestLicenseServer): GuestCalPack[] {
  if (server.packs !== undefined) return server.packs.map((p) => ({ ...p }));
  if (server.cals <= 0) return [];
  return [{ type: server.calType ?? "user", version: server.calVersion ?? 7, total: server.cals, issued: server.issued }];
}

/**
 * Whether a connection with this status can license the host: every status but the incompatible ones (3 beta,
 * 4 older license server, 5 not in its group, 6 not connectable) and, for a 2012 or later host, the 2008-era
 * ones (1, 2, 9). Statuses 0, 7, 8 and 10 only say Windows could not check; the server still licenses.
 */
export function licensableStatus(status: number, build: number): boolean {
  if (status === 3 || status === 4 || status === 5 || status === 6) return false;
  return build < 9200 || (status !== 1 && status !== 2 && status !== 9);
}

/**
 * GetTStoLSConnectivityStatus for a name; null when the call fails (TermService not running). 6 when no license
 * server answers there, the server's explicit status when it has one, 4 when it runs an older Windows than this
 * host, 5 when its security group leaves this host out, else 11.
 */
export function connectivityStatus(state: GuestState, name: string): number | null {
  if (!state.termServiceRunning) return null;
  const server = reachableLicenseServer(state, name);
  if (server === undefined) return 6;
  if (server.connectivity !== undefined) return server.connectivity;
  if ((server.osBuild ?? 20348) < hostBuild(state)) return 4;
  if (server.allowedHosts !== undefined && !server.allowedHosts.some((h) => h.toLowerCase() === state.computerName.toLowerCase())) return 5;
  return 11;
}

/** The CAL version (ProductVersionID) a host of this build needs, at least (as src/domain/licensing-state.ts). */
export function neededCalVersion(build: number): number {
  if (build >= 26100) return 8;
  if (build >= 20348) return 7;
  if (build >= 17763) return 6;
  if (build >= 14393) return 5;
  if (build >= 9200) return 4;
  return 3;
}

/** The CAL type a licensing mode takes: 2 per device, 4 and 6 per user. */
function calTypeOf(mode: number | null): "device" | "user" | undefined {
  return mode === 2 ? "device" : mode === 4 || mode === 6 ? "user" : undefined;
}

/**
 * Whether RD licensing works on this machine, as Windows would decide it (independently of RDP Medic's
 * judgement): the RD Session Host role installed, TermService running, a licensing mode configured (per user
 * needs a domain), and a configured license server with a valid connection that is activated and has free CALs
 * of the mode's type, of the host's version or newer. A host without the role needs no licensing.
 */
export function licensingWorks(state: GuestState): { works: boolean; why: string } {
  const role = featureState(state, "RDS-RD-Server");
  if (role === "InstallPending" || role === "UninstallPending") return { works: false, why: "a change of the RD Session Host role waits for a restart" };
  if (role !== "Installed") return { works: true, why: "no RD Session Host role: two administrative sessions" };
  if (!state.termServiceRunning) return { works: false, why: "TermService is not running" };
  const config = licensingConfig(state);
  const mode = config.effectiveMode;
  const type = calTypeOf(mode);
  if (type === undefined) return { works: false, why: `licensing mode ${String(mode)} is not configured` };
  if (mode === 4 && domainOf(state) === null) return { works: false, why: "per-user licensing in a workgroup" };
  const build = hostBuild(state);
  for (const name of config.effectiveServers ?? []) {
    const status = connectivityStatus(state, name);
    if (status === null || !licensableStatus(status, build)) continue;
    const server = reachableLicenseServer(state, name)!;
    if (!server.activated) continue;
    const usable = packsOf(server).filter((p) => p.type === type && p.version >= neededCalVersion(build) && p.total > p.issued);
    if (usable.length > 0) return { works: true, why: `${name} issues ${type === "user" ? "per-user" : "per-device"} CALs` };
  }
  return { works: false, why: (config.effectiveServers ?? []).length === 0 ? "no license server is configured" : "no configured license server issues CALs to this host" };
}
