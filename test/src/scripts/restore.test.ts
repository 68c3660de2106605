import { expect, it } from "vitest";
import { KEYS, getRegValue, setRegValue } from "../../../local/guest/guest-registry";
import type { GuestState } from "../../../local/guest/guest-state";
import { PRESET_NAMES, loadPreset, type PresetName } from "../../../local/guest/presets";
import { parseProbeOutput } from "../../../src/domain/probe-output";
import { parseStepOutput } from "../../../src/domain/step-output";
import { restoreScriptCall } from "../../../src/domain/step-scripts";
import { describeWithPwsh, runScript } from "../../local/guest/pwsh-kit";

const RESTORE = "restore-licensing";

/** The registry without keys that hold no values: a key a step created stays behind, empty, after a restore. */
function valuesOf(registry: GuestState["registry"]): GuestState["registry"] {
  return Object.fromEntries(Object.entries(registry).filter(([, values]) => Object.keys(values).length > 0));
}

const mode = (state: GuestState) => getRegValue(state, KEYS.licensingCore, "LicensingMode");
const servers = (state: GuestState) => getRegValue(state, KEYS.licenseServers, "SpecifiedLicenseServers");

/** Runs restore-licensing twice: the second run must change nothing and say so. */
async function restoreTwice(state: GuestState, parameters: Record<string, string>) {
  const first = await runScript(state, RESTORE, parameters);
  const second = await runScript(first.state, RESTORE, parameters);
  const a = parseStepOutput(RESTORE, first.stdout, first.stderr);
  const b = parseStepOutput(RESTORE, second.stdout, second.stderr);
  expect(b).toMatchObject({ changed: false, restartNeeded: false, before: a.after, after: a.after });
  expect(second.state).toEqual(first.state);
  return { output: a, state: first.state };
}

describeWithPwsh("restore-licensing under pwsh", () => {
  it.each(PRESET_NAMES)(
    "%s: after set-licensing-mode and set-license-servers, the probe's values come back exactly",
    async (preset: PresetName) => {
      const original = loadPreset(preset);
      const probeRun = await runScript(original, "probe", { LicenseServers: "ls01.contoso.com" });
      const probe = parseProbeOutput(probeRun.stdout, probeRun.stderr);

      const newMode = probe.licensingMode === 4 ? 2 : 4;
      const setMode = await runScript(original, "set-licensing-mode", { Mode: String(newMode) });
      const setServers = await runScript(setMode.state, "set-license-servers", { Servers: "ls02.contoso.com,ls01.contoso.com" });
      expect(mode(setServers.state)).not.toEqual(mode(original));
      expect(servers(setServers.state)).not.toEqual(servers(original));

      const call = restoreScriptCall({ licensingMode: probe.licensingMode, licenseServers: probe.specifiedLicenseServers });
      expect(call.script).toBe(RESTORE);
      const { output, state } = await restoreTwice(setServers.state, call.parameters);
      const policy = { policyLicensingMode: probe.policyLicensingMode, policyLicenseServers: probe.policyLicenseServers };
      expect(output).toEqual({
        rdpMedic: RESTORE,
        v: 1,
        changed: true,
        restartNeeded: true,
        before: { licensingMode: newMode, specifiedLicenseServers: ["ls02.contoso.com", "ls01.contoso.com"], ...policy },
        after: { licensingMode: probe.licensingMode, specifiedLicenseServers: probe.specifiedLicenseServers, ...policy },
      });

      // The two values are the preset's, absent ones absent; everything else is as it was.
      expect(mode(state)).toEqual(mode(original));
      expect(servers(state)).toEqual(servers(original));
      expect(valuesOf(state.registry)).toEqual(valuesOf(original.registry));
      expect({ ...state, registry: {} }).toEqual({ ...original, registry: {} });

      // A second probe reads exactly what the first one read.
      const again = await runScript(state, "probe", { LicenseServers: "ls01.contoso.com" });
      expect(again.stdout).toBe(probeRun.stdout);
    },
  );

  it("'absent' deletes both values and leaves the keys, the Group Policy values and the legacy path alone", async () => {
    const original = loadPreset("gpo-both");
    setRegValue(original, KEYS.termServiceParameters, "SpecifiedLicenseServers", { type: "REG_MULTI_SZ", value: ["old.contoso.com"] });
    const { output, state } = await restoreTwice(original, { LicensingMode: "absent", LicenseServers: "absent" });
    expect(output.before).toEqual({ licensingMode: 4, policyLicensingMode: 2, specifiedLicenseServers: ["ls01.contoso.com"], policyLicenseServers: ["ls-gpo.contoso.com"] });
    expect(output.after).toEqual({ licensingMode: null, policyLicensingMode: 2, specifiedLicenseServers: null, policyLicenseServers: ["ls-gpo.contoso.com"] });
    expect(mode(state)).toBeUndefined();
    expect(servers(state)).toBeUndefined();
    expect(state.registry[KEYS.licensingCore]).toEqual({});
    expect(state.registry[KEYS.licenseServers]).toEqual({});
    expect(state.registry[KEYS.policy]).toEqual(original.registry[KEYS.policy]);
    expect(state.registry[KEYS.termServiceParameters]).toEqual(original.registry[KEYS.termServiceParameters]);
  });

  it("'absent' where the values and their keys are missing changes nothing", async () => {
    const original = loadPreset("role-pending-restart");
    const { output, state } = await restoreTwice(original, { LicensingMode: "absent", LicenseServers: "absent" });
    expect(output.changed).toBe(false);
    expect(state).toEqual(original);
  });

  it.each([0, 1, 2, 3, 5, 6])("writes LicensingMode %i as a DWORD", async (value) => {
    const { output, state } = await restoreTwice(loadPreset("healthy"), { LicensingMode: String(value), LicenseServers: "ls01.contoso.com" });
    expect(output).toMatchObject({ changed: true, restartNeeded: true, after: { licensingMode: value } });
    expect(mode(state)).toEqual({ type: "REG_DWORD", value });
    expect(servers(state)).toEqual(servers(loadPreset("healthy")));
  });

  it("creates the keys where a value and its key are missing", async () => {
    const { state } = await restoreTwice(loadPreset("role-not-installed"), { LicensingMode: "5", LicenseServers: "ls01.contoso.com" });
    expect(mode(state)).toEqual({ type: "REG_DWORD", value: 5 });
    expect(servers(state)).toEqual({ type: "REG_MULTI_SZ", value: ["ls01.contoso.com"] });
  });

  it("keeps the list exactly as given: spelling, order, repeats; a host may join the list with spaces", async () => {
    const { output, state } = await restoreTwice(loadPreset("healthy"), {
      LicensingMode: "4",
      LicenseServers: "LS01.contoso.com,10.0.1.5 ls01.contoso.com.,fd00::5",
    });
    const list = ["LS01.contoso.com", "10.0.1.5", "ls01.contoso.com.", "fd00::5"];
    expect(output.after).toMatchObject({ licensingMode: 4, specifiedLicenseServers: list });
    expect(servers(state)).toEqual({ type: "REG_MULTI_SZ", value: list });
  });

  it("a difference in letter case only is still a difference to put back (set-license-servers would keep it)", async () => {
    const { output, state } = await restoreTwice(loadPreset("healthy"), { LicensingMode: "4", LicenseServers: "LS01.CONTOSO.COM" });
    expect(output.changed).toBe(true);
    expect(servers(state)).toEqual({ type: "REG_MULTI_SZ", value: ["LS01.CONTOSO.COM"] });
  });

  it("an empty SpecifiedLicenseServers value (read as []) is present: 'absent' deletes it", async () => {
    const original = loadPreset("healthy");
    setRegValue(original, KEYS.licenseServers, "SpecifiedLicenseServers", { type: "REG_MULTI_SZ", value: [] });
    const { output, state } = await restoreTwice(original, { LicensingMode: "4", LicenseServers: "absent" });
    expect(output).toMatchObject({ changed: true, before: { specifiedLicenseServers: [] }, after: { specifiedLicenseServers: null } });
    expect(servers(state)).toBeUndefined();
  });

  it("values that already hold what is asked: nothing written, no restart", async () => {
    const original = loadPreset("healthy");
    const run = await runScript(original, RESTORE, { LicensingMode: "4", LicenseServers: "ls01.contoso.com" });
    expect(parseStepOutput(RESTORE, run.stdout, run.stderr)).toMatchObject({ changed: false, restartNeeded: false });
    expect(run.state).toEqual(original);
  });

  it("a LicensingMode outside 0-6 (0xFFFFFFFF) is reported unsigned and replaced", async () => {
    const original = loadPreset("healthy");
    setRegValue(original, KEYS.licensingCore, "LicensingMode", { type: "REG_DWORD", value: -1 });
    const { output, state } = await restoreTwice(original, { LicensingMode: "4", LicenseServers: "ls01.contoso.com" });
    expect(output.before).toMatchObject({ licensingMode: 4294967295 });
    expect(mode(state)).toEqual({ type: "REG_DWORD", value: 4 });
  });
});
