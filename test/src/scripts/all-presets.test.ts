import { expect, it } from "vitest";
import { KEYS, featureState, getRegValue, rdpPort, readCommaList, readDword, readMultiString } from "../../../local/guest/guest-registry";
import type { GuestState } from "../../../local/guest/guest-state";
import { PRESET_NAMES, loadPreset, type PresetName } from "../../../local/guest/presets";
import type { StepScriptName } from "../../../src/domain/playbook";
import { parseProbeOutput } from "../../../src/domain/probe-output";
import { parseStepOutput } from "../../../src/domain/step-output";
import { parseVerifyOutput } from "../../../src/domain/verify-output";
import { describeWithPwsh, runScript } from "../../local/guest/pwsh-kit";

const LICENSING_IDS = new Set([1068, 1069, 1128, 1130]);

/** Licensing events since the last boot, counted from the state itself. */
function eventsSinceBoot(state: GuestState): number {
  const since = Date.parse(state.bootTime);
  return state.events.filter((e) => LICENSING_IDS.has(e.id) && Date.parse(e.time) >= since).length;
}

/** Presets whose scripts refuse to run (a 32-bit process): every script's own test covers them. */
const RUNNING = PRESET_NAMES.filter((p) => p !== "process-32-bit");

const STEPS: Array<[StepScriptName, Record<string, string>]> = [
  ["set-licensing-mode", { Mode: "4" }],
  ["set-license-servers", { Servers: "ls01.contoso.com,ls02.contoso.com" }],
  ["remove-rdsh-role", {}],
  ["remove-licensing-role", {}],
];

describeWithPwsh("every script on every preset, under pwsh", () => {
  it.each(RUNNING)("%s: probe reports the state as it is and changes nothing", async (preset: PresetName) => {
    const state = loadPreset(preset);
    const run = await runScript(state, "probe", { LicenseServers: "ls01.contoso.com" });
    expect(run.stderr).toBe("");
    expect(run.state).toEqual(state);
    expect(Buffer.byteLength(run.stdout.trimEnd(), "utf8")).toBeLessThanOrEqual(3900);
    expect(Buffer.byteLength(run.stdout, "utf8")).toBeLessThan(4096);
    const p = parseProbeOutput(run.stdout, run.stderr);
    expect(p.computerName).toBe(state.computerName);
    expect(p.localAddresses).toEqual(state.localAddresses ?? []);
    expect(p.rdshInstallState).toBe(readDword(state, KEYS.rdshCache, "InstallState"));
    const serverManager = state.serverManager !== false;
    expect(p.serverManager).toBe(serverManager);
    expect(p.rdshFeature).toBe(serverManager ? featureState(state, "RDS-RD-Server") : "Unknown");
    expect(p.licensingRoleFeature).toBe(serverManager ? featureState(state, "RDS-Licensing") : "Unknown");
    expect(p.licensingMode).toBe(readDword(state, KEYS.licensingCore, "LicensingMode"));
    expect(p.licensingModeValue?.kind ?? null).toBe(getRegValue(state, KEYS.licensingCore, "LicensingMode")?.type ?? null);
    expect(p.specifiedLicenseServers).toEqual(readMultiString(state, KEYS.licenseServers, "SpecifiedLicenseServers"));
    expect(p.specifiedLicenseServersValue?.kind ?? null).toBe(getRegValue(state, KEYS.licenseServers, "SpecifiedLicenseServers")?.type ?? null);
    expect(p.legacyPathLicenseServers).toEqual(readMultiString(state, KEYS.termServiceParameters, "SpecifiedLicenseServers"));
    expect(p.policyLicensingMode).toBe(readDword(state, KEYS.policy, "LicensingMode"));
    expect(p.policyLicenseServers).toEqual(readCommaList(state, KEYS.policy, "LicenseServers"));
    expect(p.termService).toEqual({ status: state.termServiceRunning ? "Running" : "Stopped", startType: state.termServiceStartType ?? "Automatic" });
    expect(p.rdpListening).toBe(state.listeningPorts.includes(rdpPort(state)));
    expect(p.eventCount).toBe(eventsSinceBoot(state));
    expect(p.servers[0]?.name).toBe("ls01.contoso.com");
    expect(p.graceDaysLeft).toBe(featureState(state, "RDS-RD-Server") === "Installed" && state.termServiceRunning ? state.graceDaysLeft : null);
    expect(p.domain).toEqual(state.domain === null ? { joined: false, name: "WORKGROUP" } : { joined: true, name: state.domain ?? "contoso.com" });
    expect(p.sessions).toEqual(
      state.sessions === null ? null : { active: (state.sessions ?? []).filter((x) => x.state === "Active").length, disconnected: (state.sessions ?? []).filter((x) => x.state === "Disconnected").length },
    );
    expect(p.os.version).toBe(state.osVersion);
    expect(p.psVersion).toBe(state.powerShellVersion);
    expect(p.is64BitProcess).toBe(true);
  });

  it.each(RUNNING)("%s: verify changes nothing and its ok is the AND of its checks", async (preset: PresetName) => {
    const state = loadPreset(preset);
    const run = await runScript(state, "verify", { ExpectedMode: "4", ExpectedServers: "ls01.contoso.com", RdshExpected: "present" });
    expect(run.state).toEqual(state);
    const v = parseVerifyOutput(run.stdout, run.stderr);
    expect(v.ok).toBe(v.checks.every((c) => c.ok));
    // Licensing events since boot fail verify: a preset whose boot logged them never verifies.
    if (eventsSinceBoot(state) > 0) expect(v.ok).toBe(false);
  });

  for (const [script, parameters] of STEPS) {
    it.each(RUNNING)(`%s: ${script} does its change once; a second run changes nothing`, async (preset: PresetName) => {
      const state = loadPreset(preset);
      const first = await runScript(state, script, parameters);
      if (state.serverManager === false && script.startsWith("remove-")) {
        // Without Server Manager the feature state is unknown: DISM is never run blind.
        expect(first.json).toMatchObject({ error: { code: "feature-state-unknown" } });
        expect(first.state).toEqual(state);
        return;
      }
      const second = await runScript(first.state, script, parameters);
      const a = parseStepOutput(script, first.stdout, first.stderr);
      const b = parseStepOutput(script, second.stdout, second.stderr);
      expect(b.changed).toBe(false);
      expect(second.state).toEqual(first.state);
      expect(b.before).toEqual(a.after);
      expect(a.changed).toBe(JSON.stringify(first.state) !== JSON.stringify(state));
      if (script === "set-licensing-mode") expect(readDword(first.state, KEYS.licensingCore, "LicensingMode")).toBe(4);
      if (script === "set-license-servers") {
        expect(readMultiString(first.state, KEYS.licenseServers, "SpecifiedLicenseServers")).toEqual(["ls01.contoso.com", "ls02.contoso.com"]);
      }
      if (script === "remove-rdsh-role") {
        expect(["Available", "UninstallPending"]).toContain(featureState(first.state, "RDS-RD-Server"));
        expect(a.restartNeeded).toBe(featureState(first.state, "RDS-RD-Server") === "UninstallPending");
      }
      if (script === "remove-licensing-role") expect(["Available", "UninstallPending"]).toContain(featureState(first.state, "RDS-Licensing"));
    });
  }
});
