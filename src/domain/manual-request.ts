import { InputError } from "../errors";
import { parseVmId, type VmRef } from "./resource-id";

export const MAX_MANUAL_BODY_BYTES = 16 * 1024;

export interface ManualRunRequest {
  vm: VmRef;
  dryRun: boolean;
}

const FIELDS = new Set(["vmId", "dryRun"]);

/** POST /api/remediations body: { "vmId": "...", "dryRun": false }. Unknown fields are refused, not ignored. */
export function parseManualRunRequest(body: string): ManualRunRequest {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new InputError("body-not-json", "the body is not valid JSON");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new InputError("body-invalid", 'the body must be a JSON object like {"vmId": "...", "dryRun": false}');
  }
  const record = payload as Record<string, unknown>;
  const unknown = Object.keys(record).filter((k) => !FIELDS.has(k));
  if (unknown.length > 0) {
    throw new InputError("unknown-field", `unknown field(s): ${unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(", ")}; allowed: vmId, dryRun`);
  }
  if (record.vmId === undefined) throw new InputError("vm-id-missing", "vmId is required");
  if (record.dryRun !== undefined && typeof record.dryRun !== "boolean") {
    throw new InputError("dry-run-invalid", "dryRun must be true or false");
  }
  return { vm: parseVmId(record.vmId), dryRun: record.dryRun === true };
}

/** Optional body of approve/reject: { "by": "alice@contoso.com", "comment": "..." }. */
export function parseDecisionBody(body: string): { by: string; comment?: string } {
  if (body.trim() === "") return { by: "unknown" };
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new InputError("body-not-json", "the body is not valid JSON");
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new InputError("body-invalid", 'the body must be a JSON object like {"by": "alice@contoso.com"}');
  }
  const { by, comment, ...rest } = payload as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new InputError("unknown-field", "allowed fields: by, comment");
  if (by !== undefined && (typeof by !== "string" || by.length > 200 || /[\u0000-\u001f]/.test(by))) {
    throw new InputError("by-invalid", "by must be a string of at most 200 printable characters");
  }
  if (comment !== undefined && (typeof comment !== "string" || comment.length > 1000)) {
    throw new InputError("comment-invalid", "comment must be a string of at most 1000 characters");
  }
  return comment === undefined ? { by: (by as string | undefined) ?? "unknown" } : { by: (by as string | undefined) ?? "unknown", comment: comment as string };
}

export interface RunListQuery {
  vm?: VmRef;
  since?: Date;
  until?: Date;
  limit: number;
}

/** GET /api/remediations?vm=<VM resource ID>&since=<ISO time>&until=<ISO time>&limit=<1-1000>. */
export function parseRunListQuery(query: { get(name: string): string | null }): RunListQuery {
  const time = (name: string): Date | undefined => {
    const value = query.get(name);
    if (value === null || value === "") return undefined;
    const parsed = new Date(value);
    // Runs are stamped in this era: a time before 2000 (or after 9999) is a mistake, not a query.
    if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(parsed.getTime()) || parsed.getUTCFullYear() < 2000) {
      throw new InputError(`${name}-invalid`, `${name} must be an ISO 8601 time such as 2026-11-25T00:00:00Z`);
    }
    return parsed;
  };
  const vm = query.get("vm");
  const limitText = query.get("limit");
  const limit = limitText === null || limitText === "" ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InputError("limit-invalid", "limit must be a whole number from 1 to 1000");
  const since = time("since");
  const until = time("until");
  if (since && until && since >= until) throw new InputError("range-invalid", "since must be before until");
  return {
    ...(vm === null || vm === "" ? {} : { vm: parseVmId(vm) }),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    limit,
  };
}
