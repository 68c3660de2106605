import { scriptNameOf, type ScriptName } from "../../src/scripts";
import type { GuestRuntime, GuestState } from "./guest-state";
import { cloneState } from "./guest-registry";
import { modelProbe } from "./model/probe";
import { modelRestoreLicensing } from "./model/restore";
import { ModelScriptError, safeText } from "./model/script-helpers";
import { modelRemoveLicensingRole, modelRemoveRdshRole, modelSetLicenseServers, modelSetLicensingMode } from "./model/steps";
import { modelVerify } from "./model/verify";
import { rebootGuest } from "./reboot";

/**
 * The fast TypeScript model of src/scripts/*.ps1 (GuestRuntime "model"): picks the script by its
 * `# rdp-medic-script:` line and prints what the real script prints under the shim, with the same state changes.
 * test/local/guest/model-equivalence.test.ts holds it to that against real pwsh for every parameter set the app
 * can send.
 */
export function createModelRuntime(): GuestRuntime {
  return {
    name: "model",
    async runScript(state: GuestState, scriptText: string, parameters: Record<string, string>, now: Date) {
      const name = scriptNameOf(scriptText);
      if (name === undefined) throw new Error("the model runs only RDP Medic scripts (first line '# rdp-medic-script: <name>')");
      return runModelScript(state, name, parameters, now);
    },
    reboot: rebootGuest,
  };
}

/** One script of the model, synchronously: the new state, stdout and stderr (the given state is not changed). */
export function runModelScript(state: GuestState, name: ScriptName, parameters: Record<string, string>, now: Date): { state: GuestState; stdout: string; stderr: string } {
  const next = cloneState(state);
  try {
    const json = (() => {
      switch (name) {
        case "probe":
          return modelProbe(next, parameters, now);
        case "set-licensing-mode":
          return modelSetLicensingMode(next, parameters);
        case "set-license-servers":
          return modelSetLicenseServers(next, parameters);
        case "remove-rdsh-role":
          return modelRemoveRdshRole(next);
        case "remove-licensing-role":
          return modelRemoveLicensingRole(next);
        case "restore-licensing":
          return modelRestoreLicensing(next, parameters);
        case "verify":
          return modelVerify(next, parameters);
      }
    })();
    return { state: next, stdout: `${json}\n`, stderr: "" };
  } catch (error) {
    if (!(error instanceof ModelScriptError)) throw error;
    const message = safeText(error.message, 1000);
    const line = JSON.stringify({ rdpMedic: name, v: 1, error: { code: error.code, message } });
    const stderr = error.code === "invalid-parameter" ? "" : `rdp-medic ${name}: ${error.code}: ${message}\n`;
    // A refused parameter leaves the guest as it was; a failure mid-way keeps what was already written.
    return { state: error.code === "invalid-parameter" ? cloneState(state) : next, stdout: `${line}\n`, stderr };
  }
}
