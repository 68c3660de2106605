/**
 * Reads the OrchestratorState that durable-functions returns (its JSON wire form) into typed actions.
 * This is the boundary to the library's untyped output; everything past it is typed.
 */

/** durable-functions `ActionType` numbers (lib/src/actions/ActionType.js). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** DurableTask RetryOptions as the extension builds them from the JS `RetryOptions` object. */
export interface RetryPolicy {
  firstRetryIntervalMs: number;
  maxNumberOfAttempts: number;
  backoffCoefficient: number;
  maxRetryIntervalMs: number;
  retryTimeoutMs: number;
}

export type OrchestratorAction =
  | { kind: "callActivity"; name: string; input: unknown; retry?: RetryPolicy }
  | { kind: "callSubOrchestrator"; name: string; instanceId?: string; version?: string; input: unknown; retry?: RetryPolicy }
  | { kind: "continueAsNew"; input: unknown }
  | { kind: "createTimer"; fireAt: Date; isCanceled: boolean }
  | { kind: "waitForExternalEvent"; eventName: string }
  | { kind: "callEntity"; entityInstanceId: string; operation: string; input: unknown }
  | { kind: "signalEntity"; entityInstanceId: string; operation: string; input: unknown }
  | { kind: "whenAny"; children: OrchestratorAction[] }
  | { kind: "whenAll"; children: OrchestratorAction[] }
  | { kind: "unsupported"; actionType: number; label: string };

export interface OrchestratorState {
  isDone: boolean;
  /** The outer action array: exactly one list for replay schema V2+. */
  actionLists: OrchestratorAction[][];
  output: unknown;
  error?: string;
  customStatus: unknown;
  schemaVersion: number;
}

const SIX_DAYS_MS = 6 * 24 * 3600 * 1000;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown, what: string): string {
  if (typeof value !== "string") throw new Error(`Orchestrator action field ${what} is not a string.`);
  return value;
}

function num(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function readRetry(value: unknown): RetryPolicy {
  if (!isObject(value)) throw new Error("Orchestrator action has no retryOptions.");
  return {
    firstRetryIntervalMs: num(value.firstRetryIntervalInMilliseconds, 0),
    maxNumberOfAttempts: num(value.maxNumberOfAttempts, 1),
    backoffCoefficient: num(value.backoffCoefficient, 1),
    maxRetryIntervalMs: num(value.maxRetryIntervalInMilliseconds, SIX_DAYS_MS),
    retryTimeoutMs: num(value.retryTimeoutInMilliseconds, Number.POSITIVE_INFINITY),
  };
}

export function readAction(raw: unknown): OrchestratorAction {
  if (!isObject(raw)) throw new Error("An orchestrator action is not an object.");
  const type = raw.actionType;
  switch (type) {
    case ActionType.CallActivity:
      return { kind: "callActivity", name: str(raw.functionName, "functionName"), input: raw.input };
    case ActionType.CallActivityWithRetry:
      return {
        kind: "callActivity",
        name: str(raw.functionName, "functionName"),
        input: raw.input,
        retry: readRetry(raw.retryOptions),
      };
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return {
        kind: "callSubOrchestrator",
        name: str(raw.functionName, "functionName"),
        ...(typeof raw.instanceId === "string" && raw.instanceId !== "" ? { instanceId: raw.instanceId } : {}),
        ...(typeof raw.version === "string" && raw.version !== "" ? { version: raw.version } : {}),
        input: raw.input,
        ...(type === ActionType.CallSubOrchestratorWithRetry ? { retry: readRetry(raw.retryOptions) } : {}),
      };
    case ActionType.ContinueAsNew:
      return { kind: "continueAsNew", input: raw.input };
    case ActionType.CreateTimer: {
      const fireAt = new Date(str(raw.fireAt, "fireAt"));
      if (Number.isNaN(fireAt.getTime())) throw new Error(`Timer fireAt is not a date: ${String(raw.fireAt)}`);
      return { kind: "createTimer", fireAt, isCanceled: raw.isCanceled === true };
    }
    case ActionType.WaitForExternalEvent:
      return { kind: "waitForExternalEvent", eventName: str(raw.externalEventName, "externalEventName") };
    case ActionType.CallEntity:
    case ActionType.SignalEntity:
      return {
        kind: type === ActionType.CallEntity ? "callEntity" : "signalEntity",
        entityInstanceId: str(raw.instanceId, "instanceId"),
        operation: str(raw.operation, "operation"),
        input: raw.input,
      };
    case ActionType.WhenAny:
    case ActionType.WhenAll: {
      const children = Array.isArray(raw.compoundActions) ? raw.compoundActions.map(readAction) : [];
      return { kind: type === ActionType.WhenAny ? "whenAny" : "whenAll", children };
    }
    default: {
      const label = Object.entries(ActionType).find(([, v]) => v === type)?.[0] ?? `ActionType ${String(type)}`;
      return { kind: "unsupported", actionType: typeof type === "number" ? type : -1, label };
    }
  }
}

export function readOrchestratorState(raw: unknown): OrchestratorState {
  if (!isObject(raw)) throw new Error("The orchestrator returned no state object.");
  const outer = Array.isArray(raw.actions) ? raw.actions : [];
  const actionLists = outer.map((list) => (Array.isArray(list) ? list.map(readAction) : []));
  return {
    isDone: raw.isDone === true,
    actionLists,
    output: raw.output,
    ...(typeof raw.error === "string" ? { error: raw.error } : {}),
    customStatus: raw.customStatus,
    schemaVersion: num(raw.schemaVersion, 0),
  };
}

const OUT_OF_PROC_MARKER = "\n\n$OutOfProcData$:";

/** A failed orchestrator invocation carries its state after the `$OutOfProcData$:` marker in the error message. */
export function readFailedOrchestratorState(message: string): OrchestratorState | undefined {
  const at = message.indexOf(OUT_OF_PROC_MARKER);
  if (at < 0) return undefined;
  try {
    return readOrchestratorState(JSON.parse(message.slice(at + OUT_OF_PROC_MARKER.length)) as unknown);
  } catch {
    return undefined;
  }
}

/** The extension unwraps string inputs (durable-functions JSON-stringifies them) before the callee sees them. */
export function unwrapInput(input: unknown): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}
