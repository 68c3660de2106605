/**
 * Partition and row keys of the run ledger table.
 *
 * One table holds four kinds of entities, told apart by the partition key's prefix:
 *
 * | kind        | PartitionKey                       | RowKey                      | holds                    |
 * |-------------|------------------------------------|-----------------------------|--------------------------|
 * | run         | `vm-` + hash(vmId)                 | inverted start + `_` + runId | the whole record         |
 * | by time     | `t-` + inverted UTC month of start | inverted start + `_` + hash  | pointer to the run       |
 * | by server   | `ls-` + hash(license server)       | inverted start + `_` + hash  | pointer to the run       |
 * | by run ID   | `run-` + hash(runId)               | inverted start + `_` + hash  | pointer to the run       |
 *
 * Why: the hot queries (cooldown, recurrence breaker) ask for one VM's recent runs: one partition, one key-range
 * scan, newest first because the row key starts with the inverted start time. Listing the fleet's runs walks the
 * time partitions (month buckets keep partitions bounded; inverting the month makes a single range query come
 * back newest first). The circuit breaker asks for one license server's runs: its own partition. Hashing VM IDs
 * and server names keeps keys within the characters row and partition keys allow (no '/', '\', '#', '?') and
 * means an outside value can never become part of a key range: a hostile name only hashes to an empty partition.
 */
import { createHash } from "node:crypto";
import { InputError } from "../errors";

/** Latest instant a key can hold (Nov 2286); inverted times are 13 digits so that they sort as strings. */
const MAX_MS = 9_999_999_999_999;
const INVERTED_WIDTH = 13;
/** Sorts after every row key we write (they start with a digit). */
const AFTER_ALL = "~";

export const PREFIX = { run: "vm-", time: "t-", server: "ls-", runId: "run-" } as const;

export function hashKey(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex").slice(0, 32);
}

/** VM IDs compare case-insensitively, without surrounding blanks or trailing slashes. */
export function normaliseVmId(vmId: string): string {
  return vmId.trim().replace(/\/+$/, "").toLowerCase();
}

/** Host names compare case-insensitively; a trailing dot (FQDN root) changes nothing. */
export function normaliseServer(server: string): string {
  return server.trim().replace(/\.$/, "").toLowerCase();
}

export function vmPartition(vmId: string): string {
  return PREFIX.run + hashKey(normaliseVmId(vmId));
}

export function serverPartition(server: string): string {
  return PREFIX.server + hashKey(normaliseServer(server));
}

export function runIdPartition(runId: string): string {
  return PREFIX.runId + hashKey(runId);
}

export function timePartition(ms: number): string {
  const date = new Date(ms);
  const month = date.getUTCFullYear() * 100 + date.getUTCMonth() + 1;
  return PREFIX.time + String(999_999 - month).padStart(6, "0");
}

export function invertedTime(ms: number): string {
  return String(MAX_MS - ms).padStart(INVERTED_WIDTH, "0");
}

export function runRowKey(startedMs: number, runId: string): string {
  return `${invertedTime(startedMs)}_${runId}`;
}

/** Index rows sort like the run's own row and are unique per (VM, start, run ID). */
export function indexRowKey(runPartitionKey: string, runRowKeyValue: string): string {
  return `${runRowKeyValue.slice(0, INVERTED_WIDTH)}_${hashKey(`${runPartitionKey}|${runRowKeyValue}`)}`;
}

/**
 * Row-key bounds for "started at or after since, before until" (newest rows sort first):
 * RowKey ge `from` and RowKey lt `to`.
 */
export function rowKeyRange(sinceMs?: number, untilMs?: number): { from: string; to: string } {
  // started >= since  <=>  inverted <= inverted(since)  <=>  RowKey < digits(inverted(since) + 1)
  const to = sinceMs === undefined ? AFTER_ALL : digitsAfter(MAX_MS - sinceMs);
  // started < until   <=>  inverted > inverted(until)   <=>  RowKey >= digits(inverted(until) + 1)
  const from = untilMs === undefined ? "" : digitsAfter(MAX_MS - untilMs);
  return { from, to };
}

/** Partition bounds of the time index for the same window: PartitionKey ge `from` and le `to`. */
export function timePartitionRange(sinceMs?: number, untilMs?: number): { from: string; to: string } {
  return {
    from: untilMs === undefined ? PREFIX.time : timePartition(untilMs),
    to: sinceMs === undefined ? `${PREFIX.time}${AFTER_ALL}` : timePartition(sinceMs),
  };
}

function digitsAfter(inverted: number): string {
  return inverted + 1 > MAX_MS ? AFTER_ALL : String(inverted + 1).padStart(INVERTED_WIDTH, "0");
}

/** Parses an instant (Date or ISO 8601 string) a key can hold; InputError otherwise. */
export function toEpochMs(value: Date | string, name: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_MS) {
    throw new InputError("time-invalid", `${name} must be an ISO 8601 instant after 1970`);
  }
  return ms;
}

/** Row keys refuse '/', '\', '#', '?' and control characters; run IDs become part of one. */
const RUN_ID = /^[^/\\#?\u0000-\u001f\u007f-\u009f]{1,200}$/;

export function isStorableRunId(runId: string): boolean {
  return RUN_ID.test(runId);
}
