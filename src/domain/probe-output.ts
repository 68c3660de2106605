import { ScriptOutputError } from "../errors";
import { isIP } from "node:net";
import { isValidLicenseServerName } from "./license-server-name";
import {
  DWORD_MAX,
  expectKeys,
  readBoolean,
  readEnum,
  readInt,
  readNullableInt,
  readNullableStringList,
  readObject,
  readObjectList,
  readString,
  readStringList,
  type Json,
  type StringRule,
} from "./output-fields";
import {
  LICENSING_EVENT_IDS,
  FEATURE_STATES,
  PENDING_REBOOT_REASONS,
  REG_KINDS,
  SERVICE_START_TYPES,
  SERVICE_STATUSES,
  type CalFacts,
  type CalPack,
  type LicenseServerCheck,
  type LicenseServerHealth,
  type LicensingEvent,
  type OsFacts,
  type ProbeResult,
  type RegValueFact,
} from "./playbook";
import { connectivityOf } from "./connectivity";
import { decodeBase64, regDataProblem } from "./registry-value";
import { extractScriptJson } from "./script-output";


/** The RCM Admin channel by its full name, as Get-WinEvent's LogName gives it; reported as "Admin". */
export const RCM_ADMIN_CHANNEL = "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin";

/** Limits of the probe contract (docs/playbook-contract.md). */
export const PROBE_LIMITS = {
  serverLists: 16,
  serverChecks: 16,
  addresses: 8,
  localAddresses: 16,
  events: 10,
  eventCount: 1_000_000,
  graceDays: 365,
  serverNameLength: 256,
  calPacks: 4,
  sessions: 100_000,
  /** base64 characters of one raw registry value (the probe leaves longer data out). */
  rawData: 1368,
} as const;

const COMPUTER_NAME: StringRule = { max: 63, pattern: /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, describe: "a computer name" };
/** Server names as Windows holds them: checked for safety here, for validity by isValidLicenseServerName. */
const SERVER_NAME: StringRule = { max: PROBE_LIMITS.serverNameLength };
const IP_ADDRESS: StringRule = { max: 45, pattern: /^[0-9A-Fa-f.:]+$/, describe: "an IP address" };
const ISO_TIME: StringRule = {
  max: 40,
  pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/,
  describe: "an ISO 8601 time with a zone",
};

const TEXT: StringRule = { min: 0, max: 256 };
const VERSION: StringRule = { max: 43, pattern: /^\d{1,10}(\.\d{1,10}){1,3}$/, describe: "a version such as 10.0.20348" };

const PROBE_KEYS = [
  "rdpMedic",
  "v",
  "computerName",
  "localAddresses",
  "os",
  "psVersion",
  "is64BitProcess",
  "domain",
  "bootTime",
  "sessions",
  "termService",
  "pendingReboot",
  "broker",
  "serverManager",
  "rdshInstallState",
  "rdshFeature",
  "licensingRoleFeature",
  "licensingMode",
  "licensingModeValue",
  "specifiedLicenseServers",
  "specifiedLicenseServersValue",
  "legacyPathLicenseServers",
  "policyLicensingMode",
  "policyLicenseServers",
  "graceDaysLeft",
  "servers",
  "localLicenseServer",
  "rdpListening",
  "events",
  "eventCount",
  "truncated",
] as const;

/** Parses and validates the probe script's output. Throws ScriptOutputError (stable codes) on anything else. */
export function parseProbeOutput(stdout: string | null | undefined, stderr: string | null | undefined): ProbeResult {
  const json = extractScriptJson("probe", stdout, stderr);
  const where = "probe";
  expectKeys(json, PROBE_KEYS, where);

  const serverList = (key: string) => readNullableStringList(json, key, where, PROBE_LIMITS.serverLists, SERVER_NAME);
  const specifiedLicenseServers = serverList("specifiedLicenseServers");
  const legacyPathLicenseServers = serverList("legacyPathLicenseServers");
  const policyLicenseServers = serverList("policyLicenseServers");
  const servers = readObjectList(json, "servers", where, PROBE_LIMITS.serverChecks).map((s, i) =>
    readServerCheck(s, `${where}.servers[${i}]`),
  );
  const events = readObjectList(json, "events", where, PROBE_LIMITS.events).map((e, i) =>
    readEvent(e, `${where}.events[${i}]`),
  );
  const eventCount = readInt(json, "eventCount", where, 0, PROBE_LIMITS.eventCount);
  if (eventCount < events.length) {
    throw new ScriptOutputError("output-invalid", `${where}.eventCount (${eventCount}) is less than the ${events.length} events listed.`);
  }

  const names = [
    ...(specifiedLicenseServers ?? []),
    ...(legacyPathLicenseServers ?? []),
    ...(policyLicenseServers ?? []),
    ...servers.map((s) => s.name),
  ];
  const invalidServerNames = [...new Set(names.filter((n) => !isValidLicenseServerName(n)))];

  const licensingModeValue = readNullable(json, "licensingModeValue", where, readRegValue);
  const licensingMode = readNullableInt(json, "licensingMode", where, 0, DWORD_MAX);
  if (licensingMode !== null && licensingModeValue?.kind !== "REG_DWORD") {
    throw new ScriptOutputError("output-invalid", `${where}.licensingMode is set, but licensingModeValue is not a REG_DWORD.`);
  }
  const specifiedLicenseServersValue = readNullable(json, "specifiedLicenseServersValue", where, readRegValue);
  if ((specifiedLicenseServers === null) !== (specifiedLicenseServersValue === null)) {
    throw new ScriptOutputError("output-invalid", `${where}.specifiedLicenseServers and specifiedLicenseServersValue must both be null or both be set.`);
  }
  const bootTime = json.bootTime === null ? null : readTime(json, "bootTime", where);

  return {
    rdpMedic: "probe",
    v: 1,
    computerName: readString(json, "computerName", where, COMPUTER_NAME),
    localAddresses: readIpList(json, "localAddresses", where, PROBE_LIMITS.localAddresses),
    os: readOs(readObject(json, "os", where), `${where}.os`),
    psVersion: readString(json, "psVersion", where, VERSION),
    is64BitProcess: readBoolean(json, "is64BitProcess", where),
    domain: readNullable(json, "domain", where, readDomain),
    bootTime,
    sessions: readNullable(json, "sessions", where, readSessions),
    termService: readTermService(readObject(json, "termService", where), `${where}.termService`),
    pendingReboot: readEnumList(json, "pendingReboot", where, PENDING_REBOOT_REASONS),
    broker: json.broker === null ? null : readString(json, "broker", where, TEXT),
    serverManager: readBoolean(json, "serverManager", where),
    rdshInstallState: readNullableInt(json, "rdshInstallState", where, 0, DWORD_MAX),
    rdshFeature: readEnum(json, "rdshFeature", where, FEATURE_STATES),
    licensingRoleFeature: readEnum(json, "licensingRoleFeature", where, FEATURE_STATES),
    licensingMode,
    licensingModeValue,
    specifiedLicenseServers,
    specifiedLicenseServersValue,
    legacyPathLicenseServers,
    policyLicensingMode: readNullableInt(json, "policyLicensingMode", where, 0, DWORD_MAX),
    policyLicenseServers,
    graceDaysLeft: readNullableInt(json, "graceDaysLeft", where, 0, PROBE_LIMITS.graceDays),
    servers,
    localLicenseServer: readNullable(json, "localLicenseServer", where, readCalFacts),
    rdpListening: readBoolean(json, "rdpListening", where),
    events,
    eventCount,
    truncated: readBoolean(json, "truncated", where),
    invalidServerNames,
  };
}

/** A nullable object field read by `read` (which gets the object and its path). */
function readNullable<T>(json: Json, key: string, where: string, read: (obj: Json, at: string) => T): T | null {
  return json[key] === null ? null : read(readObject(json, key, where), `${where}.${key}`);
}

function readTime(json: Json, key: string, where: string): string {
  const time = readString(json, key, where, ISO_TIME);
  if (Number.isNaN(Date.parse(time))) throw new ScriptOutputError("output-invalid", `${where}.${key} is not a real date.`);
  return time;
}

function readEnumList<T extends string>(json: Json, key: string, where: string, values: readonly T[]): T[] {
  const list = readStringList(json, key, where, values.length, { max: 40 });
  const holder: Json = {};
  const read = list.map((item, i) => {
    holder[`${key}[${i}]`] = item;
    return readEnum(holder, `${key}[${i}]`, where, values);
  });
  if (new Set(read).size !== read.length) throw new ScriptOutputError("output-invalid", `${where}.${key} lists a reason twice.`);
  return read;
}

function readOs(json: Json, where: string): OsFacts {
  expectKeys(json, ["version", "build", "caption", "edition", "installationType", "productType"], where);
  const os: OsFacts = {
    version: readString(json, "version", where, VERSION),
    build: readInt(json, "build", where, 0, DWORD_MAX),
    caption: readString(json, "caption", where, TEXT),
    edition: readString(json, "edition", where, TEXT),
    installationType: readString(json, "installationType", where, TEXT),
    productType: readInt(json, "productType", where, 0, 3),
  };
  if (os.build !== 0 && !os.version.split(".").includes(String(os.build))) {
    throw new ScriptOutputError("output-invalid", `${where}.build ${os.build} is not part of version ${os.version}.`);
  }
  return os;
}

function readDomain(json: Json, where: string): ProbeResult["domain"] {
  expectKeys(json, ["joined", "name"], where);
  return { joined: readBoolean(json, "joined", where), name: readString(json, "name", where, TEXT) };
}

function readSessions(json: Json, where: string): { active: number; disconnected: number } {
  expectKeys(json, ["active", "disconnected"], where);
  return {
    active: readInt(json, "active", where, 0, PROBE_LIMITS.sessions),
    disconnected: readInt(json, "disconnected", where, 0, PROBE_LIMITS.sessions),
  };
}

function readTermService(json: Json, where: string): ProbeResult["termService"] {
  expectKeys(json, ["status", "startType"], where);
  return { status: readEnum(json, "status", where, SERVICE_STATUSES), startType: readEnum(json, "startType", where, SERVICE_START_TYPES) };
}

function readRegValue(json: Json, where: string): RegValueFact {
  expectKeys(json, ["kind", "data"], where);
  const kind = readEnum(json, "kind", where, REG_KINDS);
  if (json.data === null) return { kind, data: null };
  const data = readString(json, "data", where, { min: 0, max: PROBE_LIMITS.rawData });
  const bytes = decodeBase64(data);
  if (bytes === undefined) throw new ScriptOutputError("output-invalid", `${where}.data is not base64.`);
  const problem = regDataProblem(kind, bytes);
  if (problem !== undefined) throw new ScriptOutputError("output-invalid", `${where}.data is not a ${kind}: ${problem}.`);
  return { kind, data };
}

function readCalFacts(json: Json, where: string): CalFacts {
  expectKeys(json, ["activated", "packs"], where);
  const activated = json.activated === null ? null : readBoolean(json, "activated", where);
  const packs = readObjectList(json, "packs", where, PROBE_LIMITS.calPacks).map((p, i): CalPack => {
    const at = `${where}.packs[${i}]`;
    expectKeys(p, ["type", "version", "total", "issued"], at);
    return {
      type: readEnum(p, "type", at, ["device", "user"] as const),
      version: readInt(p, "version", at, 0, 255),
      total: readInt(p, "total", at, 0, DWORD_MAX),
      issued: readInt(p, "issued", at, 0, DWORD_MAX),
    };
  });
  return { activated, packs };
}

function readIpList(json: Json, key: string, where: string, max: number): string[] {
  const list = readStringList(json, key, where, max, IP_ADDRESS);
  list.forEach((ip, i) => {
    if (isIP(ip) === 0) throw new ScriptOutputError("output-invalid", `${where}.${key}[${i}] is not an IP address.`);
  });
  return list;
}

function readServerCheck(json: Json, where: string): LicenseServerCheck {
  expectKeys(json, ["name", "dnsResolved", "addresses", "tcp135", "status", "cals"], where);
  const dnsResolved = readBoolean(json, "dnsResolved", where);
  const addresses = readIpList(json, "addresses", where, PROBE_LIMITS.addresses);
  const tcp135 = readBoolean(json, "tcp135", where);
  const status = readNullableInt(json, "status", where, 0, DWORD_MAX);
  const cals = readNullable(json, "cals", where, readCalFacts);
  if (!dnsResolved && (addresses.length > 0 || tcp135 || status !== null || cals !== null)) {
    throw new ScriptOutputError("output-invalid", `${where} reports addresses, an open TCP 135, a status or CALs for a name that did not resolve.`);
  }
  return { name: readString(json, "name", where, SERVER_NAME), dnsResolved, addresses, tcp135, status, cals, health: healthOf(tcp135, status, cals) };
}

/** The one-word summary (LicenseServerHealth) of a server's facts: Windows' connectivity status, then its CALs. */
export function healthOf(tcp135: boolean, status: number | null, cals: CalFacts | null): LicenseServerHealth {
  const verdict = status === null ? undefined : connectivityOf(status).verdict;
  if (verdict === "not-connectable" || (status === null && !tcp135)) return "unreachable";
  if (verdict !== "valid") return "unknown";
  if (cals === null) return "ok";
  if (cals.activated === false) return "not-activated";
  const total = cals.packs.reduce((n, p) => n + p.total, 0);
  if (total === 0) return "no-cals";
  return cals.packs.some((p) => p.total > p.issued) ? "ok" : "cals-exhausted";
}

function readEvent(json: Json, where: string): LicensingEvent {
  expectKeys(json, ["id", "log", "time"], where);
  const id = readInt(json, "id", where, 1, 65535);
  if (!(LICENSING_EVENT_IDS as readonly number[]).includes(id)) {
    throw new ScriptOutputError("output-invalid", `${where}.id ${id} is not one of ${LICENSING_EVENT_IDS.join(", ")}.`);
  }
  const time = readTime(json, "time", where);
  const log = readEnum(json, "log", where, ["System", "Admin", RCM_ADMIN_CHANNEL] as const);
  return { id, log: log === RCM_ADMIN_CHANNEL ? "Admin" : log, time };
}
