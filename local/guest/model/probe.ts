import type { GuestState } from "../guest-state";
import {
  KEYS,
  featureState,
  readCommaList,
  readDword,
  readMultiString,
  rdpPort,
  reachableLicenseServer,
} from "../guest-registry";
import {
  addUniqueNames,
  formatTime,
  isIpAddress,
  isLicenseServerName,
  licensingEvents,
  readServerList,
  reportedFeatureState,
  resolveHostAddresses,
  safeText,
  tcpAnswers,
} from "./script-helpers";

/** Limits of probe.ps1. */
const MAX_EVENTS = 10;
const MAX_ADDRESSES = 4;
const MAX_SERVER_CHECKS = 16;
const MAX_LIST_ENTRIES = 16;
const MAX_NAME_LENGTH = 256;
const MAX_OUTPUT_BYTES = 3500;

interface ServerCheck {
  name: string;
  dnsResolved: boolean;
  addresses: string[];
  tcp135: boolean;
  health: string;
}

/** What src/scripts/probe.ps1 prints for a guest (the same object, keys in the same order). */
export function modelProbe(state: GuestState, parameters: Record<string, string>, now: Date): string {
  let truncated = false;
  const reported = (names: string[] | null): string[] | null => {
    if (names === null) return null;
    const out: string[] = [];
    for (const name of names) {
      if (out.length >= MAX_LIST_ENTRIES) {
        truncated = true;
        break;
      }
      const safe = safeText(name, MAX_NAME_LENGTH);
      if (safe.length < name.length) truncated = true;
      out.push(safe);
    }
    return out;
  };

  const intended = readServerList("LicenseServers", parameters["LicenseServers"] ?? "", false);
  const specified = reported(readMultiString(state, KEYS.licenseServers, "SpecifiedLicenseServers"));
  const legacy = reported(readMultiString(state, KEYS.termServiceParameters, "SpecifiedLicenseServers"));
  const policyServers = reported(readCommaList(state, KEYS.policy, "LicenseServers"));

  const candidates: string[] = [];
  for (const list of [intended, policyServers, specified, legacy]) if (list !== null) addUniqueNames(candidates, list);
  if (candidates.length > MAX_SERVER_CHECKS) truncated = true;
  const servers = candidates.slice(0, MAX_SERVER_CHECKS).map((name) => serverCheck(state, name));

  const events = licensingEvents(state, new Date(now.getTime() - 24 * 60 * 60 * 1000));
  const eventList = events.slice(0, MAX_EVENTS).map((e) => ({ id: e.id, log: e.log, time: formatTime(e.time) }));
  if (events.length > eventList.length) truncated = true;

  const result = {
    rdpMedic: "probe",
    v: 1,
    computerName: state.computerName,
    localAddresses: localAddresses(state),
    rdshInstallState: readDword(state, KEYS.rdshCache, "InstallState"),
    rdshFeature: reportedFeatureState(state, "RDS-RD-Server"),
    licensingRoleFeature: reportedFeatureState(state, "RDS-Licensing"),
    licensingMode: readDword(state, KEYS.licensingCore, "LicensingMode"),
    specifiedLicenseServers: specified,
    legacyPathLicenseServers: legacy,
    policyLicensingMode: readDword(state, KEYS.policy, "LicensingMode"),
    policyLicenseServers: policyServers,
    graceDaysLeft: graceDaysLeft(state),
    servers,
    termServiceRunning: state.termServiceRunning,
    rdpListening: state.listeningPorts.includes(rdpPort(state)),
    events: eventList,
    eventCount: events.length,
    truncated,
  };

  const size = () => Buffer.byteLength(JSON.stringify(result), "utf8");
  while (size() > MAX_OUTPUT_BYTES && eventList.length > 0) {
    eventList.pop();
    result.truncated = true;
  }
  for (const keep of [1, 0]) {
    if (size() <= MAX_OUTPUT_BYTES) break;
    for (const server of servers) server.addresses = server.addresses.slice(0, keep);
    result.truncated = true;
  }
  return JSON.stringify(result);
}

/** Get-ServerCheck */
function serverCheck(state: GuestState, name: string): ServerCheck {
  const valid = isLicenseServerName(name);
  const addresses = valid ? resolveHostAddresses(state, name) : [];
  const resolved = addresses.length > 0;
  const tcp = resolved && tcpAnswers(state, name, 135);
  let health = "unknown";
  if (resolved && tcp) health = licenseServerHealth(state, name);
  else if (valid) health = "unreachable";
  return { name, dnsResolved: resolved, addresses: addresses.slice(0, MAX_ADDRESSES), tcp135: tcp, health };
}

/** Get-LicenseServerHealth: the connectivity status, then the server's own WMI (key packs, activation). */
function licenseServerHealth(state: GuestState, name: string): string {
  const server = reachableLicenseServer(state, name);
  if (server === undefined) return "unreachable";
  if (!server.activated) return "not-activated";
  if (server.cals <= 0) return "no-cals";
  if (Math.max(0, server.cals - server.issued) === 0) return "cals-exhausted";
  return "ok";
}

/** Get-GraceDaysLeft: GetGracePeriodDays answers only with the RD Session Host role. */
function graceDaysLeft(state: GuestState): number | null {
  const rdsh = featureState(state, "RDS-RD-Server");
  if (rdsh !== "Installed" && rdsh !== "UninstallPending") return null;
  const days = state.graceDaysLeft;
  return Number.isInteger(days) && days >= 0 && days <= 365 ? days : null;
}

/** Get-LocalAddresses over the shim's Get-NetIPAddress (which adds the loopback addresses). */
function localAddresses(state: GuestState): string[] {
  const out: string[] = [];
  for (const entry of ["127.0.0.1", "::1", ...(state.localAddresses ?? [])]) {
    const ip = entry.replace(/%.*$/, "");
    if (/^127\./.test(ip) || ip === "::1" || /^fe[89ab][0-9a-f]:/i.test(ip) || !isIpAddress(ip)) continue;
    if (!out.includes(ip) && out.length < 16) out.push(ip);
  }
  return out;
}
