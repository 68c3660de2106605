import { expect, it } from "vitest";
import { createHash } from "node:crypto";
import { KEYS, getRegValue, setRegValue } from "../../../local/guest/guest-registry";
import type { GuestState, RegValue } from "../../../local/guest/guest-state";
import { PRESET_NAMES, loadPreset, type PresetName } from "../../../local/guest/presets";
import type { RegValueFact } from "../../../src/domain/playbook";
import { parseProbeOutput } from "../../../src/domain/probe-output";
import { encodeRegValue } from "../../../src/domain/registry-value";
import { parseStepOutput } from "../../../src/domain/step-output";
import { restoreScriptCall, type RestoreValue } from "../../../src/domain/step-scripts";
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

/** What the probe reports for a value, and what the restore script takes: the exact kind and data. */
const fact = (kind: RegValueFact["kind"], value: Parameters<typeof encodeRegValue>[1]): RegValueFact => ({ kind, data: encodeRegValue(kind, value).toString("base64") });
const digestOf = (f: RegValueFact) => {
  const bytes = Buffer.from(f.data!, "base64");
  return { kind: f.kind, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
};
const parameters = (licensingMode: RestoreValue, licenseServers: RestoreValue) => restoreScriptCall({ licensingMode, licenseServers }).parameters;

// Presets whose probe gives a report (the 32-bit one refuses) and whose values the probe could report exactly.
const RESTORABLE = PRESET_NAMES.filter((p) => p !== "process-32-bit" && p !== "many-servers");

describeWithPwsh("restore-licensing under pwsh: the exact original value and kind", () => {
  it.each(RESTORABLE)(
    "%s: after set-licensing-mode and set-license-servers, the probe's exact values come back",
    async (preset: PresetName) => {
      const original = loadPreset(preset);
      const probeRun = await runScript(original, "probe", { LicenseServers: "ls01.contoso.com" });
      const probe = parseProbeOutput(probeRun.stdout, probeRun.stderr);

      const newMode = probe.licensingMode === 4 ? 2 : 4;
      const setMode = await runScript(original, "set-licensing-mode", { Mode: String(newMode) });
      const setServers = await runScript(setMode.state, "set-license-servers", { Servers: "ls02.contoso.com,ls01.contoso.com" });
      expect(mode(setServers.state)).not.toEqual(mode(original));
      expect(servers(setServers.state)).not.toEqual(servers(original));

      const { output, state } = await restoreTwice(setServers.state, parameters(probe.licensingModeValue, probe.specifiedLicenseServersValue));
      expect(output).toMatchObject({ rdpMedic: RESTORE, v: 1, changed: true, restartNeeded: true });
      expect(output.after).toEqual({
        licensingMode: probe.licensingModeValue && digestOf(probe.licensingModeValue),
        policyLicensingMode: probe.policyLicensingMode,
        specifiedLicenseServers: probe.specifiedLicenseServersValue && digestOf(probe.specifiedLicenseServersValue),
        policyLicenseServers: probe.policyLicenseServers,
      });

      // The two values are the preset's (kind and content), absent ones absent; everything else is as it was.
      expect(mode(state)).toEqual(mode(original));
      expect(servers(state)).toEqual(servers(original));
      expect(valuesOf(state.registry)).toEqual(valuesOf(original.registry));
      expect({ ...state, registry: {} }).toEqual({ ...original, registry: {} });

      // A second probe reads exactly what the first one read.
      const again = await runScript(state, "probe", { LicenseServers: "ls01.contoso.com" });
      expect(again.stdout).toBe(probeRun.stdout);
    },
  );

  const exotic: Array<[string, RegValue]> = [
    ["a REG_SZ list of names", { type: "REG_SZ", value: "ls01.contoso.com,ls02.contoso.com" }],
    ["an empty REG_SZ", { type: "REG_SZ", value: "" }],
    ["a REG_EXPAND_SZ, unexpanded", { type: "REG_EXPAND_SZ", value: "%COMPUTERNAME%.contoso.com" }],
    ["a REG_MULTI_SZ with empty, padded and odd entries", { type: "REG_MULTI_SZ", value: ["LS01.contoso.com", "", "  spaced  ", "ls;01 $(x) 'q' \"d\"", "\u00e9\u4e2d", "ls01.contoso.com."] }],
    ["a REG_MULTI_SZ of 60 entries", { type: "REG_MULTI_SZ", value: Array.from({ length: 60 }, (_, i) => `ls${i}`) }],
    ["an empty REG_MULTI_SZ", { type: "REG_MULTI_SZ", value: [] }],
    ["a REG_MULTI_SZ of one empty entry", { type: "REG_MULTI_SZ", value: [""] }],
    ["a REG_DWORD 0xFFFFFFFF", { type: "REG_DWORD", value: 4294967295 }],
    ["a REG_QWORD", { type: "REG_QWORD", value: 1099511627776 }],
    ["a REG_BINARY", { type: "REG_BINARY", value: Buffer.from([0, 1, 254, 255]).toString("base64") }],
    ["a REG_NONE without data", { type: "REG_NONE", value: "" }],
  ];

  it.each(exotic)("puts back %s exactly, in place of a REG_MULTI_SZ", async (_name, original) => {
    const before = loadPreset("healthy");
    setRegValue(before, KEYS.licenseServers, "SpecifiedLicenseServers", original);
    const probeRun = await runScript(before, "probe", { LicenseServers: "ls01.contoso.com" });
    const probe = parseProbeOutput(probeRun.stdout, probeRun.stderr);
    expect(probe.specifiedLicenseServersValue?.kind).toBe(original.type);
    const changed = await runScript(before, "set-license-servers", { Servers: "ls02.contoso.com" });
    expect(servers(changed.state)).toEqual({ type: "REG_MULTI_SZ", value: ["ls02.contoso.com"] });
    const { state } = await restoreTwice(changed.state, parameters("keep", probe.specifiedLicenseServersValue));
    expect(servers(state)).toEqual(original);
    const again = await runScript(state, "probe", { LicenseServers: "ls01.contoso.com" });
    expect(again.stdout).toBe(probeRun.stdout);
  });

  it("puts back a LicensingMode of another kind (the REG_SZ \"4\") as that kind", async () => {
    const original = loadPreset("mode-reg-sz");
    const fixed = await runScript(original, "set-licensing-mode", { Mode: "4" });
    expect(mode(fixed.state)).toEqual({ type: "REG_DWORD", value: 4 });
    const { state } = await restoreTwice(fixed.state, parameters(fact("REG_SZ", "4"), "keep"));
    expect(mode(state)).toEqual({ type: "REG_SZ", value: "4" });
  });

  it("'keep' leaves a value alone, whatever it is now", async () => {
    const original = loadPreset("healthy");
    setRegValue(original, KEYS.licensingCore, "LicensingMode", { type: "REG_DWORD", value: 2 });
    const { output, state } = await restoreTwice(original, parameters("keep", "keep"));
    expect(output.changed).toBe(false);
    expect(state).toEqual(original);
  });

  it("'absent' deletes both values and leaves the keys, the Group Policy values and the legacy path alone", async () => {
    const original = loadPreset("gpo-both");
    setRegValue(original, KEYS.termServiceParameters, "SpecifiedLicenseServers", { type: "REG_MULTI_SZ", value: ["old.contoso.com"] });
    const { output, state } = await restoreTwice(original, parameters(null, null));
    expect(output.before).toMatchObject({ policyLicensingMode: 2, policyLicenseServers: ["ls-gpo.contoso.com"] });
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
    const { output, state } = await restoreTwice(original, parameters(null, null));
    expect(output.changed).toBe(false);
    expect(state).toEqual(original);
  });

  it("creates the keys where a value and its key are missing", async () => {
    const { state } = await restoreTwice(loadPreset("role-not-installed"), parameters(fact("REG_DWORD", 5), fact("REG_MULTI_SZ", ["ls01.contoso.com"])));
    expect(mode(state)).toEqual({ type: "REG_DWORD", value: 5 });
    expect(servers(state)).toEqual({ type: "REG_MULTI_SZ", value: ["ls01.contoso.com"] });
  });

  it("a difference in letter case only is still a difference to put back (set-license-servers would keep it)", async () => {
    const { output, state } = await restoreTwice(loadPreset("healthy"), parameters("keep", fact("REG_MULTI_SZ", ["LS01.CONTOSO.COM"])));
    expect(output.changed).toBe(true);
    expect(servers(state)).toEqual({ type: "REG_MULTI_SZ", value: ["LS01.CONTOSO.COM"] });
  });

  it("values that already hold exactly what is asked: nothing written, no restart", async () => {
    const original = loadPreset("healthy");
    const run = await runScript(original, RESTORE, parameters(fact("REG_DWORD", 4), fact("REG_MULTI_SZ", ["ls01.contoso.com"])));
    expect(parseStepOutput(RESTORE, run.stdout, run.stderr)).toMatchObject({ changed: false, restartNeeded: false });
    expect(run.state).toEqual(original);
  });
});
