/** What the simulator records about every request, in arrival order, for tests to assert on. */

export type RequestCategory = "read" | "write" | "action" | "poll" | "logs" | "token";

export type LroStatus = "InProgress" | "Succeeded" | "Failed";

export interface RequestLogEntry {
  /** Arrival order, from 1. */
  seq: number;
  /** Simulator clock at arrival, ISO 8601. */
  time: string;
  method: string;
  /** Lower-cased canonical path, no query string, single slashes. */
  path: string;
  /** HTTP status answered; 0 when the connection was reset by a fault. */
  status: number;
  category: RequestCategory;
  /** e.g. "vm.get", "vm.runCommand", "vm.restart", "snapshot.put", "operation.poll", "logs.query", "msi.token". */
  operation: string;
  /** Canonical (lower-cased) VM resource ID the request concerns, for VM operations and their polls. */
  vmId?: string;
  /** Canonical ID of the snapshot or disk the request concerns. */
  resourceId?: string;
  /** Script name from the `# rdp-medic-script:` line (runCommand requests and their polls). */
  script?: string;
  /** True for writes and actions that change Azure or guest state (runCommand: unless the script is read-only). */
  stateChanging: boolean;
  /** The async operation this request started or polled. */
  operationId?: string;
  /** For operation polls and results: the operation that is polled, e.g. "snapshot.put". */
  pollOf?: string;
  /**
   * The status of the operation this answer reported: polls and results, a resource read while its PUT runs (the
   * client polls the body), and an initial answer that finished the operation at once (200).
   */
  lroStatus?: LroStatus;
  /** The response variants this answer used, e.g. ["vm.restart=200"] (docs/simulator.md "Response variants"). */
  variants?: string[];
  /** The fault rule applied, if any, e.g. "status 429" or "lroFailed". */
  fault?: string;
  /** True when the throttling buckets refused the request. */
  throttled?: boolean;
}

/**
 * The operation whose end this entry reported as `status` (e.g. "snapshot.put" Succeeded): a poll or result of it,
 * a read of its resource, or the request itself when it finished at once. Undefined when the entry reported no end.
 */
export function operationEndOf(entry: RequestLogEntry): { operation: string; status: Exclude<LroStatus, "InProgress"> } | undefined {
  if (entry.lroStatus === undefined || entry.lroStatus === "InProgress") return undefined;
  const operation = entry.pollOf ?? entry.operation;
  return { operation, status: entry.lroStatus };
}

export class RequestLog {
  private readonly list: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    // Entries arrive nearly in order (a slow response may finish after a later request): insert from the end.
    let i = this.list.length;
    while (i > 0 && (this.list[i - 1] as RequestLogEntry).seq > entry.seq) i--;
    this.list.splice(i, 0, entry);
  }

  /** A copy of all entries, ordered by arrival. */
  entries(): RequestLogEntry[] {
    return this.list.map((e) => ({ ...e }));
  }

  /** Entries whose operation equals `operation`. */
  byOperation(operation: string): RequestLogEntry[] {
    return this.entries().filter((e) => e.operation === operation);
  }

  clear(): void {
    this.list.length = 0;
  }
}
