/**
 * One orchestration episode (a DurableTask.Core work item): OrchestratorStarted + the delivered messages, one call of
 * the real JS orchestrator with the whole history, the extension-side replay of its actions, and the new events.
 */
import { readFailedOrchestratorState, readOrchestratorState, unwrapInput, type OrchestratorState } from "./actions";
import { NonDeterministicOrchestrationError, OrchestrationProtocolError } from "./errors";
import { EventType, events, type EventRaisedEvent, type HistoryEvent, type OrchestrationMessage } from "./history";
import { decodeTypedData, type FunctionInvoker } from "./invoker";
import { replayActions, type Decision, type EntityMessageFactory, type ShimResult } from "./replay-shim";
import {
  DEFAULT_HTTP_ASYNC_SLEEP_MS,
  LONG_RUNNING_TIMER_INTERVAL_TEXT,
  MAXIMUM_SHORT_TIMER_TEXT,
} from "./timer-settings";

export interface EpisodeSubject {
  instanceId: string;
  name: string;
  executionId: string;
  parentInstanceId: string | null;
  pastHistory: readonly HistoryEvent[];
  /** The worker's defaultVersion (sub-orchestrations started without a version get it). */
  defaultVersion?: string;
}

export type EpisodeResult =
  | { kind: "running" }
  | { kind: "completed"; output: unknown }
  | { kind: "failed"; reason: string; details: string }
  | { kind: "continuedAsNew"; input: unknown; carryOver: EventRaisedEvent[] }
  | { kind: "terminated"; reason: string };

export interface EpisodeOutcome {
  /** Every event of the episode, in order, to append to the history. */
  events: HistoryEvent[];
  decisions: Decision[];
  customStatus: unknown;
  result: EpisodeResult;
  /** Whether the JS orchestrator ran (a terminate episode does not run it). */
  replayed: boolean;
}

const REPLAY_SCHEMA_V3 = 2;

export async function runEpisode(
  invoker: FunctionInvoker,
  subject: EpisodeSubject,
  messages: readonly OrchestrationMessage[],
  now: Date,
  entityMessages?: EntityMessageFactory,
): Promise<EpisodeOutcome> {
  const started = events.orchestratorStarted(now);
  const delivered: HistoryEvent[] = [started, ...messages.map((m) => ({ ...m, IsPlayed: false }))];
  const terminate = messages.find((m) => m.EventType === EventType.ExecutionTerminated);
  if (terminate) {
    const reason = terminate.Input;
    const completed = events.executionCompleted(now, -1, { OrchestrationStatus: "Terminated", Result: reason });
    return {
      events: [...delivered, completed, events.orchestratorCompleted(now)],
      decisions: [],
      customStatus: undefined,
      result: { kind: "terminated", reason },
      replayed: false,
    };
  }

  const history = [...subject.pastHistory, ...delivered];
  const invocation = await invokeOrchestrator(invoker, subject, history);
  const finish = (decisions: Decision[], result: EpisodeResult, sequenceId: number): EpisodeOutcome => ({
    events: [...delivered, ...decisions.map((d) => decisionEvent(d, now)), ...completionEvents(result, now, sequenceId)],
    decisions,
    customStatus: invocation.state?.customStatus ?? null,
    result,
    replayed: true,
  });

  const state = invocation.state;
  if (!state) return finish([], failed(subject.name, invocation.errorMessage ?? "no state returned", ""), 0);
  if (state.actionLists.length !== 1) {
    const reason = `With OOProc schema V${state.schemaVersion + 1}, expected actions array to be of length 1 in outer layer but got size: ${state.actionLists.length}`;
    return finish([], { kind: "failed", reason, details: "" }, 0);
  }

  let shim: ShimResult;
  try {
    shim = replayActions({
      instanceId: subject.instanceId,
      executionId: subject.executionId,
      actions: state.actionLists[0] ?? [],
      history,
      ...(entityMessages ? { entityMessages } : {}),
      ...(subject.defaultVersion !== undefined ? { defaultVersion: subject.defaultVersion } : {}),
    });
  } catch (error) {
    if (error instanceof NonDeterministicOrchestrationError || error instanceof OrchestrationProtocolError) {
      return finish([], { kind: "failed", reason: error.message, details: error.stack ?? "" }, 0);
    }
    throw error;
  }
  return finish(shim.decisions, decide(subject.name, state, shim, invocation.errorStack), shim.nextSequenceId);
}

function decide(name: string, state: OrchestratorState, shim: ShimResult, stack: string | undefined): EpisodeResult {
  if (!shim.finished) return { kind: "running" };
  if (state.error !== undefined) return failed(name, state.error, stack ?? "");
  if (!state.isDone) return { kind: "running" };
  if (shim.continueAsNew) {
    return { kind: "continuedAsNew", input: unwrapInput(shim.continueAsNew.input), carryOver: shim.carryOverEvents };
  }
  return { kind: "completed", output: state.output };
}

function failed(name: string, error: string, stack: string): EpisodeResult {
  return {
    kind: "failed",
    reason: `Orchestrator function '${name}' failed: ${error}`,
    details: `Message: ${error}, StackTrace: ${stack}`,
  };
}

interface Invocation {
  state?: OrchestratorState;
  errorMessage?: string;
  errorStack?: string;
}

async function invokeOrchestrator(
  invoker: FunctionInvoker,
  subject: EpisodeSubject,
  history: HistoryEvent[],
): Promise<Invocation> {
  const startedEvent = history.find((e) => e.EventType === EventType.ExecutionStarted);
  const inputText = startedEvent?.EventType === EventType.ExecutionStarted ? startedEvent.Input : null;
  // The extension's OrchestrationTriggerAttributeBindingProvider payload, sent as a JSON string.
  const payload = {
    history,
    input: inputText === null || inputText === "" ? null : (JSON.parse(inputText) as unknown),
    instanceId: subject.instanceId,
    isReplaying: subject.pastHistory.length > 0,
    parentInstanceId: subject.parentInstanceId,
    upperSchemaVersion: REPLAY_SCHEMA_V3 - 1,
    upperSchemaVersionNew: REPLAY_SCHEMA_V3,
    longRunningTimerIntervalDuration: LONG_RUNNING_TIMER_INTERVAL_TEXT,
    maximumShortTimerDuration: MAXIMUM_SHORT_TIMER_TEXT,
    defaultHttpAsyncRequestSleepTimeMillseconds: DEFAULT_HTTP_ASYNC_SLEEP_MS,
  };
  const outcome = await invoker.invoke(subject.name, { trigger: { string: JSON.stringify(payload) } });
  if (outcome.ok) {
    try {
      return { state: readOrchestratorState(decodeTypedData(outcome.response.returnValue)) };
    } catch (error) {
      return { errorMessage: error instanceof Error ? error.message : String(error) };
    }
  }
  const state = readFailedOrchestratorState(outcome.error.message);
  const firstLine = outcome.error.message.split("\n\n$OutOfProcData$:")[0] ?? outcome.error.message;
  return { ...(state ? { state } : {}), errorMessage: firstLine, ...(outcome.error.stack ? { errorStack: outcome.error.stack } : {}) };
}

function decisionEvent(decision: Decision, now: Date): HistoryEvent {
  switch (decision.kind) {
    case "task":
      return events.taskScheduled(now, decision.id, { Name: decision.name, Version: null, Input: jsonText([decision.input]) });
    case "timer":
      return events.timerCreated(now, decision.id, decision.fireAt);
    case "subOrchestration":
      return events.subOrchestrationCreated(now, decision.id, {
        Name: decision.name,
        Version: decision.version,
        InstanceId: decision.instanceId,
        Input: jsonText(decision.input),
      });
    case "sendEvent":
      return events.eventSent(now, decision.id, {
        Name: decision.eventName,
        InstanceId: decision.targetInstanceId,
        Input: jsonText(decision.input),
      });
  }
}

function completionEvents(result: EpisodeResult, now: Date, sequenceId: number): HistoryEvent[] {
  const done = events.orchestratorCompleted(now);
  switch (result.kind) {
    case "running":
    case "terminated":
      return [done];
    case "completed":
      return [events.executionCompleted(now, sequenceId, { OrchestrationStatus: "Completed", Result: jsonText(result.output) }), done];
    case "failed":
      return [
        events.executionCompleted(now, sequenceId, { OrchestrationStatus: "Failed", Result: result.reason, Details: result.details }),
        done,
      ];
    case "continuedAsNew":
      return [events.continueAsNew(now, sequenceId, jsonText(result.input)), done];
  }
}

/** JSON text as the extension stores payloads; `undefined` becomes `null`. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value);
}
