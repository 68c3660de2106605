import { InputError } from "../errors";
import { parseJsonObject } from "./json-body";
import { parseVmId, type VmRef } from "./resource-id";

export const MAX_MANUAL_BODY_BYTES = 16 * 1024;

export interface ManualRunRequest {
  vm: VmRef;
  dryRun: boolean;
}

/** POST /api/remediations body: { "vmId": "...", "dryRun": false }. Unknown fields are refused, not ignored. */
export function parseManualRunRequest(body: string): ManualRunRequest {
  const record = parseJsonObject(body, ["vmId", "dryRun"], '{"vmId": "...", "dryRun": false}');
  if (record.vmId === undefined) throw new InputError("vm-id-missing", "vmId is required");
  if (record.dryRun !== undefined && typeof record.dryRun !== "boolean") {
    throw new InputError("dry-run-invalid", "dryRun must be true or false");
  }
  return { vm: parseVmId(record.vmId), dryRun: record.dryRun === true };
}

/** A comment's most characters; bodies of approve/reject/cancel are small. */
export const MAX_COMMENT_CHARS = 1000;

/** Controls (other than line feed and tab), bidi and zero-width characters: a comment must read as it is. */
const COMMENT_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

/**
 * Optional body of approve/reject/cancel: { "comment": "..." }. Who decides comes from the caller's token: a "by"
 * field is refused (unknown-field), never believed.
 */
export function parseDecisionBody(body: string): { comment?: string } {
  if (body.trim() === "") return {};
  const { comment } = parseJsonObject(body, ["comment"], '{"comment": "checked with the license team"}');
  if (comment === undefined) return {};
  if (typeof comment !== "string" || comment.length > MAX_COMMENT_CHARS || COMMENT_UNSAFE.test(comment)) {
    throw new InputError("comment-invalid", `comment must be a string of at most ${MAX_COMMENT_CHARS} characters, without control or bidi characters`);
  }
  return comment.trim() === "" ? {} : { comment };
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
