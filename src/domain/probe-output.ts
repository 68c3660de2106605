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
  readObjectList,
  readString,
  readStringList,
  type Json,
  type StringRule,
} from "./output-fields";
import {
  LICENSING_EVENT_IDS,
  FEATURE_STATES,
  LICENSE_SERVER_HEALTH,
  type LicenseServerCheck,
  type LicensingEvent,
  type ProbeResult,
} from "./playbook";
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

const PROBE_KEYS = [
  "rdpMedic",
  "v",
  "computerName",
  "localAddresses",
  "rdshInstallState",
  "rdshFeature",
  "licensingRoleFeature",
  "licensingMode",
  "specifiedLicenseServers",
  "legacyPathLicenseServers",
  "policyLicensingMode",
  "policyLicenseServers",
  "graceDaysLeft",
  "servers",
  "termServiceRunning",
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

  return {
    rdpMedic: "probe",
    v: 1,
    computerName: readString(json, "computerName", where, COMPUTER_NAME),
    localAddresses: readIpList(json, "localAddresses", where, PROBE_LIMITS.localAddresses),
    rdshInstallState: readNullableInt(json, "rdshInstallState", where, 0, DWORD_MAX),
    rdshFeature: readEnum(json, "rdshFeature", where, FEATURE_STATES),
    licensingRoleFeature: readEnum(json, "licensingRoleFeature", where, FEATURE_STATES),
    licensingMode: readNullableInt(json, "licensingMode", where, 0, DWORD_MAX),
    specifiedLicenseServers,
    legacyPathLicenseServers,
    policyLicensingMode: readNullableInt(json, "policyLicensingMode", where, 0, DWORD_MAX),
    policyLicenseServers,
    graceDaysLeft: readNullableInt(json, "graceDaysLeft", where, 0, PROBE_LIMITS.graceDays),
    servers,
    termServiceRunning: readBoolean(json, "termServiceRunning", where),
    rdpListening: readBoolean(json, "rdpListening", where),
    events,
    eventCount,
    truncated: readBoolean(json, "truncated", where),
    invalidServerNames,
  };
}

function readIpList(json: Json, key: string, where: string, max: number): string[] {
  const list = readStringList(json, key, where, max, IP_ADDRESS);
  list.forEach((ip, i) => {
    if (isIP(ip) === 0) throw new ScriptOutputError("output-invalid", `${where}.${key}[${i}] is not an IP address.`);
  });
  return list;
}

function readServerCheck(json: Json, where: string): LicenseServerCheck {
  expectKeys(json, ["name", "dnsResolved", "addresses", "tcp135", "health"], where);
  const check: LicenseServerCheck = {
    name: readString(json, "name", where, SERVER_NAME),
    dnsResolved: readBoolean(json, "dnsResolved", where),
    addresses: readIpList(json, "addresses", where, PROBE_LIMITS.addresses),
    tcp135: readBoolean(json, "tcp135", where),
    health: readEnum(json, "health", where, LICENSE_SERVER_HEALTH),
  };
  if (!check.dnsResolved && (check.addresses.length > 0 || check.tcp135)) {
    throw new ScriptOutputError("output-invalid", `${where} reports addresses or an open TCP 135 for a name that did not resolve.`);
  }
  return check;
}

function readEvent(json: Json, where: string): LicensingEvent {
  expectKeys(json, ["id", "log", "time"], where);
  const id = readInt(json, "id", where, 1, 65535);
  if (!(LICENSING_EVENT_IDS as readonly number[]).includes(id)) {
    throw new ScriptOutputError("output-invalid", `${where}.id ${id} is not one of ${LICENSING_EVENT_IDS.join(", ")}.`);
  }
  const time = readString(json, "time", where, ISO_TIME);
  if (Number.isNaN(Date.parse(time))) throw new ScriptOutputError("output-invalid", `${where}.time is not a real date.`);
  const log = readEnum(json, "log", where, ["System", "Admin", RCM_ADMIN_CHANNEL] as const);
  return { id, log: log === RCM_ADMIN_CHANNEL ? "Admin" : log, time };
}
