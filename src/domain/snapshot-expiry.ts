import type { Scope } from "./scope";
import { CREATED_BY_VALUE, SNAPSHOT_TAGS } from "./snapshot-plan";

/** Every snapshot name we create starts with this (see snapshotRequest). */
export const SNAPSHOT_NAME_PREFIX = "rdpmedic-";

/** Why a snapshot is left alone. The first four come from the snapshot itself; the rest from the run. */
export type KeepReason =
  | "unrecognised-id"
  | "out-of-scope"
  | "not-created-by-us"
  | "ambiguous-tags"
  | "name-not-ours"
  | "no-expiry"
  | "bad-expiry"
  | "not-expired"
  /** ARM refused the delete with 409 (e.g. a disk is being created from it): tried again next run. */
  | "in-use"
  /** More expired snapshots than one run deletes: the rest wait for the next run. */
  | "deferred"
  /** Gone between listing and deleting (404). */
  | "already-gone";

export type ExpiryDecision =
  | { action: "delete"; expiresAt: Date }
  | { action: "keep"; reason: KeepReason; detail?: string };

export interface SnapshotFacts {
  id: string;
  name: string;
  tags: Readonly<Record<string, string>> | undefined;
}

export interface SnapshotRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const SNAPSHOT_ID = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/snapshots\/([^/]+)$/i;

/** Subscription and group lower-cased (ARM compares them case-insensitively); the name as ARM returned it. */
export function parseSnapshotId(id: string): SnapshotRef | undefined {
  const match = SNAPSHOT_ID.exec(id.trim());
  if (!match) return undefined;
  return { subscriptionId: match[1]!.toLowerCase(), resourceGroup: match[2]!.toLowerCase(), name: match[3]! };
}

/**
 * Ours and expired: delete. Anything else: keep, with the first reason found.
 * Ours means all of: inside an allowed scope, tag `rdp-medic-created-by` = `rdp-medic`, a name starting with
 * `rdpmedic-`, and a well-formed `rdp-medic-expires` tag. Tag names compare case-insensitively, as Azure does;
 * tag values exactly.
 */
export function decideSnapshotExpiry(snapshot: SnapshotFacts, now: Date, scopes: readonly Scope[]): ExpiryDecision {
  const ref = parseSnapshotId(snapshot.id);
  if (!ref) return keep("unrecognised-id");
  if (!scopes.some((s) => s.subscriptionId === ref.subscriptionId && (s.resourceGroup === undefined || s.resourceGroup === ref.resourceGroup))) {
    return keep("out-of-scope");
  }
  const tags = snapshot.tags ?? {};
  const createdBy = tagValue(tags, SNAPSHOT_TAGS.createdBy);
  const expires = tagValue(tags, SNAPSHOT_TAGS.expires);
  if (createdBy === AMBIGUOUS || expires === AMBIGUOUS) return keep("ambiguous-tags");
  if (createdBy !== CREATED_BY_VALUE) return keep("not-created-by-us");
  // The name in the ID is the one ARM addresses; a body name that disagrees is not trusted.
  if (!ref.name.toLowerCase().startsWith(SNAPSHOT_NAME_PREFIX) || snapshot.name.toLowerCase() !== ref.name.toLowerCase()) {
    return keep("name-not-ours");
  }
  if (expires === undefined) return keep("no-expiry");
  const expiresAt = parseExpiry(expires);
  if (!expiresAt) return keep("bad-expiry", expires.slice(0, 40));
  if (expiresAt.getTime() > now.getTime()) return keep("not-expired", expiresAt.toISOString());
  return { action: "delete", expiresAt };
}

const AMBIGUOUS = Symbol("ambiguous");

/** The value of a tag whose name matches case-insensitively; AMBIGUOUS when two spellings disagree. */
function tagValue(tags: Readonly<Record<string, string>>, name: string): string | typeof AMBIGUOUS | undefined {
  const values = new Set<string>();
  for (const [key, value] of Object.entries(tags)) if (key.toLowerCase() === name) values.add(value);
  if (values.size > 1) return AMBIGUOUS;
  return values.values().next().value;
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 instant with an explicit zone, as snapshotRequest writes it (`2024-05-01T12:00:00.000Z`).
 * Calendar-checked: Date.parse would turn Feb 30 into Mar 1.
 */
export function parseExpiry(value: string): Date | undefined {
  const m = ISO_INSTANT.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? "0").padEnd(3, "0").slice(0, 3));
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[8]!;
  let offsetMinutes = 0;
  if (zone !== "Z") {
    const [h, min] = zone.slice(1).split(":").map(Number) as [number, number];
    if (h > 14 || min > 59) return undefined;
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (h * 60 + min);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000);
}

function keep(reason: KeepReason, detail?: string): ExpiryDecision {
  return detail === undefined ? { action: "keep", reason } : { action: "keep", reason, detail };
}
