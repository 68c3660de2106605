import { functionRegistry } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalDurableHost } from "../../../local/durable/host";
import { describeDivergence, replayRecordedInstance, type RecordedInstance } from "../../../local/durable/recorded-replay";
import { versionAtLeast } from "../../../src/orchestrations/orchestration-version";

for (const name of ["Prepare", "Apply", "Audit", "Report"]) df.app.activity(name, { handler: () => name });

df.app.entity("Tally", (context) => {
  context.df.setState((context.df.getState(() => 0) as number) + 1);
  context.df.return(context.df.getState());
});

// Version 1.0 as it shipped, and later code for the same orchestrator (swapped in under its name).
df.app.orchestration("Order", function* (context: OrchestrationContext) {
  yield context.df.callActivity("Prepare");
  const count: number = yield context.df.callEntity(new df.EntityId("Tally", "orders"), "add");
  yield context.df.waitForExternalEvent("Go");
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  const applied: string = yield context.df.callActivity("Apply");
  return { count, applied };
});

df.app.orchestration("OrderAuditFirst", function* (context: OrchestrationContext) {
  yield context.df.callActivity("Audit");
  return "changed";
});

df.app.orchestration("OrderReportAtEnd", function* (context: OrchestrationContext) {
  yield context.df.callActivity("Prepare");
  const count: number = yield context.df.callEntity(new df.EntityId("Tally", "orders"), "add");
  yield context.df.waitForExternalEvent("Go");
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  const applied: string = yield context.df.callActivity("Apply");
  yield context.df.callActivity("Report");
  return { count, applied };
});

// Version 2.0 audits before applying; the 1.0 sequence is kept for instances started at 1.0.
df.app.orchestration("OrderVersioned", function* (context: OrchestrationContext) {
  yield context.df.callActivity("Prepare");
  const count: number = yield context.df.callEntity(new df.EntityId("Tally", "orders"), "add");
  yield context.df.waitForExternalEvent("Go");
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  if (versionAtLeast(context, "2.0")) yield context.df.callActivity("Audit");
  const applied: string = yield context.df.callActivity("Apply");
  return { count, applied };
});

df.app.orchestration("OrderUnversioned", function* (context: OrchestrationContext) {
  yield context.df.callActivity("Prepare");
  const count: number = yield context.df.callEntity(new df.EntityId("Tally", "orders"), "add");
  yield context.df.waitForExternalEvent("Go");
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  yield context.df.callActivity("Audit");
  const applied: string = yield context.df.callActivity("Apply");
  return { count, applied };
});

df.app.orchestration("OrderWaitsFirst", function* (context: OrchestrationContext) {
  yield context.df.waitForExternalEvent("Never");
  return "changed";
});

df.app.orchestration("OrderThrows", function* () {
  throw new Error("cannot go on");
});

df.app.orchestration("OrderAlsoAudits", function* (context: OrchestrationContext) {
  yield context.df.Task.all([context.df.callActivity("Prepare"), context.df.callActivity("Audit")]);
  return "changed";
});

// A child that acts on knowing its parent: its replay needs the parent it was recorded with.
df.app.orchestration("Inner", function* (context: OrchestrationContext) {
  yield context.df.callActivity(context.df.parentInstanceId ? "Report" : "Audit");
  return context.df.parentInstanceId;
});
df.app.orchestration("Caller", function* (context: OrchestrationContext) {
  return yield context.df.callSubOrchestrator("Inner", null, `${context.df.instanceId}:inner`);
});

let host: LocalDurableHost;
let recorded: RecordedInstance;
beforeEach(async () => {
  host = await LocalDurableHost.start({ registry: functionRegistry });
  const id = host.startNew("Order");
  await host.runUntilIdle();
  host.suspend(id, "maintenance");
  await host.runUntilIdle();
  host.resume(id, "done");
  host.raiseEvent(id, "Go");
  await host.runUntilIdle();
  expect(host.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: { count: 1, applied: "Apply" } });
  recorded = { name: "Order", instanceId: id, history: host.history(id) };
});
afterEach(() => host.close());

const as = (source: string) => functionRegistry.withReplacements({ Order: source });

describe("replaying a recorded history against the current code", () => {
  it("the code it was recorded with replays every episode the same way (entity calls, events, timers, suspend included)", async () => {
    const result = await replayRecordedInstance(functionRegistry, recorded);
    expect(result.divergence).toBeUndefined();
    expect(result.episodes).toBe(recorded.history.filter((e) => e.EventType === 12).length);
    expect(result.episodes).toBeGreaterThan(5);
  });

  it("names the first episode whose decisions differ, with what was recorded and what the code did", async () => {
    const result = await replayRecordedInstance(as("OrderAuditFirst"), recorded);
    expect(result.divergence).toMatchObject({ episode: 0, recorded: ["TaskScheduled(Prepare)#0"], replayed: ["TaskScheduled(Audit)#0"] });
    expect(describeDivergence(result.divergence!)).toBe("episode 0: recorded TaskScheduled(Prepare)#0; the current code did TaskScheduled(Audit)#0");
  });

  it("a step added after the recorded end is a change too: the recorded run completed there", async () => {
    const result = await replayRecordedInstance(as("OrderReportAtEnd"), recorded);
    const last = result.episodes - 1;
    expect(result.divergence).toMatchObject({ episode: last, recorded: ["ExecutionCompleted(Completed)"] });
    expect(result.divergence?.replayed[0]).toMatch(/^TaskScheduled\(Report\)#\d+$/);
  });

  it("a change kept behind versionAtLeast replays instances of the older version unchanged; without it they diverge", async () => {
    const v1 = { ...recorded, history: recorded.history.map((e) => (e.EventType === 0 ? { ...e, Version: "1.0" } : e)) };
    expect((await replayRecordedInstance(as("OrderVersioned"), v1)).divergence).toBeUndefined();
    const unversioned = await replayRecordedInstance(as("OrderUnversioned"), v1);
    expect(unversioned.divergence?.recorded.join(" ")).toMatch(/^TaskScheduled\(Apply\)#\d+$/);
    expect(unversioned.divergence?.replayed.join(" ")).toMatch(/^TaskScheduled\(Audit\)#\d+$/);

    const v2 = { ...recorded, history: recorded.history.map((e) => (e.EventType === 0 ? { ...e, Version: "2.0" } : e)) };
    expect((await replayRecordedInstance(as("OrderVersioned"), v2)).divergence?.replayed.join(" ")).toMatch(/Audit/);
  });

  it("an episode where the code decides nothing, or more, or fails, diverges too, and says why", async () => {
    const waits = await replayRecordedInstance(as("OrderWaitsFirst"), recorded);
    expect(waits.divergence).toMatchObject({ episode: 0, replayed: [] });
    expect(describeDivergence(waits.divergence!)).toBe("episode 0: recorded TaskScheduled(Prepare)#0; the current code did (nothing)");

    const more = await replayRecordedInstance(as("OrderAlsoAudits"), recorded);
    expect(more.divergence).toMatchObject({ episode: 0, recorded: ["TaskScheduled(Prepare)#0"], replayed: ["TaskScheduled(Prepare)#0", "TaskScheduled(Audit)#1"] });
    expect(describeDivergence(more.divergence!)).toBe("episode 0: recorded TaskScheduled(Prepare)#0; the current code did TaskScheduled(Prepare)#0 TaskScheduled(Audit)#1");

    const throws = await replayRecordedInstance(as("OrderThrows"), recorded);
    expect(throws.divergence).toMatchObject({ episode: 0, replayed: ["ExecutionCompleted(Failed)"], reason: "Orchestrator function 'Order' failed: cannot go on" });
    expect(describeDivergence(throws.divergence!)).toBe(
      "episode 0: recorded TaskScheduled(Prepare)#0; the current code did ExecutionCompleted(Failed) (Orchestrator function 'Order' failed: cannot go on)",
    );
  });

  it("a sub-orchestration replays with the parent it was recorded under", async () => {
    const parent = host.startNew("Caller");
    await host.runUntilIdle();
    const child = `${parent}:inner`;
    expect(host.getStatus(child)).toMatchObject({ runtimeStatus: "Completed", output: parent });
    const result = await replayRecordedInstance(functionRegistry, { name: "Inner", instanceId: child, history: host.history(child) });
    expect(result.divergence).toBeUndefined();
  });

  it("a history without its start is refused", async () => {
    await expect(replayRecordedInstance(functionRegistry, { ...recorded, history: recorded.history.filter((e) => e.EventType !== 0) })).rejects.toThrow(
      /has no ExecutionStarted event/,
    );
  });
});
