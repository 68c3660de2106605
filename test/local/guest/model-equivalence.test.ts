import { describe, expect, it } from "vitest";
import type { GuestRuntime, GuestState } from "../../../local/guest/guest-state";
import { createModelRuntime } from "../../../local/guest/model-runtime";
import { PRESET_NAMES, PRESET_NOW, loadPreset, type PresetName } from "../../../local/guest/presets";
import { parseProbeOutput } from "../../../src/domain/probe-output";
import { ScriptFailedError } from "../../../src/domain/script-output";
import { isStepScriptName, parseStepOutput } from "../../../src/domain/step-output";
import { restoreScriptCall } from "../../../src/domain/step-scripts";
import { parseVerifyOutput } from "../../../src/domain/verify-output";
import { loadScript, type ScriptName } from "../../../src/scripts";
import { describeWithPwsh, pwsh } from "./pwsh-kit";

const model = createModelRuntime();
const later = (minutes: number) => new Date(PRESET_NOW.getTime() + minutes * 60_000);

/** The runs every preset goes through: probe, each step, verify (nothing in the outputs is volatile). */
const RUNS: Array<{ script: ScriptName; parameters: Record<string, string> }> = [
  { script: "probe", parameters: { LicenseServers: "ls01.contoso.com,10.0.1.5" } },
  { script: "set-licensing-mode", parameters: { Mode: "4" } },
  { script: "set-license-servers", parameters: { Servers: "ls01.contoso.com,ls02.contoso.com" } },
  { script: "remove-rdsh-role", parameters: {} },
  { script: "remove-licensing-role", parameters: {} },
  { script: "verify", parameters: { ExpectedMode: "4", ExpectedServers: "ls01.contoso.com", RdshExpected: "present" } },
  { script: "restore-licensing", parameters: { LicensingMode: "absent", LicenseServers: "absent" } },
  { script: "restore-licensing", parameters: { LicensingMode: "5", LicenseServers: "LS01.contoso.com,10.0.1.5 ls01.contoso.com." } },
];

async function both(state: GuestState, script: ScriptName, parameters: Record<string, string>, now: Date) {
  const run = (runtime: GuestRuntime) => runtime.runScript(state, loadScript(script), parameters, now);
  const [real, fake] = await Promise.all([run(pwsh), run(model)]);
  return { real, fake };
}

/** The TypeScript parser for the script's contract accepts what the script printed. */
function parse(script: ScriptName, stdout: string, stderr: string): unknown {
  if (script === "probe") return parseProbeOutput(stdout, stderr);
  if (script === "verify") return parseVerifyOutput(stdout, stderr);
  if (isStepScriptName(script)) return parseStepOutput(script, stdout, stderr);
  throw new Error(`no parser for ${script}`);
}

function expectSame(real: Awaited<ReturnType<GuestRuntime["runScript"]>>, fake: Awaited<ReturnType<GuestRuntime["runScript"]>>) {
  expect(fake.stdout).toBe(real.stdout);
  expect(fake.stderr).toBe(real.stderr);
  expect(fake.state).toEqual(real.state);
}

describe("model runtime", () => {
  it("refuses a script without the marker line", async () => {
    await expect(model.runScript(loadPreset("healthy"), "Write-Output 1", {}, PRESET_NOW)).rejects.toThrow(/rdp-medic-script/);
  });

  it("does not change the state it is given", async () => {
    const state = loadPreset("healthy");
    const result = await model.runScript(state, loadScript("remove-rdsh-role"), {}, PRESET_NOW);
    expect(state.features["RDS-RD-Server"]).toBe("Installed");
    expect(result.state.features["RDS-RD-Server"]).toBe("UninstallPending");
  });
});

describeWithPwsh("model runtime = pwsh (same stdout, stderr and resulting state)", () => {
  describe.each(PRESET_NAMES)("preset %s", (preset: PresetName) => {
    it.each(RUNS.map((r) => [r.script, r] as const))("%s", async (_name, { script, parameters }) => {
      const { real, fake } = await both(loadPreset(preset), script, parameters, PRESET_NOW);
      expect(real.stdout).toMatch(/^\{"rdpMedic":/);
      expect(parse(script, real.stdout, real.stderr)).toMatchObject({ rdpMedic: script, v: 1 });
      expectSame(real, fake);
    });
  });

  it("agrees along a whole repair: steps, reboot, verify", async () => {
    let state = loadPreset("demo-broken");
    const steps: Array<[ScriptName, Record<string, string>]> = [
      ["probe", { LicenseServers: "ls01.contoso.com" }],
      ["set-licensing-mode", { Mode: "4" }],
      ["set-license-servers", { Servers: "ls01.contoso.com" }],
    ];
    for (const [i, [script, parameters]] of steps.entries()) {
      const { real, fake } = await both(state, script, parameters, later(i));
      expectSame(real, fake);
      state = real.state;
    }
    state = pwsh.reboot(state, later(5));
    const { real, fake } = await both(state, "verify", { ExpectedMode: "4", ExpectedServers: "ls01.contoso.com", RdshExpected: "present" }, later(6));
    expectSame(real, fake);
    expect(JSON.parse(real.stdout)).toMatchObject({ ok: true });
  });

  it.each(["demo-broken", "gpo-both", "role-pending-restart"] as const)(
    "agrees along a rollback on %s: probe, steps, reboot, restore of the probe's values, reboot, probe",
    async (preset) => {
      let state = loadPreset(preset);
      const first = await both(state, "probe", { LicenseServers: "ls01.contoso.com" }, later(0));
      expectSame(first.real, first.fake);
      const probe = parseProbeOutput(first.real.stdout, first.real.stderr);
      const restore = restoreScriptCall({ licensingMode: probe.licensingMode, licenseServers: probe.specifiedLicenseServers });
      const steps: Array<[ScriptName, Record<string, string>]> = [
        ["set-licensing-mode", { Mode: "2" }],
        ["set-license-servers", { Servers: "ls02.contoso.com" }],
      ];
      for (const [i, [script, parameters]] of steps.entries()) {
        const { real, fake } = await both(state, script, parameters, later(i + 1));
        expectSame(real, fake);
        state = real.state;
      }
      state = pwsh.reboot(state, later(3));
      const restored = await both(state, restore.script, restore.parameters, later(4));
      expectSame(restored.real, restored.fake);
      expect(parseStepOutput("restore-licensing", restored.real.stdout, restored.real.stderr).changed).toBe(true);
      state = pwsh.reboot(restored.real.state, later(5));
      const last = await both(state, "probe", { LicenseServers: "ls01.contoso.com" }, later(6));
      expectSame(last.real, last.fake);
      const again = parseProbeOutput(last.real.stdout, last.real.stderr);
      expect([again.licensingMode, again.specifiedLicenseServers]).toEqual([probe.licensingMode, probe.specifiedLicenseServers]);
    },
  );

  it.each([
    ["probe", { LicenseServers: "ls01.contoso.com;whoami" }],
    ["set-licensing-mode", { Mode: "6" }],
    ["set-license-servers", { Servers: "" }],
    ["set-license-servers", { Servers: "a,b,c,d,e,f,g,h,i,j,k" }],
    ["verify", { ExpectedMode: "5" }],
    ["verify", { RdshExpected: "true" }],
    ["verify", { ExpectedServers: "ls01.contoso.com,$(whoami)" }],
    ["restore-licensing", { LicensingMode: "7", LicenseServers: "absent" }],
    ["restore-licensing", { LicensingMode: "", LicenseServers: "absent" }],
    ["restore-licensing", { LicensingMode: "absent", LicenseServers: "" }],
    ["restore-licensing", { LicensingMode: "absent", LicenseServers: "a,b,c,d,e,f,g,h,i,j,k" }],
    ["restore-licensing", { LicensingMode: "4", LicenseServers: "ls01.contoso.com,$(whoami)" }],
  ] as const)("agrees on refused parameters: %s %j", async (script, parameters) => {
    const { real, fake } = await both(loadPreset("healthy"), script, parameters, PRESET_NOW);
    expect(JSON.parse(real.stdout)).toMatchObject({ error: { code: "invalid-parameter" } });
    expect(() => parse(script, real.stdout, real.stderr)).toThrow(ScriptFailedError);
    expectSame(real, fake);
  });
});
