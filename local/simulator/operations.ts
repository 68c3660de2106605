import { newGuid } from "./ids";
import type { LroStatus } from "./request-log";

/**
 * Azure async operations (LROs). An operation reports its terminal status only when its work is done and it has
 * been observed (polled, or its resource read) more than `pollsUntilDone` times; an operation nobody polls stays
 * InProgress, like a status nobody looks at.
 */

export type OperationOutcome =
  | { ok: true; /** Body of the final Location (monitor) answer. */ result?: unknown; /** `properties` of the status body. */ properties?: unknown }
  | { ok: false; error: { code: string; message: string } };

export interface SimOperation {
  id: string;
  /** "compute": .../operations/{id}; "disk": .../DiskOperations/{id}. */
  kind: "compute" | "disk";
  /** The request-log operation that started it, e.g. "vm.restart". */
  operation: string;
  subscriptionId: string;
  location: string;
  vmKey?: string;
  resourceKey?: string;
  script?: string;
  startTime: string;
  endTime?: string;
  status: LroStatus;
  observed: number;
  neverFinishes: boolean;
  /** The outcome once the work is done (a Run Command's script may still be running). */
  outcome?: OperationOutcome;
  /** Runs once, when the operation reaches its terminal status. */
  onComplete?: (op: SimOperation) => void;
  /** Body of the final Location answer when the outcome carries none (disk operations: the resource). */
  resultBody?: () => unknown;
  /** The guest work behind it (a Run Command's script), while it runs. */
  work?: Promise<void>;
  /** What the Location URL answers at the end when it could answer the resource ("finalBody" variant). */
  finalBody?: "resource" | "empty";
  /** The operation cannot end before this time (simulator clock, ms): work that takes real time on the platform. */
  notBeforeMs?: number;
}

/** What a handler says about an operation it starts; the registry adds its ID, times and status. */
export type NewOperation = Pick<
  SimOperation,
  "kind" | "operation" | "subscriptionId" | "location" | "vmKey" | "resourceKey" | "script" | "outcome" | "onComplete" | "resultBody" | "finalBody" | "notBeforeMs"
> & { neverFinishes?: boolean };

export class OperationRegistry {
  private readonly ops = new Map<string, SimOperation>();

  constructor(
    private readonly clock: () => Date,
    private readonly pollsUntilDone: number,
  ) {}

  create(init: NewOperation): SimOperation {
    // Options left undefined are left out, so the operation has only the keys that say something.
    const given = Object.fromEntries(Object.entries(init).filter(([, value]) => value !== undefined)) as NewOperation;
    const op: SimOperation = {
      ...given,
      id: newGuid(),
      startTime: this.clock().toISOString(),
      status: "InProgress",
      observed: 0,
      neverFinishes: init.neverFinishes ?? false,
    };
    this.ops.set(op.id.toLowerCase(), op);
    return op;
  }

  get(id: string): SimOperation | undefined {
    return this.ops.get(id.toLowerCase());
  }

  /** Records the end of the operation's work; the status turns terminal at a later observation. */
  finishWork(op: SimOperation, outcome: OperationOutcome): void {
    if (op.outcome === undefined) op.outcome = outcome;
  }

  /** One poll of the operation (or read of its resource): may turn it terminal. */
  observe(op: SimOperation): LroStatus {
    if (op.status !== "InProgress") return op.status;
    op.observed += 1;
    if (this.canEnd(op) && op.observed > this.pollsUntilDone) this.complete(op);
    return op.status;
  }

  /** Ends a successful operation now (an answer that reports it done at once); false when it cannot end yet. */
  completeNow(op: SimOperation): boolean {
    if (op.status !== "InProgress") return op.status === "Succeeded";
    if (!this.canEnd(op) || !op.outcome?.ok) return false;
    this.complete(op);
    return true;
  }

  private canEnd(op: SimOperation): boolean {
    return !op.neverFinishes && op.outcome !== undefined && (op.notBeforeMs === undefined || this.clock().getTime() >= op.notBeforeMs);
  }

  /** Operations in progress on a resource (canonical key). */
  inProgressFor(resourceKey: string): SimOperation[] {
    return [...this.ops.values()].filter((op) => op.status === "InProgress" && op.resourceKey === resourceKey);
  }

  private complete(op: SimOperation): void {
    const outcome = op.outcome as OperationOutcome;
    op.status = outcome.ok ? "Succeeded" : "Failed";
    op.endTime = this.clock().toISOString();
    op.onComplete?.(op);
  }
}

/** `Azure-AsyncOperation` and `Location` URLs on the host the client used. */
export function operationUrls(op: SimOperation, host: string, apiVersion: string): { asyncOperation: string; location: string } {
  const segment = op.kind === "disk" ? "DiskOperations" : "operations";
  const base = `https://${host}/subscriptions/${op.subscriptionId}/providers/Microsoft.Compute/locations/${op.location}/${segment}/${op.id}`;
  const p = newGuid();
  const version = encodeURIComponent(apiVersion);
  return {
    asyncOperation: `${base}?p=${p}&api-version=${version}`,
    location: `${base}?p=${p}&monitor=true&api-version=${version}`,
  };
}
