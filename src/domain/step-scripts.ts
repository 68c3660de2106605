import { InputError } from "../errors";
import { licenseServerNameProblem } from "./license-server-name";
import { printable } from "./printable";
import { REG_KINDS, SCRIPT_NAMES, type PlanStep, type PlaybookPolicy, type RegKind, type RegValueFact, type ScriptName } from "./playbook";
import { decodeBase64, isRegKind, regDataProblem } from "./registry-value";

export { SCRIPT_NAMES, type ScriptName };

/** A script to run and its Run Command parameters (names as the script's param() block declares them). */
export interface ScriptCall {
  script: ScriptName;
  parameters: Record<string, string>;
}

export const MAX_LICENSE_SERVERS = 10;

/** A verify parameter that the verify script must not check. Never an empty string: Run Command may drop it. */
export const NOT_CHECKED = "any";

/*
 * This file is the only place where values become script parameters. Every value is checked again here, whatever
 * checked it before: the steps arrive through durable history and activity inputs, which are data, not proof.
 */

function invalid(code: string, message: string): never {
  throw new InputError(code, message);
}

function modeParameter(mode: unknown): string {
  if (mode !== 2 && mode !== 4) invalid("invalid-licensing-mode", `Licensing mode must be the number 2 or 4, not ${printable(String(mode), 20)}.`);
  return String(mode);
}

/** Validated, de-duplicated (case-insensitively, first spelling kept), comma-joined. */
function serversParameter(servers: unknown): string {
  if (!Array.isArray(servers) || servers.length === 0) invalid("invalid-server-count", "At least one license server is required.");
  const seen = new Map<string, string>();
  for (const server of servers as unknown[]) {
    if (typeof server !== "string") invalid("invalid-license-server", `${printable(String(server))} is not a host name or IP address: it is not a string.`);
    const problem = licenseServerNameProblem(server);
    if (problem !== undefined) invalid("invalid-license-server", `${printable(server)} is not a host name or IP address: ${problem}.`);
    const key = server.toLowerCase().replace(/\.$/, "");
    if (!seen.has(key)) seen.set(key, server);
  }
  if (seen.size > MAX_LICENSE_SERVERS) {
    invalid("invalid-server-count", `${seen.size} license servers given; at most ${MAX_LICENSE_SERVERS} are allowed.`);
  }
  return [...seen.values()].join(",");
}

/** The probe, testing the policy's license servers in addition to the ones the VM has configured. */
export function probeScriptCall(policy: Pick<PlaybookPolicy, "licenseServers">): ScriptCall {
  return { script: "probe", parameters: { LicenseServers: serversParameter(policy.licenseServers) } };
}

/** The script for one fix step. A restart is not a script (it is a VM restart through ARM). */
export function stepScriptCall(step: PlanStep): ScriptCall {
  const kind: unknown = (step as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case "set-licensing-mode":
      return { script: "set-licensing-mode", parameters: { Mode: modeParameter((step as { mode?: unknown }).mode) } };
    case "set-license-servers":
      return { script: "set-license-servers", parameters: { Servers: serversParameter((step as { servers?: unknown }).servers) } };
    case "remove-rdsh-role":
      return { script: "remove-rdsh-role", parameters: {} };
    case "remove-licensing-role":
      return { script: "remove-licensing-role", parameters: {} };
    case "restart":
      return invalid("invalid-step", "A restart is a VM restart, not a script.");
    default:
      return invalid("invalid-step", `Unknown step ${printable(String(kind), 40)}.`);
  }
}

export type RdshExpectation = "present" | "absent" | "any";

/**
 * What verify checks after the plan's steps ran, from the steps themselves:
 * - the RD Session Host role was removed: only that it is absent (licensing values no longer matter);
 * - the plan was only a restart (a pending role change): nothing but a settled role and a working listener (the
 *   licensing events are not checked: a role just installed logs them until a later run configures licensing);
 * - otherwise: the role is present, and the effective mode and servers are what the steps set (a value no step
 *   set is not checked: the run did not touch it). Licensing events since the restart are checked in every case.
 * The policy is not read: verify checks what this run did, not what the policy would like.
 */
export function verifyScriptCall(steps: readonly PlanStep[], _policy?: Pick<PlaybookPolicy, "licensingMode" | "licenseServers">): ScriptCall {
  if (!Array.isArray(steps)) invalid("invalid-step", "The plan's steps must be a list.");
  const kinds = steps.map((s) => (s as { kind?: unknown } | null)?.kind);
  let rdsh: RdshExpectation = "present";
  let events = "check";
  let mode = NOT_CHECKED;
  let servers = NOT_CHECKED;
  for (const step of steps as unknown[]) {
    const kind = (step as { kind?: unknown } | null)?.kind;
    if (kind === "set-licensing-mode") mode = modeParameter((step as { mode?: unknown }).mode);
    else if (kind === "set-license-servers") servers = serversParameter((step as { servers?: unknown }).servers);
    else if (kind !== "remove-rdsh-role" && kind !== "remove-licensing-role" && kind !== "restart") {
      invalid("invalid-step", `Unknown step ${printable(String(kind), 40)}.`);
    }
  }
  if (kinds.includes("remove-rdsh-role")) {
    rdsh = "absent";
    mode = NOT_CHECKED;
    servers = NOT_CHECKED;
  } else if (kinds.length > 0 && kinds.every((k) => k === "restart")) {
    rdsh = NOT_CHECKED;
    events = NOT_CHECKED;
  }
  return { script: "verify", parameters: { ExpectedMode: mode, ExpectedServers: servers, RdshExpected: rdsh, LicensingEvents: events } };
}

/** A restore-licensing parameter that deletes the value. */
export const RESTORE_ABSENT = "absent";
/** A restore-licensing parameter that leaves the value alone (no step of the run wrote it). */
export const RESTORE_KEEP = "keep";

/**
 * What to put back for one value: its exact original (kind and data, as the probe read it), null when it was
 * absent (delete it), or "keep" when the run did not write it.
 */
export type RestoreValue = RegValueFact | null | typeof RESTORE_KEEP;

/** The licensing values to put back after a failed repair. */
export interface LicensingBefore {
  licensingMode: RestoreValue;
  licenseServers: RestoreValue;
}

/** The kinds each value may be restored as: anything it could have been (the exact original is put back). */
const RESTORE_KINDS: readonly RegKind[] = REG_KINDS;

/** "<KIND>:<base64>", "absent" or "keep", each checked: a known kind, canonical base64, well-formed data of that kind. */
function restoreValueParameter(value: unknown, what: string): string {
  if (value === RESTORE_KEEP) return RESTORE_KEEP;
  if (value === null) return RESTORE_ABSENT;
  if (typeof value !== "object" || Array.isArray(value)) {
    invalid("invalid-restore", `${what} to restore must be null (absent), "keep" or {kind, data}, not ${printable(String(value), 40)}.`);
  }
  const { kind, data } = value as { kind?: unknown; data?: unknown };
  if (!isRegKind(kind) || !RESTORE_KINDS.includes(kind)) {
    invalid("invalid-restore", `${what} to restore has kind ${printable(String(kind), 20)}; it must be one of ${RESTORE_KINDS.join(", ")}.`);
  }
  if (typeof data !== "string") {
    invalid("invalid-restore", `${what} to restore has no data: the probe could not report it exactly, so it cannot be put back.`);
  }
  const bytes = decodeBase64(data);
  if (bytes === undefined) invalid("invalid-restore", `${what} to restore is not canonical base64 (${printable(data, 40)}).`);
  const problem = regDataProblem(kind, bytes);
  if (problem !== undefined) invalid("invalid-restore", `${what} to restore is not a well-formed ${kind}: ${problem}.`);
  return `${kind}:${data}`;
}

/**
 * The rollback script: puts LicensingMode and SpecifiedLicenseServers back exactly as the probe read them (kind
 * and data), deletes them when they were absent, or leaves them alone ("keep"). Throws InputError invalid-restore.
 */
export function restoreScriptCall(before: LicensingBefore): ScriptCall {
  if (typeof before !== "object" || before === null || Array.isArray(before)) {
    invalid("invalid-restore", "The values to restore must be an object {licensingMode, licenseServers}.");
  }
  const values = before as { licensingMode?: unknown; licenseServers?: unknown };
  return {
    script: "restore-licensing",
    parameters: {
      LicensingMode: restoreValueParameter(values.licensingMode, "LicensingMode"),
      LicenseServers: restoreValueParameter(values.licenseServers, "SpecifiedLicenseServers"),
    },
  };
}
