/** The task hub's instance table and history table, in memory. */
import { DurableManagementError } from "./errors";
import type { HistoryEvent, OrchestrationMessage } from "./history";

export type RuntimeStatus =
  | "Pending"
  | "Running"
  | "Completed"
  | "ContinuedAsNew"
  | "Failed"
  | "Canceled"
  | "Terminated"
  | "Suspended";

export const TERMINAL_STATUSES: readonly RuntimeStatus[] = ["Completed", "Failed", "Canceled", "Terminated"];
/** The extension's default `overridableExistingInstanceStates`: only these may be started again. */
export const NON_RUNNING_STATUSES: readonly RuntimeStatus[] = TERMINAL_STATUSES;

export function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface ParentLink {
  name: string;
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
}

/** A queued message, addressed to one execution (completions) or to whichever execution is current (events). */
export interface InboxMessage {
  event: OrchestrationMessage;
  executionId?: string;
}

export interface InstanceStats {
  /** Times the JS orchestrator function was invoked (replays), over all executions. */
  replays: number;
  episodes: number;
  executions: number;
  largestHistory: number;
  /** Work items a worker of another version abandoned (versionFailureStrategy Reject). */
  rejectedWorkItems: number;
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  /** The orchestration version it was started with ("" for none); kept across continue-as-new. */
  version: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: Date;
  lastUpdatedTime: Date;
  history: HistoryEvent[];
  inbox: InboxMessage[];
  parent?: ParentLink;
  stats: InstanceStats;
}

export interface InstanceFilter {
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  runtimeStatus?: readonly RuntimeStatus[];
  instanceIdPrefix?: string;
}

export interface InstancePage {
  instances: InstanceRecord[];
  continuationToken?: string;
}

export class InstanceStore {
  readonly #instances = new Map<string, InstanceRecord>();

  get(instanceId: string): InstanceRecord | undefined {
    return this.#instances.get(instanceId);
  }

  put(record: InstanceRecord): void {
    this.#instances.set(record.instanceId, record);
  }

  delete(instanceId: string): boolean {
    return this.#instances.delete(instanceId);
  }

  all(): InstanceRecord[] {
    return [...this.#instances.values()];
  }

  list(filter: InstanceFilter = {}): InstanceRecord[] {
    return this.all()
      .filter((r) => matches(r, filter))
      .sort((a, b) => a.createdTime.getTime() - b.createdTime.getTime() || a.instanceId.localeCompare(b.instanceId));
  }

  /** One page of `list`, with an opaque continuation token for the next page (as the extension pages queries). */
  page(filter: InstanceFilter, pageSize: number, continuationToken?: string): InstancePage {
    const all = this.list(filter);
    const start = continuationToken ? decodeToken(continuationToken) : 0;
    const instances = all.slice(start, start + pageSize);
    const next = start + pageSize;
    return next < all.length ? { instances, continuationToken: encodeToken(next) } : { instances };
  }
}

function matches(r: InstanceRecord, f: InstanceFilter): boolean {
  if (f.createdTimeFrom && r.createdTime < f.createdTimeFrom) return false;
  if (f.createdTimeTo && r.createdTime > f.createdTimeTo) return false;
  if (f.runtimeStatus && f.runtimeStatus.length > 0 && !f.runtimeStatus.includes(r.runtimeStatus)) return false;
  if (f.instanceIdPrefix && !r.instanceId.startsWith(f.instanceIdPrefix)) return false;
  return true;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), "utf8").toString("base64");
}

function decodeToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { offset?: unknown };
    return typeof parsed.offset === "number" && parsed.offset >= 0 ? parsed.offset : 0;
  } catch {
    return 0;
  }
}

/** The extension's ParseToJToken: JSON text becomes its value, anything else stays a string. */
export function parseStoredJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined || text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const INVALID_ID = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

/** The extension's instance ID rules: 1-100 characters, not starting with '@', no / \ # ? or control characters. */
export function validateInstanceId(id: string): void {
  const problem =
    id.length === 0 || id.length > 100
      ? "must be between 1 and 100 characters"
      : id.startsWith("@")
        ? "must not start with '@'"
        : INVALID_ID.test(id)
          ? "must not contain /, \\, #, ? or control characters"
          : undefined;
  if (problem) throw new DurableManagementError("bad-request", `Instance ID '${id}' is invalid: it ${problem}.`, 400);
}
