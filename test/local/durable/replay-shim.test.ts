import { describe, expect, it } from "vitest";
import type { OrchestratorAction } from "../../../local/durable/actions";
import { NonDeterministicOrchestrationError } from "../../../local/durable/errors";
import { events, type HistoryEvent } from "../../../local/durable/history";
import { replayActions, type Decision } from "../../../local/durable/replay-shim";

const T0 = new Date("2026-01-01T00:00:00Z");
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

const activity = (name: string): OrchestratorAction => ({ kind: "callActivity", name, input: null });
const timer = (seconds: number, isCanceled = false): OrchestratorAction => ({ kind: "createTimer", fireAt: at(seconds), isCanceled });
const wait = (eventName: string): OrchestratorAction => ({ kind: "waitForExternalEvent", eventName });

function start(): HistoryEvent[] {
  return [
    events.orchestratorStarted(T0),
    events.executionStarted(T0, {
      Name: "O",
      Input: null,
      Version: "",
      OrchestrationInstance: { InstanceId: "i", ExecutionId: "e" },
      ParentInstance: null,
    }),
  ];
}

function replay(actions: OrchestratorAction[], history: HistoryEvent[]) {
  return replayActions({ instanceId: "i", executionId: "e", actions, history });
}

function ids(decisions: Decision[]): string[] {
  return decisions.map((d) => `${d.kind}${"name" in d ? `(${d.name})` : ""}#${d.id}`);
}

describe("sequence ids", () => {
  it("number WhenAll/WhenAny children in order; external event waits take none", () => {
    const actions: OrchestratorAction[] = [
      { kind: "whenAny", children: [wait("Go"), timer(60), { kind: "whenAll", children: [activity("B"), activity("C")] }] },
    ];
    expect(ids(replay(actions, start()).decisions)).toEqual(["timer#0", "task(B)#1", "task(C)#2"]);
  });

  it("give a canceled timer an id that replays against its TimerCreated without waiting for it", () => {
    const history = [
      ...start(),
      events.timerCreated(T0, 0, at(3600)),
      events.orchestratorCompleted(T0),
      events.orchestratorStarted(at(5)),
      events.eventRaised(at(5), "Go", "1"),
    ];
    const result = replay([{ kind: "whenAny", children: [wait("Go"), timer(3600, true)] }, activity("After")], history);
    expect(ids(result.decisions)).toEqual(["task(After)#1"]);
  });

  it("follow a retry's failure with a timer and the re-attempt with a new id, in history order", () => {
    const retry: OrchestratorAction = {
      kind: "callActivity",
      name: "Flaky",
      input: null,
      retry: { firstRetryIntervalMs: 1000, maxNumberOfAttempts: 3, backoffCoefficient: 1, maxRetryIntervalMs: 1e9, retryTimeoutMs: Infinity },
    };
    const history = [
      ...start(),
      events.taskScheduled(T0, 0, { Name: "Flaky", Version: null, Input: "[null]" }),
      events.orchestratorCompleted(T0),
      events.orchestratorStarted(at(2)),
      events.taskFailed(at(2), 0, "boom", "{}"),
    ];
    const result = replay([retry], history);
    expect(result.decisions).toEqual([{ kind: "timer", id: 1, fireAt: at(3) }]);
  });
});

describe("the extension awaits each action in turn", () => {
  it("holds later actions while a WhenAll still has a running child, even after another child failed", () => {
    const history = [
      ...start(),
      events.taskScheduled(T0, 0, { Name: "A", Version: null, Input: "[null]" }),
      events.taskScheduled(T0, 1, { Name: "B", Version: null, Input: "[null]" }),
      events.orchestratorCompleted(T0),
      events.orchestratorStarted(at(1)),
      events.taskFailed(at(1), 0, "A broke", "{}"),
    ];
    // The JS code caught A's failure and moved on to "Cleanup"; the extension still awaits B.
    const actions = [{ kind: "whenAll", children: [activity("A"), activity("B")] } as OrchestratorAction, activity("Cleanup")];
    const waiting = replay(actions, history);
    expect(waiting.decisions).toEqual([]);
    expect(waiting.finished).toBe(false);

    const later = replay(actions, [...history, events.orchestratorCompleted(at(1)), events.orchestratorStarted(at(2)), events.taskCompleted(at(2), 1, "null")]);
    expect(ids(later.decisions)).toEqual(["task(Cleanup)#2"]);
  });

  it("carries events that arrive after continueAsNew over to the next execution", () => {
    const history = [...start(), events.eventRaised(T0, "Late", '"x"')];
    const result = replay([{ kind: "continueAsNew", input: 1 }], history);
    expect(result.finished).toBe(true);
    expect(result.continueAsNew).toEqual({ input: 1 });
    expect(result.carryOverEvents.map((e) => e.Name)).toEqual(["Late"]);
  });
});

describe("non-determinism", () => {
  const recorded = [...start(), events.taskScheduled(T0, 0, { Name: "A", Version: null, Input: "[null]" })];

  it("reports a task the replay did not schedule", () => {
    expect(() => replay([wait("Never")], recorded)).toThrow(
      /scheduled an activity task with sequence ID 0 and name 'A', but the current replay execution hasn't \(yet\?\) scheduled this task/,
    );
  });

  it("reports a different name and a different kind at the same id", () => {
    expect(() => replay([activity("B")], recorded)).toThrow(NonDeterministicOrchestrationError);
    expect(() => replay([activity("B")], recorded)).toThrow(/scheduled one named 'B'/);
    expect(() => replay([timer(5)], recorded)).toThrow(/produced a CreateTimerOrchestratorAction action/);
  });

  it("accepts the same name in another case", () => {
    expect(replay([activity("a")], recorded).decisions).toEqual([]);
  });
});
