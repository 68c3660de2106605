import type { GuestLicenseServer, GuestState } from "../guest-state";
import {
  KEYS,
  entriesOf,
  featureState,
  findName,
  getRegValue,
  licenseServerAt,
  readCommaList,
  readDword,
  readMultiString,
  rdpPort,
  reachableLicenseServer,
  remoteWmiAllowed,
} from "../guest-registry";
import { connectivityStatus, domainOf, editionOf, hostBuild, packsOf, powerShellVersion } from "../windows";
import {
  addUniqueNames,
  assert64BitProcess,
  formatTime,
  isIpAddress,
  isLicenseServerName,
  licensingEvents,
  readServerList,
  regValueFact,
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
const MAX_OUTPUT_BYTES = 3900;
const MAX_RAW_DATA = 1368;
const MAX_PACKS = 4;

const CURRENT_VERSION = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
const CLUSTER_SETTINGS = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\ClusterSettings";
const REBOOT_KEYS: Array<[string, string]> = [
  ["component-servicing", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending"],
  ["windows-update", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired"],
];
const SESSION_MANAGER = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager";

interface CalFacts {
  activated: boolean | null;
  packs: Array<{ type: string; version: number; total: number; issued: number }>;
}

interface ServerCheck {
  name: string;
  dnsResolved: boolean;
  addresses: string[];
  tcp135: boolean;
  status: number | null;
  cals: CalFacts | null;
}

/** What src/scripts/probe.ps1 prints for a guest (the same object, keys in the same order). */
export function modelProbe(state: GuestState, parameters: Record<string, string>, now: Date): string {
  assert64BitProcess(state);
  const truncation = { truncated: false };
  const reported = (names: string[] | null): string[] | null => {
    if (names === null) return null;
    const out: string[] = [];
    for (const name of names) {
      if (out.length >= MAX_LIST_ENTRIES) {
        truncation.truncated = true;
        break;
      }
      const safe = safeText(name, MAX_NAME_LENGTH);
      if (safe.length < name.length) truncation.truncated = true;
      out.push(safe);
    }
    return out;
  };

  const intended = readServerList("LicenseServers", parameters["LicenseServers"] ?? "", false);
  const bootTime = new Date(state.bootTime);
  const specified = reported(readMultiString(state, KEYS.licenseServers, "SpecifiedLicenseServers"));
  const legacy = reported(readMultiString(state, KEYS.termServiceParameters, "SpecifiedLicenseServers"));
  const policyServers = reported(readCommaList(state, KEYS.policy, "LicenseServers"));
  const licensingRole = reportedFeatureState(state, "RDS-Licensing");

  const candidates: string[] = [];
  for (const list of [intended, policyServers, specified, legacy]) if (list !== null) addUniqueNames(candidates, list);
  if (candidates.length > MAX_SERVER_CHECKS) truncation.truncated = true;
  const servers = candidates.slice(0, MAX_SERVER_CHECKS).map((name) => serverCheck(state, name, truncation));

  const bootKnown = !Number.isNaN(bootTime.getTime());
  const events = licensingEvents(state, bootKnown ? bootTime : new Date(now.getTime() - 24 * 60 * 60 * 1000));
  const eventList = events.slice(0, MAX_EVENTS).map((e) => ({ id: e.id, log: e.log, time: formatTime(e.time) }));
  if (events.length > eventList.length) truncation.truncated = true;
  const modeFact = regValueFact(state, KEYS.licensingCore, "LicensingMode", MAX_RAW_DATA);
  const serversFact = regValueFact(state, KEYS.licenseServers, "SpecifiedLicenseServers", MAX_RAW_DATA);
  if ((modeFact !== null && modeFact.data === null) || (serversFact !== null && serversFact.data === null)) truncation.truncated = true;

  const localLicenseServer = licensingRole === "Installed" ? localCalFacts(state, truncation) : null;
  const result = {
    rdpMedic: "probe",
    v: 1,
    computerName: state.computerName,
    localAddresses: localAddresses(state),
    os: osFacts(state),
    psVersion: powerShellVersion(state),
    is64BitProcess: true,
    domain: { joined: domainOf(state) !== null, name: safeText(domainOf(state) ?? "WORKGROUP", 256) },
    bootTime: bootKnown ? formatTime(bootTime) : null,
    sessions: sessionCounts(state),
    termService: { status: state.termServiceRunning ? "Running" : "Stopped", startType: state.termServiceStartType ?? "Automatic" },
    pendingReboot: pendingReboot(state),
    broker: broker(state),
    serverManager: state.serverManager !== false,
    rdshInstallState: readDword(state, KEYS.rdshCache, "InstallState"),
    rdshFeature: reportedFeatureState(state, "RDS-RD-Server"),
    licensingRoleFeature: licensingRole,
    licensingMode: readDword(state, KEYS.licensingCore, "LicensingMode"),
    licensingModeValue: modeFact,
    specifiedLicenseServers: specified,
    specifiedLicenseServersValue: serversFact,
    legacyPathLicenseServers: legacy,
    policyLicensingMode: readDword(state, KEYS.policy, "LicensingMode"),
    policyLicenseServers: policyServers,
    graceDaysLeft: graceDaysLeft(state),
    servers,
    localLicenseServer,
    rdpListening: state.listeningPorts.includes(rdpPort(state)),
    events: eventList,
    eventCount: events.length,
    truncated: truncation.truncated,
  };

  const size = () => Buffer.byteLength(JSON.stringify(result), "utf8");
  const trimAddresses = (keep: number) => {
    for (const server of servers) server.addresses = server.addresses.slice(0, keep);
    result.truncated = true;
  };
  if (size() > MAX_OUTPUT_BYTES) trimAddresses(1);
  while (size() > MAX_OUTPUT_BYTES && eventList.length > 0) {
    eventList.pop();
    result.truncated = true;
  }
  if (size() > MAX_OUTPUT_BYTES) {
    for (const server of servers) server.cals = null;
    result.truncated = true;
  }
  for (const fact of [serversFact, modeFact]) {
    if (size() <= MAX_OUTPUT_BYTES) break;
    if (fact !== null && fact.data !== null) {
      fact.data = null;
      result.truncated = true;
    }
  }
  if (size() > MAX_OUTPUT_BYTES) trimAddresses(0);
  while (size() > MAX_OUTPUT_BYTES && servers.length > 0) {
    servers.pop();
    result.truncated = true;
  }
  return JSON.stringify(result);
}

/** Get-ServerCheck */
function serverCheck(state: GuestState, name: string, truncation: { truncated: boolean }): ServerCheck {
  const addresses = isLicenseServerName(name) ? resolveHostAddresses(state, name) : [];
  const resolved = addresses.length > 0;
  let tcp = false;
  let status: number | null = null;
  let cals: CalFacts | null = null;
  if (resolved) {
    tcp = tcpAnswers(state, name, 135);
    status = connectivityStatus(state, name);
    if (tcp && remoteWmiAllowed(state, name)) {
      const server = reachableLicenseServer(state, name);
      if (server !== undefined) cals = calFacts(server, truncation);
    }
  }
  return { name, dnsResolved: resolved, addresses: addresses.slice(0, MAX_ADDRESSES), tcp135: tcp, status, cals };
}

/** Get-CalFacts over the shim's Win32_TSLicenseServer and Win32_TSLicenseKeyPack (summed per type and version). */
function calFacts(server: GuestLicenseServer, truncation: { truncated: boolean }): CalFacts {
  const sums = new Map<string, { type: string; version: number; total: number; issued: number }>();
  for (const pack of packsOf(server)) {
    if (pack.version < 0 || pack.version > 255) continue;
    const key = `${pack.type}/${pack.version}`;
    const sum = sums.get(key) ?? { type: pack.type, version: pack.version, total: 0, issued: 0 };
    sum.total += pack.total;
    sum.issued += pack.issued;
    sums.set(key, sum);
  }
  let packs = [...sums.values()].sort((a, b) => b.version - a.version || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  if (packs.length > MAX_PACKS) {
    truncation.truncated = true;
    packs = packs.slice(0, MAX_PACKS);
  }
  return { activated: server.activated, packs };
}

/** Get-LocalLicenseServer: the VM's own RD Licensing role, read locally. */
function localCalFacts(state: GuestState, truncation: { truncated: boolean }): CalFacts | null {
  const server = licenseServerAt(state, "127.0.0.1");
  return server === undefined ? null : calFacts(server, truncation);
}

/** Get-OsFacts over the shim's Win32_OperatingSystem and the CurrentVersion key. */
function osFacts(state: GuestState) {
  const edition = editionOf(state);
  const text = (name: string) => {
    const v = getRegValue(state, CURRENT_VERSION, name);
    return v === undefined ? "" : entriesOf(v).join(" ");
  };
  return {
    version: /^\d{1,10}(\.\d{1,10}){1,3}$/.test(state.osVersion) ? state.osVersion : "0.0",
    build: hostBuild(state),
    caption: safeText(edition.caption, 256),
    edition: safeText(text("EditionID"), 256),
    installationType: safeText(text("InstallationType"), 256),
    productType: edition.productType >= 0 && edition.productType <= 3 ? edition.productType : 0,
  };
}

/** Get-UserSessionCounts over the shim's RdpMedicWts. */
function sessionCounts(state: GuestState): { active: number; disconnected: number } | null {
  if (state.sessions === null) return null;
  const sessions = state.sessions ?? [];
  return {
    active: sessions.filter((s) => s.state === "Active").length,
    disconnected: sessions.filter((s) => s.state === "Disconnected").length,
  };
}

/** Get-PendingReboot */
function pendingReboot(state: GuestState): string[] {
  const reasons = REBOOT_KEYS.filter(([, key]) => findName(state.registry, key) !== undefined).map(([reason]) => reason);
  const renames = getRegValue(state, SESSION_MANAGER, "PendingFileRenameOperations");
  if (renames !== undefined && entriesOf(renames).some((r) => r !== "")) reasons.push("file-rename");
  return reasons;
}

/** Get-Broker */
function broker(state: GuestState): string | null {
  if (readDword(state, CLUSTER_SETTINGS, "SessionDirectoryActive") !== 1) return null;
  const v = getRegValue(state, CLUSTER_SETTINGS, "SessionDirectoryLocation");
  return safeText(v === undefined ? "" : entriesOf(v).join(" "), 256);
}

/** Get-GraceDaysLeft: GetGracePeriodDays answers only with the RD Session Host role and a running TermService. */
function graceDaysLeft(state: GuestState): number | null {
  if (!state.termServiceRunning) return null;
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
