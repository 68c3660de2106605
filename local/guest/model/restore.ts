import type { GuestState } from "../guest-state";
import { KEYS, deleteRegValue, readCommaList, readDword, readMultiString, setRegValue } from "../guest-registry";
import { MAX_SERVERS, ModelScriptError, isLicenseServerName, splitParameter } from "./script-helpers";

const ABSENT = "absent";

/** Read-RestoreMode */
function readRestoreMode(value: string): number | null {
  if (value === ABSENT) return null;
  if (!/^[0-6]$/.test(value)) throw new ModelScriptError("invalid-parameter", `LicensingMode must be '${ABSENT}' or an integer from 0 to 6.`);
  return Number(value);
}

/** Read-RestoreServers: the names exactly as given, no de-duplication. */
function readRestoreServers(value: string): string[] | null {
  if (value === ABSENT) return null;
  const names = splitParameter(value);
  if (names.length === 0) {
    throw new ModelScriptError("invalid-parameter", `LicenseServers must be '${ABSENT}' or name at least one license server.`);
  }
  if (names.length > MAX_SERVERS) {
    throw new ModelScriptError("invalid-parameter", `LicenseServers names ${names.length} servers; at most ${MAX_SERVERS} are allowed.`);
  }
  names.forEach((name, i) => {
    if (!isLicenseServerName(name)) {
      throw new ModelScriptError("invalid-parameter", `LicenseServers item ${i + 1} is not a valid host name or IP address.`);
    }
  });
  return names;
}

/** Test-ExactList: same spelling, same order; null only equals null. */
function exactList(current: string[] | null, wanted: string[] | null): boolean {
  if (current === null || wanted === null) return current === wanted;
  return current.length === wanted.length && current.every((name, i) => name === wanted[i]);
}

/** src/scripts/restore-licensing.ps1 */
export function modelRestoreLicensing(state: GuestState, parameters: Record<string, string>): string {
  const targetMode = readRestoreMode(parameters["LicensingMode"] ?? "");
  const targetServers = readRestoreServers(parameters["LicenseServers"] ?? "");
  const read = () => ({
    licensingMode: readDword(state, KEYS.licensingCore, "LicensingMode"),
    policyLicensingMode: readDword(state, KEYS.policy, "LicensingMode"),
    specifiedLicenseServers: readMultiString(state, KEYS.licenseServers, "SpecifiedLicenseServers"),
    policyLicenseServers: readCommaList(state, KEYS.policy, "LicenseServers"),
  });
  const before = read();
  let changed = false;
  if (before.licensingMode !== targetMode) {
    if (targetMode === null) deleteRegValue(state, KEYS.licensingCore, "LicensingMode");
    else setRegValue(state, KEYS.licensingCore, "LicensingMode", { type: "REG_DWORD", value: targetMode });
    changed = true;
  }
  if (!exactList(before.specifiedLicenseServers, targetServers)) {
    if (targetServers === null) deleteRegValue(state, KEYS.licenseServers, "SpecifiedLicenseServers");
    else setRegValue(state, KEYS.licenseServers, "SpecifiedLicenseServers", { type: "REG_MULTI_SZ", value: [...targetServers] });
    changed = true;
  }
  return JSON.stringify({ rdpMedic: "restore-licensing", v: 1, changed, restartNeeded: changed, before, after: read() });
}
