import type { GuestState } from "../guest-state";
import { KEYS, getRegValue, readCommaList, readDword, readMultiString, rdpPort } from "../guest-registry";
import {
  ModelScriptError,
  addUniqueNames,
  assert64BitProcess,
  formatTime,
  isLicenseServerName,
  licensingEvents,
  readServerList,
  reportedFeatureState,
  resolveHostAddresses,
  safeText,
  sameName,
  tcpAnswers,
} from "./script-helpers";

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const value = (v: number | null) => (v === null ? "none" : String(v));
const list = (names: readonly string[] | null) => (names === null ? "none" : `[${names.join(", ")}]`);

/** What src/scripts/verify.ps1 prints for a guest. */
export function modelVerify(state: GuestState, parameters: Record<string, string>): string {
  assert64BitProcess(state);
  const expectedMode = parameters["ExpectedMode"] ?? "any";
  const expectedServers = parameters["ExpectedServers"] ?? "any";
  const rdshExpected = parameters["RdshExpected"] ?? "any";
  const licensingEventsCheck = parameters["LicensingEvents"] ?? "check";
  if (!["2", "4", "any"].includes(expectedMode)) {
    throw new ModelScriptError("invalid-parameter", "ExpectedMode must be 2 (per device), 4 (per user) or any.");
  }
  if (!["present", "absent", "any"].includes(rdshExpected)) {
    throw new ModelScriptError("invalid-parameter", "RdshExpected must be present, absent or any.");
  }
  if (!["check", "any"].includes(licensingEventsCheck)) throw new ModelScriptError("invalid-parameter", "LicensingEvents must be check or any.");
  const expectedList = expectedServers === "any" ? null : readServerList("ExpectedServers", expectedServers, true);
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail: safeText(detail, 1000) });

  const role = roleCondition(state);
  if (rdshExpected === "present") add("rdsh-role", role === "Installed", `RDS-RD-Server is ${role}; expected Installed`);
  else if (rdshExpected === "absent") add("rdsh-role", role === "Available", `RDS-RD-Server is ${role}; expected Available`);
  else add("rdsh-role", role === "Installed" || role === "Available", `RDS-RD-Server is ${role}; expected no pending change`);

  if (expectedMode !== "any") {
    const localMode = readDword(state, KEYS.licensingCore, "LicensingMode");
    const policyMode = readDword(state, KEYS.policy, "LicensingMode");
    const effective = policyMode ?? localMode;
    add(
      "licensing-mode",
      effective !== null && effective === Number(expectedMode),
      `effective LicensingMode ${value(effective)} (local ${value(localMode)}, policy ${value(policyMode)}); expected ${expectedMode}`,
    );
  }

  if (expectedList !== null) {
    const kind = getRegValue(state, KEYS.licenseServers, "SpecifiedLicenseServers")?.type;
    const specified = kind === "REG_MULTI_SZ" ? readMultiString(state, KEYS.licenseServers, "SpecifiedLicenseServers") : null;
    const policyServers = readCommaList(state, KEYS.policy, "LicenseServers");
    const effective = policyServers ?? specified;
    const source = policyServers !== null ? "policy" : "local";
    add("license-servers", sameSet(effective, expectedList), `effective license servers ${list(effective)} (${source}); expected ${list(expectedList)}`);
    for (const name of expectedList) {
      const server = serverDetail(state, name);
      add(`license-server:${name}`, server.ok, server.detail);
    }
  }

  const bootTime = new Date(state.bootTime);
  const events = Number.isNaN(bootTime.getTime()) ? null : licensingEvents(state, bootTime);
  const bootText = events === null ? "" : formatTime(bootTime);
  if (licensingEventsCheck === "any") {
    // Not checked.
  } else if (events === null) add("licensing-events", false, "the last boot time is unknown");
  else if (events.length === 0) add("licensing-events", true, `no licensing events since boot at ${bootText}`);
  else {
    const ids = [...new Set(events.map((e) => e.id))].sort((a, b) => a - b).join(", ");
    add("licensing-events", false, `${events.length} licensing events since boot at ${bootText} (ids ${ids})`);
  }

  add("termservice", state.termServiceRunning, state.termServiceRunning ? "TermService is running" : "TermService is not running");
  const port = rdpPort(state);
  const listening = state.listeningPorts.includes(port);
  add("rdp-listener", listening, listening ? `TCP ${port} is listening` : `nothing listens on TCP ${port}`);

  return JSON.stringify({ rdpMedic: "verify", v: 1, ok: checks.every((c) => c.ok), checks });
}

/** Get-RoleCondition */
function roleCondition(state: GuestState): string {
  const feature = reportedFeatureState(state, "RDS-RD-Server");
  if (feature !== "Unknown") return feature;
  const installState = readDword(state, KEYS.rdshCache, "InstallState");
  if (installState === 1) return "Installed";
  if (installState === null || installState === 0) return "Available";
  return "Unknown";
}

/** Test-SameSet */
function sameSet(current: string[] | null, wanted: string[]): boolean {
  if (current === null) return false;
  const distinct: string[] = [];
  addUniqueNames(distinct, current);
  return distinct.length === wanted.length && wanted.every((name) => distinct.some((n) => sameName(n, name)));
}

/** Get-ServerDetail */
function serverDetail(state: GuestState, name: string): { ok: boolean; detail: string } {
  const addresses = isLicenseServerName(name) ? resolveHostAddresses(state, name) : [];
  if (addresses.length === 0) return { ok: false, detail: `${name} does not resolve` };
  const where = `${name} resolves to ${addresses.slice(0, 4).join(", ")}`;
  return tcpAnswers(state, name, 135) ? { ok: true, detail: `${where}; TCP 135 answers` } : { ok: false, detail: `${where}; TCP 135 does not answer` };
}
