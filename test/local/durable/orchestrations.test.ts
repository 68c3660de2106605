import { functionRegistry } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventType, describeHistory, type HistoryEvent } from "../../../local/durable/history";
import { LocalDurableHost } from "../../../local/durable/host";

const greeted: unknown[] = [];
df.app.activity("Greet", {
  handler: (name: unknown) => {
    greeted.push(name);
    return `Hello ${String(name)}`;
  },
});
df.app.activity("Add", { handler: (pair: { a: number; b: number }) => pair.a + pair.b });

df.app.orchestration("Sequence", function* (context: OrchestrationContext) {
  const first: string = yield context.df.callActivity("Greet", "Tokyo");
  const second: string = yield context.df.callActivity("Greet", "Seattle");
  const third: string = yield context.df.callActivity("Greet", "London");
  return [first, second, third];
});

df.app.orchestration("Staged", function* (context: OrchestrationContext) {
  context.df.setCustomStatus({ stage: "waiting-for-approval", ticket: 42 });
  const approval: { by: string } = yield context.df.waitForExternalEvent("Approve");
  context.df.setCustomStatus({ stage: "approved", by: approval.by });
  return approval.by;
});

df.app.orchestration("Child", function* (context: OrchestrationContext) {
  const input = context.df.getInput() as { a: number; b: number; fail?: boolean };
  if (input.fail) throw new Error(`child ${context.df.instanceId} refuses`);
  const sum: number = yield context.df.callActivity("Add", input);
  return { sum, parent: context.df.parentInstanceId };
});

df.app.orchestration("Parent", function* (context: OrchestrationContext) {
  const children = [1, 2, 3].map((i) =>
    context.df.callSubOrchestrator("Child", { a: i, b: 10 }, `${context.df.instanceId}:child:${i}`),
  );
  const results: { sum: number }[] = yield context.df.Task.all(children);
  let failure = "";
  try {
    yield context.df.callSubOrchestrator("Child", { a: 0, b: 0, fail: true }, `${context.df.instanceId}:child:bad`);
  } catch (error) {
    failure = (error as Error).message;
  }
  return { total: results.reduce((n, r) => n + r.sum, 0), failure };
});

df.app.orchestration("Counter", function* (context: OrchestrationContext) {
  const n = context.df.getInput() as number;
  yield context.df.callActivity("Add", { a: n, b: 1 });
  if (n < 3) {
    context.df.continueAsNew(n + 1);
    return;
  }
  return `done at ${n}`;
});

df.app.orchestration("Boom", function* (context: OrchestrationContext) {
  yield context.df.callActivity("Greet", "before the crash");
  throw new Error("kaboom");
});

// An activity that declares a durable client input (as a fan-out starter would) and starts another orchestration.
df.app.activity("StartFollowUp", {
  extraInputs: [df.input.durableClient()],
  handler: async (name: string, context) => {
    const client = df.getClient(context);
    return client.startNew("Sequence", { instanceId: `follow-up-${name}` });
  },
});

df.app.orchestration("Launcher", function* (context: OrchestrationContext) {
  return yield context.df.callActivity("StartFollowUp", "a");
});

let host: LocalDurableHost;
beforeEach(async () => {
  greeted.length = 0;
  host = await LocalDurableHost.start({ registry: functionRegistry });
});
afterEach(() => host.close());

function types(history: HistoryEvent[]): number[] {
  return history.map((e) => e.EventType);
}

describe("activity sequence", () => {
  it("runs activities in order, one episode per completion, with DTFx-shaped history", async () => {
    const id = host.startNew("Sequence", { instanceId: "seq-1" });
    expect(host.getStatus(id)?.runtimeStatus).toBe("Pending");

    const stats = await host.runUntilIdle();

    const status = host.getStatus(id, { showHistory: true });
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toEqual(["Hello Tokyo", "Hello Seattle", "Hello London"]);
    // durable-functions sends string inputs JSON-encoded; the activity must see the plain string.
    expect(greeted).toEqual(["Tokyo", "Seattle", "London"]);
    expect(stats.replays).toBe(4);
    expect(describeHistory(status?.history ?? [])).toEqual([
      "OrchestratorStarted ExecutionStarted TaskScheduled(Greet)#0 OrchestratorCompleted",
      "OrchestratorStarted TaskCompleted->0 TaskScheduled(Greet)#1 OrchestratorCompleted",
      "OrchestratorStarted TaskCompleted->1 TaskScheduled(Greet)#2 OrchestratorCompleted",
      "OrchestratorStarted TaskCompleted->2 ExecutionCompleted(Completed) OrchestratorCompleted",
    ]);
    const completed = status?.history?.find((e) => e.EventType === EventType.ExecutionCompleted);
    expect(completed?.EventId).toBe(3);
  });
});

describe("custom status", () => {
  it("is visible through getStatus while the instance runs, and updated when it finishes", async () => {
    const id = host.startNew("Staged");
    await host.runUntilIdle({ advanceClock: false });
    expect(host.getStatus(id)).toMatchObject({
      runtimeStatus: "Running",
      customStatus: { stage: "waiting-for-approval", ticket: 42 },
    });

    host.raiseEvent(id, "Approve", { by: "ops-lead" });
    await host.runUntilIdle();
    expect(host.getStatus(id)).toMatchObject({
      runtimeStatus: "Completed",
      output: "ops-lead",
      customStatus: { stage: "approved", by: "ops-lead" },
    });
  });
});

describe("sub-orchestrations", () => {
  it("start children with the explicit ids, return their outputs and surface a child's failure", async () => {
    const id = host.startNew("Parent", { instanceId: "parent-7" });
    await host.runUntilIdle();

    expect(host.getStatus(id)?.runtimeStatus).toBe("Completed");
    const output = host.getStatus(id)?.output as { total: number; failure: string };
    expect(output.total).toBe(11 + 12 + 13);
    expect(output.failure).toContain("Orchestrator function 'Child' failed: child parent-7:child:bad refuses");

    for (const i of [1, 2, 3]) {
      const child = host.getStatus(`parent-7:child:${i}`, { showHistory: true });
      expect(child?.runtimeStatus).toBe("Completed");
      expect(child?.output).toEqual({ sum: i + 10, parent: "parent-7" });
      const started = child?.history?.find((e) => e.EventType === EventType.ExecutionStarted);
      expect(started).toMatchObject({ ParentInstance: { OrchestrationInstance: { InstanceId: "parent-7" }, TaskScheduleId: i - 1 } });
    }
    expect(host.getStatus("parent-7:child:bad")?.runtimeStatus).toBe("Failed");
    const created = host.history(id).filter((e) => e.EventType === EventType.SubOrchestrationInstanceCreated);
    expect(created.map((e) => [e.EventId, "InstanceId" in e ? e.InstanceId : ""])).toEqual([
      [0, "parent-7:child:1"],
      [1, "parent-7:child:2"],
      [2, "parent-7:child:3"],
      [3, "parent-7:child:bad"],
    ]);
  });
});

describe("continueAsNew", () => {
  it("restarts with the new input and a fresh history until the orchestrator returns", async () => {
    const id = host.startNew("Counter", { input: 0 });
    await host.runUntilIdle();

    const status = host.getStatus(id, { showHistory: true });
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toBe("done at 3");
    expect(status?.input).toBe(3);
    expect(status?.stats.executions).toBe(4);
    // Only the last execution's events remain: it started with input 3.
    expect(describeHistory(status?.history ?? [])).toEqual([
      "OrchestratorStarted ExecutionStarted TaskScheduled(Add)#0 OrchestratorCompleted",
      "OrchestratorStarted TaskCompleted->0 ExecutionCompleted(Completed) OrchestratorCompleted",
    ]);
    expect(status?.history?.[1]).toMatchObject({ EventType: EventType.ExecutionStarted, Input: "3" });
  });
});

describe("orchestrator failure", () => {
  it("marks the instance Failed with the extension's message when the orchestrator throws", async () => {
    const id = host.startNew("Boom");
    await host.runUntilIdle();

    const status = host.getStatus(id, { showHistory: true });
    expect(status?.runtimeStatus).toBe("Failed");
    expect(status?.output).toBe("Orchestrator function 'Boom' failed: kaboom");
    const last = status?.history?.at(-2);
    expect(last).toMatchObject({ EventType: EventType.ExecutionCompleted, OrchestrationStatus: "Failed" });
    expect(types(status?.history ?? []).filter((t) => t === EventType.TaskScheduled)).toHaveLength(1);
  });

  it("rejects a start of an unknown orchestrator", () => {
    expect(() => host.startNew("NoSuchOrchestrator")).toThrow(/doesn't exist, is disabled, or is not an orchestrator function/);
  });
});

describe("durable client input on other triggers", () => {
  it("is given to an activity that declares it, so the activity can start orchestrations", async () => {
    const id = host.startNew("Launcher");
    await host.runUntilIdle();
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: "follow-up-a" });
    expect(host.getStatus("follow-up-a")).toMatchObject({ runtimeStatus: "Completed", output: ["Hello Tokyo", "Hello Seattle", "Hello London"] });
  });
});
