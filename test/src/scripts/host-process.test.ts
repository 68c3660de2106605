import { expect, it } from "vitest";
import { loadPreset } from "../../../local/guest/presets";
import { parseProbeOutput } from "../../../src/domain/probe-output";
import { ScriptFailedError } from "../../../src/domain/script-output";
import { SCRIPT_NAMES, type ScriptName } from "../../../src/scripts";
import { describeWithPwsh, runScript } from "../../local/guest/pwsh-kit";

/** Valid parameters for each script: the refusal must come from the process, not from a parameter. */
const PARAMETERS: Record<ScriptName, Record<string, string>> = {
  probe: { LicenseServers: "ls01.contoso.com" },
  verify: { ExpectedMode: "4", ExpectedServers: "ls01.contoso.com", RdshExpected: "present" },
  "set-licensing-mode": { Mode: "4" },
  "set-license-servers": { Servers: "ls01.contoso.com" },
  "remove-rdsh-role": {},
  "remove-licensing-role": {},
  "restore-licensing": { LicensingMode: "absent", LicenseServers: "absent" },
};

describeWithPwsh("every script refuses a 32-bit (WOW64) PowerShell process", () => {
  it.each([...SCRIPT_NAMES])("%s: a clear error line, on stderr too, exit 1, nothing changed", async (script) => {
    const state = loadPreset("process-32-bit");
    const run = await runScript(state, script, PARAMETERS[script]);
    expect(run.json).toEqual({
      rdpMedic: script,
      v: 1,
      error: { code: "process-32-bit", message: expect.stringContaining("32-bit PowerShell process") },
    });
    expect(run.stderr).toContain(`rdp-medic ${script}: process-32-bit: `);
    expect(run.exitCode).toBe(1);
    expect(run.state).toEqual(state);
  });

  it("the parser reads the refusal as the script's own failure", async () => {
    const run = await runScript("process-32-bit", "probe", PARAMETERS.probe);
    expect(() => parseProbeOutput(run.stdout, run.stderr)).toThrow(ScriptFailedError);
  });

  it("the same scripts run in a 64-bit process", async () => {
    const run = await runScript("healthy", "probe", PARAMETERS.probe);
    expect(run.json).toMatchObject({ rdpMedic: "probe", is64BitProcess: true });
  });
});
