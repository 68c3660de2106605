import type { GuestFeatureState, GuestState } from "../guest-state";
import { KEYS, readCommaList, readDword, readMultiString, setRegValue } from "../guest-registry";
import { ModelScriptError, assert64BitProcess, featureKey, readServerList, regKind, reportedFeatureState, sameName } from "./script-helpers";

function step(name: string, changed: boolean, restartNeeded: boolean, before: object, after: object): string {
  return JSON.stringify({ rdpMedic: name, v: 1, changed, restartNeeded, before, after });
}

/** src/scripts/set-licensing-mode.ps1 */
export function modelSetLicensingMode(state: GuestState, parameters: Record<string, string>): string {
  assert64BitProcess(state);
  const mode = parameters["Mode"] ?? "";
  if (!/^[24]$/.test(mode)) throw new ModelScriptError("invalid-parameter", "Mode must be 2 (per device) or 4 (per user).");
  const target = Number(mode);
  const read = () => ({
    licensingMode: readDword(state, KEYS.licensingCore, "LicensingMode"),
    licensingModeKind: regKind(state, KEYS.licensingCore, "LicensingMode"),
    policyLicensingMode: readDword(state, KEYS.policy, "LicensingMode"),
  });
  const before = read();
  const changed = before.licensingMode !== target;
  if (changed) setRegValue(state, KEYS.licensingCore, "LicensingMode", { type: "REG_DWORD", value: target });
  return step("set-licensing-mode", changed, changed, before, read());
}

/** src/scripts/set-license-servers.ps1 */
export function modelSetLicenseServers(state: GuestState, parameters: Record<string, string>): string {
  assert64BitProcess(state);
  const target = readServerList("Servers", parameters["Servers"] ?? "", true);
  const read = () => ({
    specifiedLicenseServers: readMultiString(state, KEYS.licenseServers, "SpecifiedLicenseServers"),
    specifiedLicenseServersKind: regKind(state, KEYS.licenseServers, "SpecifiedLicenseServers"),
    policyLicenseServers: readCommaList(state, KEYS.policy, "LicenseServers"),
  });
  const before = read();
  const current = before.specifiedLicenseServers;
  const same =
    before.specifiedLicenseServersKind === "REG_MULTI_SZ" &&
    current !== null &&
    current.length === target.length &&
    current.every((n, i) => sameName(n, target[i] ?? ""));
  if (!same) setRegValue(state, KEYS.licenseServers, "SpecifiedLicenseServers", { type: "REG_MULTI_SZ", value: [...target] });
  return step("set-license-servers", !same, !same, before, read());
}

/** dism /Disable-Feature as the shim does it: an installed or pending feature becomes UninstallPending (3010). */
function disableFeature(state: GuestState, feature: string): void {
  const current = state.features[featureKey(state, feature)];
  if (current === "Installed" || current === "InstallPending") {
    state.features[featureKey(state, feature)] = "UninstallPending" satisfies GuestFeatureState;
  }
}

function removeRole(
  state: GuestState,
  script: "remove-rdsh-role" | "remove-licensing-role",
  feature: "RDS-RD-Server" | "RDS-Licensing",
  read: () => Record<string, unknown> & { feature: string },
): string {
  assert64BitProcess(state);
  const before = read();
  if (before.feature === "Unknown") {
    throw new ModelScriptError("feature-state-unknown", `Get-WindowsFeature cannot tell the state of ${feature}.`);
  }
  let changed = false;
  if (before.feature === "Installed" || before.feature === "InstallPending") {
    disableFeature(state, feature);
    changed = true;
  }
  const after = read();
  const restartNeeded = changed || after.feature === "UninstallPending";
  const strip = ({ feature: _feature, ...rest }: Record<string, unknown>) => rest;
  return step(script, changed, restartNeeded, strip(before), strip(after));
}

/** src/scripts/remove-rdsh-role.ps1 */
export function modelRemoveRdshRole(state: GuestState): string {
  return removeRole(state, "remove-rdsh-role", "RDS-RD-Server", () => {
    const rdshFeature = reportedFeatureState(state, "RDS-RD-Server");
    return { rdshFeature, rdshInstallState: readDword(state, KEYS.rdshCache, "InstallState"), feature: rdshFeature };
  });
}

/** src/scripts/remove-licensing-role.ps1 */
export function modelRemoveLicensingRole(state: GuestState): string {
  return removeRole(state, "remove-licensing-role", "RDS-Licensing", () => {
    const licensingRoleFeature = reportedFeatureState(state, "RDS-Licensing");
    return { licensingRoleFeature, feature: licensingRoleFeature };
  });
}
