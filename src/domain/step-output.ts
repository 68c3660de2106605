import { InputError, ScriptOutputError } from "../errors";
import { isDeepStrictEqual } from "node:util";
import {
  DWORD_MAX,
  expectKeys,
  readBoolean,
  readEnum,
  readNullableInt,
  readNullableStringList,
  readObject,
  type Json,
} from "./output-fields";
import { FEATURE_STATES, SCRIPT_NAMES, type StepOutput, type StepScriptName } from "./playbook";
import { PROBE_LIMITS } from "./probe-output";
import { extractScriptJson } from "./script-output";


const SERVER_LIST = { max: PROBE_LIMITS.serverNameLength };
const serverList = (json: Json, key: string, where: string) =>
  readNullableStringList(json, key, where, PROBE_LIMITS.serverLists, SERVER_LIST);

const readModes = (json: Json, where: string) => ({
  licensingMode: readNullableInt(json, "licensingMode", where, 0, DWORD_MAX),
  policyLicensingMode: readNullableInt(json, "policyLicensingMode", where, 0, DWORD_MAX),
});
const readServers = (json: Json, where: string) => ({
  specifiedLicenseServers: serverList(json, "specifiedLicenseServers", where),
  policyLicenseServers: serverList(json, "policyLicenseServers", where),
});

/** The values each step script reads before and after its change (the GPO value too, where one could override it). */
const STATE_READERS: Record<StepScriptName, (json: Json, where: string) => Record<string, unknown>> = {
  "set-licensing-mode": (json, where) => {
    expectKeys(json, ["licensingMode", "policyLicensingMode"], where);
    return readModes(json, where);
  },
  "set-license-servers": (json, where) => {
    expectKeys(json, ["specifiedLicenseServers", "policyLicenseServers"], where);
    return readServers(json, where);
  },
  "restore-licensing": (json, where) => {
    expectKeys(json, ["licensingMode", "policyLicensingMode", "specifiedLicenseServers", "policyLicenseServers"], where);
    return { ...readModes(json, where), ...readServers(json, where) };
  },
  "remove-rdsh-role": (json, where) => {
    expectKeys(json, ["rdshFeature", "rdshInstallState"], where);
    return {
      rdshFeature: readEnum(json, "rdshFeature", where, FEATURE_STATES),
      rdshInstallState: readNullableInt(json, "rdshInstallState", where, 0, DWORD_MAX),
    };
  },
  "remove-licensing-role": (json, where) => {
    expectKeys(json, ["licensingRoleFeature"], where);
    return { licensingRoleFeature: readEnum(json, "licensingRoleFeature", where, FEATURE_STATES) };
  },
};

export function isStepScriptName(value: unknown): value is StepScriptName {
  return typeof value === "string" && value !== "probe" && value !== "verify" && (SCRIPT_NAMES as readonly string[]).includes(value);
}

/**
 * Parses a step script's output. `changed` must agree with before/after (a script that changed nothing reports
 * equal values). Throws ScriptOutputError (stable codes); InputError `invalid-script` if `script` is not a step script.
 */
export function parseStepOutput(
  script: StepScriptName,
  stdout: string | null | undefined,
  stderr: string | null | undefined,
): StepOutput {
  if (!isStepScriptName(script)) throw new InputError("invalid-script", `"${String(script).slice(0, 40)}" is not a step script.`);
  const json = extractScriptJson(script, stdout, stderr);
  const where = script;
  expectKeys(json, ["rdpMedic", "v", "changed", "restartNeeded", "before", "after"], where);
  const readState = STATE_READERS[script];
  const output: StepOutput = {
    rdpMedic: script,
    v: 1,
    changed: readBoolean(json, "changed", where),
    restartNeeded: readBoolean(json, "restartNeeded", where),
    before: readState(readObject(json, "before", where), `${where}.before`),
    after: readState(readObject(json, "after", where), `${where}.after`),
  };
  if (output.changed === isDeepStrictEqual(output.before, output.after)) {
    throw new ScriptOutputError(
      "output-invalid",
      output.changed
        ? `${where} says it changed something, but before and after are equal.`
        : `${where} says it changed nothing, but before and after differ.`,
    );
  }
  return output;
}
