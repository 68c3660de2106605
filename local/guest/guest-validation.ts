import type { GuestCalPack, GuestLicenseServer, GuestSession, GuestState } from "./guest-state";

/**
 * The parts of a GuestState the guest twin added beyond the simulator's structural check
 * (local/simulator/guest-validation.ts calls this): the host facts and the license servers' full shape. Each
 * problem goes to `fail(field, message)`, which throws the caller's error.
 */
export type GuestExtensions = Pick<
  GuestState,
  "localAddresses" | "domain" | "edition" | "powerShellVersion" | "processArchitecture" | "serverManager" | "termServiceStartType" | "sessions" | "licenseServers"
>;

type Fail = (field: string, message: string) => never;
type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** The checked extensions; licenseServers always (it replaces the simulator's narrower check), the others when present. */
export function validateGuestExtensions(value: Json, at: string, fail: Fail): Partial<GuestExtensions> {
  const out: Partial<GuestExtensions> = { licenseServers: licenseServers(value.licenseServers, `${at}.licenseServers`, fail) };
  if (value.localAddresses !== undefined) {
    if (!Array.isArray(value.localAddresses) || !value.localAddresses.every((a) => typeof a === "string")) fail(`${at}.localAddresses`, "must be an array of addresses");
    out.localAddresses = [...(value.localAddresses as string[])];
  }
  if (value.domain !== undefined) {
    if (value.domain !== null && (typeof value.domain !== "string" || value.domain === "")) fail(`${at}.domain`, "must be a domain name, or null for a workgroup");
    out.domain = value.domain as string | null;
  }
  if (value.edition !== undefined) {
    const e = value.edition;
    if (!isRecord(e) || typeof e.caption !== "string" || typeof e.productType !== "number" || ![1, 2, 3].includes(e.productType)) {
      fail(`${at}.edition`, "must be {caption, productType: 1 | 2 | 3}");
    }
    out.edition = { caption: e.caption as string, productType: e.productType as number };
  }
  if (value.powerShellVersion !== undefined) {
    if (typeof value.powerShellVersion !== "string" || !/^\d+(\.\d+){1,3}$/.test(value.powerShellVersion)) fail(`${at}.powerShellVersion`, "must be a version such as 5.1.20348.2849");
    out.powerShellVersion = value.powerShellVersion;
  }
  if (value.processArchitecture !== undefined) {
    if (value.processArchitecture !== "AMD64" && value.processArchitecture !== "x86") fail(`${at}.processArchitecture`, 'must be "AMD64" or "x86"');
    out.processArchitecture = value.processArchitecture;
  }
  if (value.serverManager !== undefined) {
    if (typeof value.serverManager !== "boolean") fail(`${at}.serverManager`, "must be true or false");
    out.serverManager = value.serverManager;
  }
  if (value.termServiceStartType !== undefined) {
    if (!["Automatic", "Manual", "Disabled"].includes(value.termServiceStartType as string)) fail(`${at}.termServiceStartType`, 'must be "Automatic", "Manual" or "Disabled"');
    out.termServiceStartType = value.termServiceStartType as GuestState["termServiceStartType"];
  }
  if (value.sessions !== undefined) out.sessions = sessions(value.sessions, `${at}.sessions`, fail);
  return out;
}

function sessions(value: unknown, at: string, fail: Fail): GuestSession[] | null {
  if (value === null) return null;
  if (!Array.isArray(value)) return fail(at, "must be an array of {user, state}, or null when they cannot be read");
  return value.map((s, i) => {
    if (!isRecord(s) || typeof s.user !== "string" || (s.state !== "Active" && s.state !== "Disconnected")) {
      return fail(`${at}[${i}]`, 'must be {user, state: "Active" | "Disconnected"}');
    }
    return { user: s.user, state: s.state };
  });
}

function licenseServers(value: unknown, at: string, fail: Fail): Record<string, GuestLicenseServer> {
  if (!isRecord(value)) return fail(at, "must be an object: address -> {activated, cals, issued, ...}");
  const out: Record<string, GuestLicenseServer> = {};
  for (const [address, server] of Object.entries(value)) {
    const here = `${at}.${address}`;
    if (!isRecord(server)) return fail(here, "must be {activated, cals, issued, ...}");
    const count = (key: string) => {
      const n = server[key];
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) return fail(`${here}.${key}`, "must be a whole number");
      return n;
    };
    if (typeof server.activated !== "boolean") return fail(`${here}.activated`, "must be true or false");
    const ls: GuestLicenseServer = { activated: server.activated, cals: count("cals"), issued: count("issued") };
    if (server.calType !== undefined) {
      if (server.calType !== "device" && server.calType !== "user") return fail(`${here}.calType`, 'must be "device" or "user"');
      ls.calType = server.calType;
    }
    if (server.calVersion !== undefined) ls.calVersion = count("calVersion");
    if (server.packs !== undefined) ls.packs = packs(server.packs, `${here}.packs`, fail);
    if (server.remoteWmi !== undefined) {
      if (server.remoteWmi !== "allowed" && server.remoteWmi !== "denied") return fail(`${here}.remoteWmi`, 'must be "allowed" or "denied"');
      ls.remoteWmi = server.remoteWmi;
    }
    if (server.osBuild !== undefined) ls.osBuild = count("osBuild");
    if (server.allowedHosts !== undefined) {
      if (!Array.isArray(server.allowedHosts) || !server.allowedHosts.every((h) => typeof h === "string")) return fail(`${here}.allowedHosts`, "must be an array of computer names");
      ls.allowedHosts = [...(server.allowedHosts as string[])];
    }
    if (server.connectivity !== undefined) {
      const c = count("connectivity");
      if (c > 11) return fail(`${here}.connectivity`, "must be a GetTStoLSConnectivityStatus value (0-11)");
      ls.connectivity = c;
    }
    out[address] = ls;
  }
  return out;
}

function packs(value: unknown, at: string, fail: Fail): GuestCalPack[] {
  if (!Array.isArray(value)) return fail(at, "must be an array of {type, version, total, issued}");
  return value.map((p, i) => {
    const here = `${at}[${i}]`;
    if (!isRecord(p) || (p.type !== "device" && p.type !== "user")) return fail(here, 'must be {type: "device" | "user", version, total, issued}');
    const n = (key: string) => {
      const v = p[key];
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0) return fail(`${here}.${key}`, "must be a whole number");
      return v;
    };
    return { type: p.type, version: n("version"), total: n("total"), issued: n("issued") };
  });
}
