import { createHash } from "node:crypto";
import { InputError } from "../errors";
import { parseJsonText } from "./json-body";
import { parseVmId, type VmRef } from "./resource-id";

/** Azure Monitor caps common-schema alerts at 256 KB. */
export const MAX_ALERT_BYTES = 256 * 1024;
/**
 * One alert may name many VMs (split by dimension); more than this is refused rather than fanned out blindly. Every
 * way of naming a VM counts (resource IDs and bare computer names alike), before anything is looked up.
 */
export const MAX_VMS_PER_ALERT = 100;
/** Bounds on the alert's own strings, so that a well-formed alert can always be recorded (Azure's IDs are far shorter). */
export const MAX_ALERT_ID_CHARS = 512;
export const MAX_ALERT_RULE_CHARS = 260;

export interface ParsedAlert {
  alertId: string;
  alertRule: string;
  signalType: string;
  monitoringService: string;
  monitorCondition: "Fired" | "Resolved";
  firedAt: string | undefined;
  /** VMs the alert is about, de-duplicated, in the order first seen. */
  vms: VmRef[];
  /** Computer names from dimensions that carry no resource ID; resolving them needs a lookup. */
  computerNames: string[];
  /** Why the alert must not start any run, when it must not. */
  ignore: { reason: "resolved" | "own-action"; detail: string } | undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function malformed(message: string): never {
  throw new InputError("alert-malformed", message);
}

/** The operations our own runs perform: activity-log alerts for them are the loop we must not feed. */
const OWN_OPERATIONS = new Set([
  "microsoft.compute/virtualmachines/restart/action",
  "microsoft.compute/virtualmachines/runcommand/action",
  "microsoft.compute/virtualmachines/start/action",
  "microsoft.compute/virtualmachines/deallocate/action",
  "microsoft.compute/virtualmachines/write",
  "microsoft.compute/snapshots/write",
  "microsoft.compute/snapshots/delete",
  "microsoft.compute/disks/write",
]);

export interface AlertParseOptions {
  /** Client ID of our managed identity: activity-log events whose caller is us are our own actions. */
  ownClientId?: string | undefined;
}

/** Parses a request body (text) as a common-alert-schema payload. Throws InputError with a stable code. */
export function parseAlertBody(body: string, options: AlertParseOptions = {}): ParsedAlert {
  if (Buffer.byteLength(body, "utf8") > MAX_ALERT_BYTES) {
    throw new InputError("body-too-large", `the alert body is over ${MAX_ALERT_BYTES} bytes`, 413);
  }
  return parseAlert(parseJsonText(body), options);
}

export function parseAlert(payload: unknown, options: AlertParseOptions = {}): ParsedAlert {
  if (!isObject(payload)) malformed("the body must be a JSON object");
  if (payload.schemaId !== "azureMonitorCommonAlertSchema") {
    throw new InputError(
      "schema-unsupported",
      `schemaId must be "azureMonitorCommonAlertSchema" (enable the common alert schema on the action group), got ${JSON.stringify(
        typeof payload.schemaId === "string" ? payload.schemaId.slice(0, 100) : payload.schemaId ?? null,
      )}`,
    );
  }
  const data = payload.data;
  if (!isObject(data)) malformed("data must be an object");
  const essentials = data.essentials;
  if (!isObject(essentials)) malformed("data.essentials must be an object");
  const condition = str(essentials.monitorCondition);
  if (condition !== "Fired" && condition !== "Resolved") {
    malformed('data.essentials.monitorCondition must be "Fired" or "Resolved"');
  }
  const targets = essentials.alertTargetIDs;
  if (targets !== undefined && !Array.isArray(targets)) malformed("data.essentials.alertTargetIDs must be an array");
  const context = isObject(data.alertContext) ? data.alertContext : {};

  const vms = new Map<string, VmRef>();
  const computers = new Set<string>();
  const addCandidate = (value: unknown) => {
    const text = str(value);
    if (text === undefined) return;
    const vm = tryVm(text);
    if (vm) vms.set(vm.id, vm);
  };

  for (const target of (targets as unknown[] | undefined) ?? []) addCandidate(target);
  for (const dims of dimensionSetsOf(context)) {
    const ids = dims.filter((d) => /^_?resourceid$/i.test(d.name));
    for (const dim of ids) addCandidate(dim.value);
    // A Computer beside a resource ID in the same split is that VM's guest name: only bare ones need resolving.
    if (ids.some((d) => tryVm(d.value))) continue;
    for (const dim of dims) {
      if (dim.name.toLowerCase() === "computer" && isComputerName(dim.value)) computers.add(dim.value.toLowerCase());
    }
  }
  for (const id of legacyResultIds(context)) addCandidate(id);
  for (const item of arrayOf(essentials.configurationItems)) addCandidate(item);

  const vmNames = new Set([...vms.values()].map((v) => v.name));
  const computerNames = [...computers].filter((c) => !vmNames.has(c));
  const named = vms.size + computerNames.length;
  if (named > MAX_VMS_PER_ALERT) {
    throw new InputError(
      "too-many-targets",
      `the alert names ${named} VMs (${vms.size} by resource ID, ${computerNames.length} by computer name); at most ${MAX_VMS_PER_ALERT} are handled per alert`,
    );
  }

  return {
    alertId: bounded(str(essentials.alertId) ?? "", MAX_ALERT_ID_CHARS),
    alertRule: bounded(str(essentials.alertRule) ?? "", MAX_ALERT_RULE_CHARS),
    signalType: bounded(str(essentials.signalType) ?? "", 100),
    monitoringService: bounded(str(essentials.monitoringService) ?? "", 100),
    monitorCondition: condition,
    firedAt: optionalBounded(str(essentials.firedDateTime), 64),
    vms: [...vms.values()],
    computerNames,
    ignore: ignoreReason(condition, essentials, context, options),
  };
}

/**
 * A string from the alert cut to `max` characters; a cut one ends with "…#" and 16 hex of its SHA-256, so two long
 * values that share a beginning stay different.
 */
export function bounded(value: string, max: number): string {
  if (value.length <= max) return value;
  const hash = createHash("sha256").update(value, "utf8").digest("hex").slice(0, 16);
  const keep = max - hash.length - 2;
  const last = value.charCodeAt(keep - 1);
  return `${value.slice(0, last >= 0xd800 && last <= 0xdbff ? keep - 1 : keep)}…#${hash}`;
}

function optionalBounded(value: string | undefined, max: number): string | undefined {
  return value === undefined ? undefined : bounded(value, max);
}

function tryVm(text: string): VmRef | undefined {
  try {
    return parseVmId(text);
  } catch {
    return undefined;
  }
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Windows computer names (NetBIOS, up to 15) or DNS host names (up to 63 per label). */
function isComputerName(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9-]{0,62}(\.[A-Za-z0-9-]{1,63}){0,10}$/.test(value) && value.length <= 253;
}

/** Each criterion's dimensions (one alert split), plus the legacy capitalised Dimensions. */
function dimensionSetsOf(context: Json): Array<Array<{ name: string; value: string }>> {
  const read = (list: unknown) =>
    arrayOf(list).flatMap((d) =>
      isObject(d) && typeof d.name === "string" && typeof d.value === "string" ? [{ name: d.name, value: d.value }] : [],
    );
  const condition = isObject(context.condition) ? context.condition : undefined;
  const sets = arrayOf(condition?.allOf).flatMap((criterion) => (isObject(criterion) ? [read(criterion.dimensions)] : []));
  sets.push(read(context.Dimensions)); // legacy (2018-04-16) log alerts
  return sets;
}

/** Legacy log alerts may embed search results: take _ResourceId / ResourceId columns. */
function legacyResultIds(context: Json): string[] {
  const results = context.SearchResults;
  if (!isObject(results)) return [];
  const ids: string[] = [];
  for (const table of arrayOf(results.tables)) {
    if (!isObject(table)) continue;
    const columns = arrayOf(table.columns).map((c) => (isObject(c) ? String(c.name ?? "").toLowerCase() : ""));
    const indexes = columns.flatMap((c, i) => (c === "_resourceid" || c === "resourceid" ? [i] : []));
    for (const row of arrayOf(table.rows)) {
      if (!Array.isArray(row)) continue;
      for (const i of indexes) if (typeof row[i] === "string") ids.push(row[i] as string);
    }
  }
  return ids;
}

function ignoreReason(
  condition: "Fired" | "Resolved",
  essentials: Json,
  context: Json,
  options: AlertParseOptions,
): ParsedAlert["ignore"] {
  if (condition === "Resolved") return { reason: "resolved", detail: "the alert is resolved; nothing to repair" };
  const signal = (str(essentials.signalType) ?? "").toLowerCase();
  if (signal !== "activity log") return undefined;
  const operation = (str(context.operationName) ?? "").toLowerCase();
  if (!OWN_OPERATIONS.has(operation)) return undefined;
  const claims = parseClaims(context.claims);
  const caller = [str(claims.appid), str(claims.azp), str(context.caller)].map((c) => c?.toLowerCase());
  const own = options.ownClientId?.toLowerCase();
  if (own === undefined || caller.includes(own)) {
    // Without our identity we cannot tell whose restart it was; a restart is never a licensing symptom, so skip.
    return { reason: "own-action", detail: `activity-log event for ${operation} is a remediation action, not a symptom` };
  }
  return undefined;
}

function parseClaims(value: unknown): Json {
  if (isObject(value)) return value;
  if (typeof value !== "string" || value.length > 16_384) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** A short, fixed-length key of an alert ID (16 hex of its SHA-256): how a run's status lists the alerts it holds. */
export function alertKey(alertId: string): string {
  return createHash("sha256").update(alertId, "utf8").digest("hex").slice(0, 16);
}
