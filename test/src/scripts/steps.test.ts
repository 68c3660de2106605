import { expect, it } from "vitest";
import { KEYS, featureState, getRegValue, readDword, readMultiString } from "../../../local/guest/guest-registry";
import type { GuestState } from "../../../local/guest/guest-state";
import { loadPreset } from "../../../local/guest/presets";
import type { StepOutput } from "../../../src/domain/playbook";
import type { ScriptName } from "../../../src/scripts";
import { describeWithPwsh, runScript } from "../../local/guest/pwsh-kit";

/** Runs a step twice: the second run must change nothing and say so. */
async function runTwice(state: GuestState, script: ScriptName, parameters: Record<string, string> = {}) {
  const first = await runScript(state, script, parameters);
  const second = await runScript(first.state, script, parameters);
  expect(first.stderr).toBe("");
  expect(second.stderr).toBe("");
  expect(second.json).toMatchObject({ rdpMedic: script, v: 1, changed: false });
  expect(second.state).toEqual(first.state);
  return { first: first.json as unknown as StepOutput, second: second.json as unknown as StepOutput, state: first.state };
}

describeWithPwsh("step scripts under pwsh", () => {
  it("set-licensing-mode writes LicensingMode 4 as a DWORD, once", async () => {
    const { first, second, state } = await runTwice(loadPreset("demo-broken"), "set-licensing-mode", { Mode: "4" });
    expect(first).toEqual({
      rdpMedic: "set-licensing-mode",
      v: 1,
      changed: true,
      restartNeeded: true,
      before: { licensingMode: 5, licensingModeKind: "REG_DWORD", policyLicensingMode: null },
      after: { licensingMode: 4, licensingModeKind: "REG_DWORD", policyLicensingMode: null },
    });
    expect(second.restartNeeded).toBe(false);
    expect(getRegValue(state, KEYS.licensingCore, "LicensingMode")).toEqual({ type: "REG_DWORD", value: 4 });
  });

  it("set-licensing-mode creates the Licensing Core key when it is missing", async () => {
    const { first, state } = await runTwice(loadPreset("role-pending-restart"), "set-licensing-mode", { Mode: "2" });
    expect(first.before).toEqual({ licensingMode: null, licensingModeKind: null, policyLicensingMode: null });
    expect(readDword(state, KEYS.licensingCore, "LicensingMode")).toBe(2);
  });

  it("set-licensing-mode reports the Group Policy mode that still wins", async () => {
    const { first } = await runTwice(loadPreset("gpo-per-device"), "set-licensing-mode", { Mode: "4" });
    expect(first.changed).toBe(false);
    expect(first.after).toEqual({ licensingMode: 4, licensingModeKind: "REG_DWORD", policyLicensingMode: 2 });
  });

  it("set-licensing-mode replaces a REG_SZ \"4\" (which Windows does not read) with the REG_DWORD 4", async () => {
    const { first, state } = await runTwice(loadPreset("mode-reg-sz"), "set-licensing-mode", { Mode: "4" });
    expect(first).toMatchObject({
      changed: true,
      before: { licensingMode: null, licensingModeKind: "REG_SZ" },
      after: { licensingMode: 4, licensingModeKind: "REG_DWORD" },
    });
    expect(getRegValue(state, KEYS.licensingCore, "LicensingMode")).toEqual({ type: "REG_DWORD", value: 4 });
  });

  it("set-license-servers replaces a REG_SZ with the same name by the REG_MULTI_SZ Windows reads", async () => {
    const { first, state } = await runTwice(loadPreset("servers-reg-sz"), "set-license-servers", { Servers: "ls01.contoso.com" });
    expect(first).toMatchObject({
      changed: true,
      before: { specifiedLicenseServers: ["ls01.contoso.com"], specifiedLicenseServersKind: "REG_SZ" },
      after: { specifiedLicenseServers: ["ls01.contoso.com"], specifiedLicenseServersKind: "REG_MULTI_SZ" },
    });
    expect(getRegValue(state, KEYS.licenseServers, "SpecifiedLicenseServers")).toEqual({ type: "REG_MULTI_SZ", value: ["ls01.contoso.com"] });
  });

  it("set-license-servers writes a REG_MULTI_SZ under ...\\LicenseServers, in order, once", async () => {
    const { first, state } = await runTwice(loadPreset("demo-broken"), "set-license-servers", {
      Servers: " ls01.contoso.com ,10.0.1.5,LS01.contoso.com",
    });
    expect(first).toMatchObject({
      changed: true,
      restartNeeded: true,
      before: { specifiedLicenseServers: null, specifiedLicenseServersKind: null, policyLicenseServers: null },
      after: { specifiedLicenseServers: ["ls01.contoso.com", "10.0.1.5"], specifiedLicenseServersKind: "REG_MULTI_SZ", policyLicenseServers: null },
    });
    expect(getRegValue(state, KEYS.licenseServers, "SpecifiedLicenseServers")).toEqual({
      type: "REG_MULTI_SZ",
      value: ["ls01.contoso.com", "10.0.1.5"],
    });
    expect(readMultiString(state, KEYS.termServiceParameters, "SpecifiedLicenseServers")).toBeNull();
  });

  it("set-license-servers replaces a wrong list and leaves the legacy-path value alone", async () => {
    const legacy = await runTwice(loadPreset("legacy-path"), "set-license-servers", { Servers: "ls01.contoso.com" });
    expect(legacy.first.changed).toBe(true);
    expect(readMultiString(legacy.state, KEYS.termServiceParameters, "SpecifiedLicenseServers")).toEqual(["ls01.contoso.com"]);
    const wrong = await runTwice(loadPreset("wrong-servers"), "set-license-servers", { Servers: "ls01.contoso.com,ls02.contoso.com" });
    expect(wrong.first.before).toEqual({ specifiedLicenseServers: ["fs01.contoso.com"], specifiedLicenseServersKind: "REG_MULTI_SZ", policyLicenseServers: null });
    expect(readMultiString(wrong.state, KEYS.licenseServers, "SpecifiedLicenseServers")).toEqual(["ls01.contoso.com", "ls02.contoso.com"]);
  });

  it("set-license-servers sees the same list in other letter case as already set", async () => {
    const run = await runScript("healthy", "set-license-servers", { Servers: "LS01.CONTOSO.COM" });
    expect(run.json).toMatchObject({ changed: false, restartNeeded: false });
    expect(run.state).toEqual(loadPreset("healthy"));
  });

  it("remove-rdsh-role disables Remote-Desktop-Services: 3010, UninstallPending, restart needed", async () => {
    const { first, second, state } = await runTwice(loadPreset("healthy"), "remove-rdsh-role");
    expect(first).toEqual({
      rdpMedic: "remove-rdsh-role",
      v: 1,
      changed: true,
      restartNeeded: true,
      before: { rdshFeature: "Installed", rdshInstallState: 1 },
      after: { rdshFeature: "UninstallPending", rdshInstallState: 1 },
    });
    expect(second.restartNeeded).toBe(true);
    expect(featureState(state, "RDS-RD-Server")).toBe("UninstallPending");
  });

  it("remove-rdsh-role on a server without the role does nothing", async () => {
    const { first, state } = await runTwice(loadPreset("role-not-installed"), "remove-rdsh-role");
    expect(first).toMatchObject({ changed: false, restartNeeded: false, before: { rdshFeature: "Available", rdshInstallState: 0 } });
    expect(state).toEqual(loadPreset("role-not-installed"));
  });

  it("remove-licensing-role disables the unused Licensing feature", async () => {
    const { first, state } = await runTwice(loadPreset("licensing-role-unused"), "remove-licensing-role");
    expect(first).toEqual({
      rdpMedic: "remove-licensing-role",
      v: 1,
      changed: true,
      restartNeeded: true,
      before: { licensingRoleFeature: "Installed" },
      after: { licensingRoleFeature: "UninstallPending" },
    });
    expect(featureState(state, "RDS-Licensing")).toBe("UninstallPending");
    expect(featureState(state, "RDS-RD-Server")).toBe("Installed");
  });

  it("remove-licensing-role where the role is absent does nothing", async () => {
    const { first } = await runTwice(loadPreset("healthy"), "remove-licensing-role");
    expect(first).toMatchObject({ changed: false, restartNeeded: false, before: { licensingRoleFeature: "Available" } });
  });
});
