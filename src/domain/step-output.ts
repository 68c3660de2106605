import { InputError, ScriptOutputError } from "../errors";
import { isDeepStrictEqual } from "node:util";
import {
  DWORD_MAX,
  expectKeys,
  readBoolean,
  readEnum,
  readInt,
  readNullableInt,
  readNullableStringList,
  readObject,
  readString,
  type Json,
} from "./output-fields";
import { FEATURE_STATES, REG_KINDS, SCRIPT_NAMES, type StepOutput, type StepScriptName } from "./playbook";
import { PROBE_LIMITS } from "./probe-output";
import { extractScriptJson } from "./script-output";


const SERVER_LIST = { max: PROBE_LIMITS.serverNameLength };
const serverList = (json: Json, key: string, where: string) =>
  readNullableStringList(json, key, where, PROBE_LIMITS.serverLists, SERVER_LIST);

const readKind = (json: Json, key: string, where: string) => (json[key] === null ? null : readEnum(json, key, where, REG_KINDS));

/** A value's digest (restore-licensing): its kind, size and SHA-256, never its data. */
function readDigest(json: Json, key: string, where: string): { kind: string; size: number; sha256: string } | null {
  if (json[key] === null) return null;
  const at = `${where}.${key}`;
  const digest = readObject(json, key, where);
  expectKeys(digest, ["kind", "size", "sha256"], at);
  return {
    kind: readEnum(digest, "kind", at, REG_KINDS),
    size: readInt(digest, "size", at, 0, 1_000_000),
    sha256: readString(digest, "sha256", at, { max: 64, min: 64, pattern: /^[0-9a-f]{64}$/, describe: "a SHA-256 in lower-case hex" }),
  };
}

/** The values each step script reads before and after its change (the GPO value too, where one could override it). */
const STATE_READERS: Record<StepScriptName, (json: Json, where: string) => Record<string, unknown>> = {
  "set-licensing-mode": (json, where) => {
    expectKeys(json, ["licensingMode", "licensingModeKind", "policyLicensingMode"], where);
    return {
      licensingMode: readNullableInt(json, "licensingMode", where, 0, DWORD_MAX),
      licensingModeKind: readKind(json, "licensingModeKind", where),
      policyLicensingMode: readNullableInt(json, "policyLicensingMode", where, 0, DWORD_MAX),
    };
  },
  "set-license-servers": (json, where) => {
    expectKeys(json, ["specifiedLicenseServers", "specifiedLicenseServersKind", "policyLicenseServers"], where);
    return {
      specifiedLicenseServers: serverList(json, "specifiedLicenseServers", where),
      specifiedLicenseServersKind: readKind(json, "specifiedLicenseServersKind", where),
      policyLicenseServers: serverList(json, "policyLicenseServers", where),
    };
  },
  "restore-licensing": (json, where) => {
    expectKeys(json, ["licensingMode", "policyLicensingMode", "specifiedLicenseServers", "policyLicenseServers"], where);
    return {
      licensingMode: readDigest(json, "licensingMode", where),
      policyLicensingMode: readNullableInt(json, "policyLicensingMode", where, 0, DWORD_MAX),
      specifiedLicenseServers: readDigest(json, "specifiedLicenseServers", where),
      policyLicenseServers: serverList(json, "policyLicenseServers", where),
    };
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
