import { ScriptOutputError } from "../errors";
import { expectKeys, readBoolean, readObjectList, readString } from "./output-fields";
import type { VerifyOutput } from "./playbook";
import { extractScriptJson } from "./script-output";

export const MAX_VERIFY_CHECKS = 24;
/** `licensing-mode`, or per server `license-server:<name>`. */
const CHECK_NAME = {
  max: 300,
  pattern: /^[a-z][a-z0-9-]{0,39}(:[A-Za-z0-9.:_-]{1,256})?$/,
  describe: "a lower-case check name, optionally followed by :<server>",
};
const DETAIL = { min: 0, max: 1000 };

/** Parses the verify script's output; `ok` must be true exactly when every check is. Throws ScriptOutputError. */
export function parseVerifyOutput(stdout: string | null | undefined, stderr: string | null | undefined): VerifyOutput {
  const json = extractScriptJson("verify", stdout, stderr);
  const where = "verify";
  expectKeys(json, ["rdpMedic", "v", "ok", "checks"], where);
  const ok = readBoolean(json, "ok", where);
  const checks = readObjectList(json, "checks", where, MAX_VERIFY_CHECKS).map((c, i) => {
    const at = `${where}.checks[${i}]`;
    expectKeys(c, ["name", "ok", "detail"], at);
    return { name: readString(c, "name", at, CHECK_NAME), ok: readBoolean(c, "ok", at), detail: readString(c, "detail", at, DETAIL) };
  });
  if (checks.length === 0) throw new ScriptOutputError("output-invalid", `${where}.checks is empty.`);
  const names = new Set(checks.map((c) => c.name));
  if (names.size !== checks.length) throw new ScriptOutputError("output-invalid", `${where}.checks names a check twice.`);
  if (ok !== checks.every((c) => c.ok)) {
    throw new ScriptOutputError("output-invalid", `${where}.ok is ${ok}, which contradicts its checks.`);
  }
  return { rdpMedic: "verify", v: 1, ok, checks };
}
