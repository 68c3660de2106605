import { createHash } from "node:crypto";
import type { GuestState, RegValue } from "../guest-state";
import { KEYS, deleteRegValue, getRegValue, readCommaList, readDword, setRegValue } from "../guest-registry";
import { ModelScriptError, assert64BitProcess, regEntryBytes } from "./script-helpers";

const MAX_DATA_BYTES = 2048;
const FORM = /^(REG_SZ|REG_EXPAND_SZ|REG_MULTI_SZ|REG_DWORD|REG_QWORD|REG_BINARY|REG_NONE):([A-Za-z0-9+/]*={0,2})$/;

type Target = { action: "keep" } | { action: "delete" } | { action: "write"; kind: RegValue["type"]; bytes: Buffer };

/** Read-RestoreTarget */
function readTarget(parameterName: string, value: string): Target {
  if (value === "keep") return { action: "keep" };
  if (value === "absent") return { action: "delete" };
  const refuse = (why: string): never => {
    throw new ModelScriptError("invalid-parameter", `${parameterName} must be 'keep', 'absent' or <KIND>:<base64>: ${why}.`);
  };
  const match = FORM.exec(value);
  if (!match) return refuse("not of that form");
  const kind = match[1] as RegValue["type"];
  const data = match[2]!;
  if (data.length % 4 !== 0 || data.length > Math.ceil(MAX_DATA_BYTES / 3) * 4) refuse("the base64 has a wrong length");
  const bytes = Buffer.from(data, "base64");
  if (bytes.toString("base64") !== data) refuse("the base64 is not canonical");
  if (bytes.length > MAX_DATA_BYTES) refuse(`the data is over ${MAX_DATA_BYTES} bytes`);
  const n = bytes.length;
  const nul = (at: number) => at >= 0 && bytes[at] === 0 && bytes[at + 1] === 0;
  if (kind === "REG_DWORD" && n !== 4) refuse("a REG_DWORD is 4 bytes");
  if (kind === "REG_QWORD" && n !== 8) refuse("a REG_QWORD is 8 bytes");
  if (kind === "REG_MULTI_SZ" && (n < 2 || n % 2 !== 0 || !nul(n - 2) || (n > 2 && !nul(n - 4)))) refuse("a list ends with two NUL characters");
  if ((kind === "REG_SZ" || kind === "REG_EXPAND_SZ") && (n < 2 || n % 2 !== 0 || !nul(n - 2))) refuse("text ends with a NUL character");
  return { action: "write", kind, bytes };
}

/** ConvertFrom-RegBytes + New-ItemProperty as the shim stores it. */
function regValueOf(kind: RegValue["type"], bytes: Buffer): RegValue {
  switch (kind) {
    case "REG_DWORD":
      return { type: kind, value: bytes.readInt32LE(0) >>> 0 };
    case "REG_QWORD":
      return { type: kind, value: Number(bytes.readBigInt64LE(0)) };
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return { type: kind, value: bytes.subarray(0, bytes.length - 2).toString("utf16le") };
    case "REG_MULTI_SZ":
      return { type: kind, value: bytes.length === 2 ? [] : bytes.subarray(0, bytes.length - 4).toString("utf16le").split("\u0000") };
    case "REG_BINARY":
    case "REG_NONE":
      return { type: kind, value: bytes.toString("base64") };
  }
}

/** Get-ValueDigest */
function digest(state: GuestState, key: string, name: string) {
  const v = getRegValue(state, key, name);
  if (v === undefined) return null;
  const bytes = regEntryBytes(v);
  return { kind: v.type, size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Test-Exact */
function exact(state: GuestState, key: string, name: string, target: Target): boolean {
  const v = getRegValue(state, key, name);
  if (target.action === "delete") return v === undefined;
  if (target.action !== "write" || v === undefined || v.type !== target.kind) return false;
  return regEntryBytes(v).equals(target.bytes);
}

/** src/scripts/restore-licensing.ps1 */
export function modelRestoreLicensing(state: GuestState, parameters: Record<string, string>): string {
  assert64BitProcess(state);
  const modeTarget = readTarget("LicensingMode", parameters["LicensingMode"] ?? "");
  const serversTarget = readTarget("LicenseServers", parameters["LicenseServers"] ?? "");
  const read = () => ({
    licensingMode: digest(state, KEYS.licensingCore, "LicensingMode"),
    policyLicensingMode: readDword(state, KEYS.policy, "LicensingMode"),
    specifiedLicenseServers: digest(state, KEYS.licenseServers, "SpecifiedLicenseServers"),
    policyLicenseServers: readCommaList(state, KEYS.policy, "LicenseServers"),
  });
  const restore = (key: string, name: string, target: Target): boolean => {
    if (target.action === "keep" || exact(state, key, name, target)) return false;
    if (target.action === "delete") deleteRegValue(state, key, name);
    else setRegValue(state, key, name, regValueOf(target.kind, target.bytes));
    if (!exact(state, key, name, target)) throw new ModelScriptError("command-failed", `${name} does not hold exactly the value just restored.`);
    return true;
  };
  const before = read();
  const modeChanged = restore(KEYS.licensingCore, "LicensingMode", modeTarget);
  const serversChanged = restore(KEYS.licenseServers, "SpecifiedLicenseServers", serversTarget);
  const changed = modeChanged || serversChanged;
  return JSON.stringify({ rdpMedic: "restore-licensing", v: 1, changed, restartNeeded: changed, before, after: read() });
}
