import { functionRegistry } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventType, describeHistory } from "../../../local/durable/history";
import { LocalDurableHost } from "../../../local/durable/host";

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

df.app.activity("Stamp", { handler: (label: string) => label });

df.app.orchestration("Delayed", function* (context: OrchestrationContext) {
  const startedAt = context.df.currentUtcDateTime.toISOString();
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 2 * HOUR));
  const label: string = yield context.df.callActivity("Stamp", "after the timer");
  return { startedAt, resumedAt: context.df.currentUtcDateTime.toISOString(), label };
});

df.app.orchestration("ApprovalRace", function* (context: OrchestrationContext) {
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + 24 * HOUR);
  const timeout = context.df.createTimer(deadline);
  const approval = context.df.waitForExternalEvent("Approval");
  context.df.setCustomStatus("awaiting approval");
  const winner = yield context.df.Task.any([approval, timeout]);
  if (winner === approval) {
    timeout.cancel();
    return { outcome: "approved", by: (approval.result as { by: string }).by };
  }
  return { outcome: "timed-out" };
});

df.app.orchestration("EarlyEvent", function* (context: OrchestrationContext) {
  yield context.df.callActivity("Stamp", "busy first");
  const signal: string = yield context.df.waitForExternalEvent("Go");
  return `got ${signal}`;
});

df.app.orchestration("LongWait", function* (context: OrchestrationContext) {
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 7 * DAY));
  return context.df.currentUtcDateTime.toISOString();
});

let host: LocalDurableHost;
beforeEach(async () => {
  host = await LocalDurableHost.start({ registry: functionRegistry, clockStart: "2026-03-01T09:00:00Z" });
});
afterEach(() => host.close());

describe("durable timers", () => {
  it("fire on the virtual clock: the clock jumps to the due time when nothing else can run", async () => {
    const id = host.startNew("Delayed");
    const stats = await host.runUntilIdle();

    expect(host.getStatus(id)?.output).toEqual({
      startedAt: "2026-03-01T09:00:00.000Z",
      resumedAt: "2026-03-01T11:00:00.000Z",
      label: "after the timer",
    });
    expect(stats.virtualEnd.getTime() - stats.virtualStart.getTime()).toBe(2 * HOUR);
    expect(stats.timersFired).toBe(1);
    const fired = host.history(id).find((e) => e.EventType === EventType.TimerFired);
    expect(fired).toMatchObject({ TimerId: 0, FireAt: "2026-03-01T11:00:00.000Z", Timestamp: "2026-03-01T11:00:00.000Z" });
  });

  it("do not fire while the run is told not to move the clock", async () => {
    const id = host.startNew("Delayed");
    const stats = await host.runUntilIdle({ advanceClock: false });
    expect(host.getStatus(id)?.runtimeStatus).toBe("Running");
    expect(stats).toMatchObject({ timersFired: 0, pendingTimers: 1 });
    expect(host.clock.now().toISOString()).toBe("2026-03-01T09:00:00.000Z");
  });

  it("longer than six days are split into intervals by both the library and the extension, without conflict", async () => {
    const id = host.startNew("LongWait");
    await host.runUntilIdle();

    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: "2026-03-08T09:00:00.000Z" });
    const timers = host.history(id).filter((e) => e.EventType === EventType.TimerCreated);
    expect(timers.map((t) => ("FireAt" in t ? t.FireAt : ""))).toEqual(["2026-03-04T09:00:00.000Z", "2026-03-08T09:00:00.000Z"]);
  });
});

describe("external event raced against a timer", () => {
  it("times out when no event arrives before the deadline", async () => {
    const id = host.startNew("ApprovalRace");
    await host.runUntilIdle();

    expect(host.getStatus(id)?.output).toEqual({ outcome: "timed-out" });
    expect(host.clock.now().toISOString()).toBe("2026-03-02T09:00:00.000Z");
    expect(describeHistory(host.history(id)).at(-1)).toBe(
      "OrchestratorStarted TimerFired->0 ExecutionCompleted(Completed) OrchestratorCompleted",
    );
  });

  it("takes the approval when the event wins, cancels the timer and never waits for it", async () => {
    const id = host.startNew("ApprovalRace");
    await host.runUntilIdle({ advanceClock: false });
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: "Running", customStatus: "awaiting approval" });

    host.raiseEvent(id, "Approval", { by: "alice" });
    const stats = await host.runUntilIdle();

    expect(host.getStatus(id)?.output).toEqual({ outcome: "approved", by: "alice" });
    expect(stats.timersFired).toBe(0);
    expect(host.clock.now().toISOString()).toBe("2026-03-01T09:00:00.000Z");
    expect(describeHistory(host.history(id))).toEqual([
      "OrchestratorStarted ExecutionStarted TimerCreated#0 OrchestratorCompleted",
      "OrchestratorStarted EventRaised(Approval) ExecutionCompleted(Completed) OrchestratorCompleted",
    ]);
  });

  it("buffers an event raised before the orchestration waits for it", async () => {
    const id = host.startNew("EarlyEvent");
    host.raiseEvent(id, "Go", "green light");
    await host.runUntilIdle({ advanceClock: false });
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: "got green light" });
  });
});
