import { InputError } from "../errors";
import { licenseServerNameProblem } from "./license-server-name";
import { printable } from "./printable";
import { SCRIPT_NAMES, type PlanStep, type PlaybookPolicy, type ScriptName } from "./playbook";

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
 * What verify checks after the plan's steps ran:
 * - the RD Session Host role was removed: only that it is absent (licensing values no longer matter);
 * - the plan was only a restart (a pending role change): nothing but a settled role and a working listener;
 * - otherwise: the effective licensing mode and servers are the policy's, and the role is present.
 */
export function verifyScriptCall(steps: readonly PlanStep[], policy: Pick<PlaybookPolicy, "licensingMode" | "licenseServers">): ScriptCall {
  if (!Array.isArray(steps)) invalid("invalid-step", "The plan's steps must be a list.");
  const kinds = steps.map((s) => (s as { kind?: unknown } | null)?.kind);
  let rdsh: RdshExpectation = "present";
  let mode = modeParameter(policy.licensingMode);
  let servers = serversParameter(policy.licenseServers);
  if (kinds.includes("remove-rdsh-role")) {
    rdsh = "absent";
    mode = NOT_CHECKED;
    servers = NOT_CHECKED;
  } else if (kinds.length > 0 && kinds.every((k) => k === "restart")) {
    rdsh = NOT_CHECKED;
    mode = NOT_CHECKED;
    servers = NOT_CHECKED;
  }
  return { script: "verify", parameters: { ExpectedMode: mode, ExpectedServers: servers, RdshExpected: rdsh } };
}

/** A restore-licensing parameter that deletes the value. Never a lone server name: restoreScriptCall refuses one. */
export const RESTORE_ABSENT = "absent";

/** The highest LicensingMode restore-licensing puts back (0-6; 5 = not configured). */
export const MAX_RESTORE_MODE = 6;

/** The licensing values a probe read before the repair; null = the value was absent. */
export interface LicensingBefore {
  licensingMode: number | null;
  licenseServers: string[] | null;
}

function restoreModeParameter(mode: unknown): string {
  if (mode === null) return RESTORE_ABSENT;
  if (typeof mode !== "number" || !Number.isInteger(mode) || mode < 0 || mode > MAX_RESTORE_MODE) {
    invalid("invalid-licensing-mode", `A licensing mode to restore must be null or an integer from 0 to ${MAX_RESTORE_MODE}, not ${printable(String(mode), 20)}.`);
  }
  return String(mode);
}

/** Validated and kept exactly as given (spelling, order, repeats): the value was that list. */
function restoreServersParameter(servers: unknown): string {
  if (servers === null) return RESTORE_ABSENT;
  if (!Array.isArray(servers) || servers.length === 0) {
    invalid("invalid-server-count", "License servers to restore must be null (absent) or a list of at least one server.");
  }
  if (servers.length > MAX_LICENSE_SERVERS) {
    invalid("invalid-server-count", `${servers.length} license servers to restore; at most ${MAX_LICENSE_SERVERS} are allowed.`);
  }
  for (const server of servers as unknown[]) {
    if (typeof server !== "string") invalid("invalid-license-server", `${printable(String(server))} is not a host name or IP address: it is not a string.`);
    const problem = licenseServerNameProblem(server);
    if (problem !== undefined) invalid("invalid-license-server", `${printable(server)} is not a host name or IP address: ${problem}.`);
  }
  const joined = (servers as string[]).join(",");
  if (joined === RESTORE_ABSENT) {
    invalid("invalid-license-server", `A lone license server named "${RESTORE_ABSENT}" cannot be restored: the script reads that as "delete the value".`);
  }
  return joined;
}

/**
 * The rollback script: puts LicensingMode and SpecifiedLicenseServers back to the probe's values (null deletes
 * the value). Throws InputError invalid-restore, invalid-licensing-mode, invalid-server-count or
 * invalid-license-server.
 */
export function restoreScriptCall(before: LicensingBefore): ScriptCall {
  if (typeof before !== "object" || before === null || Array.isArray(before)) {
    invalid("invalid-restore", "The values to restore must be an object {licensingMode, licenseServers}.");
  }
  const values = before as { licensingMode?: unknown; licenseServers?: unknown };
  return {
    script: "restore-licensing",
    parameters: {
      LicensingMode: restoreModeParameter(values.licensingMode),
      LicenseServers: restoreServersParameter(values.licenseServers),
    },
  };
}
