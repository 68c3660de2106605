import { functionRegistry } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, describe, expect, it } from "vitest";
import { EventType, describeHistory } from "../../../local/durable/history";
import { LocalDurableHost, type LocalDurableHostOptions } from "../../../local/durable/host";

/** Per-key attempt counters, so each test's activity calls are counted separately. */
const attempts = new Map<string, number>();
function attempt(key: string): number {
  const n = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, n);
  return n;
}

df.app.activity("FailsOnce", {
  handler: (key: string) => {
    const n = attempt(key);
    if (n === 1) throw new Error(`transient fault on attempt ${n}`);
    return `ok after ${n} attempts`;
  },
});
df.app.activity("AlwaysFails", {
  handler: (key: string) => {
    throw new Error(`still broken (attempt ${attempt(key)})`);
  },
});

df.app.orchestration("RetryOnce", function* (context: OrchestrationContext) {
  const options = new df.RetryOptions(5000, 3);
  return yield context.df.callActivityWithRetry("FailsOnce", options, context.df.instanceId);
});

df.app.orchestration("RetryExhausted", function* (context: OrchestrationContext) {
  const options = new df.RetryOptions(1000, 3);
  options.backoffCoefficient = 2;
  try {
    yield context.df.callActivityWithRetry("AlwaysFails", options, context.df.instanceId);
    return "unexpected success";
  } catch (error) {
    return `gave up: ${(error as Error).message}`;
  }
});

df.app.orchestration("ParallelRetries", function* (context: OrchestrationContext) {
  const options = new df.RetryOptions(2000, 4);
  const id = context.df.instanceId;
  const tasks = ["a", "b", "c"].map((k) => context.df.callActivityWithRetry("FailsOnce", options, `${id}/${k}`));
  return yield context.df.Task.all(tasks);
});

let host: LocalDurableHost | undefined;
afterEach(() => host?.close());

async function startHost(options: LocalDurableHostOptions = {}): Promise<LocalDurableHost> {
  host = await LocalDurableHost.start({ registry: functionRegistry, ...options });
  return host;
}

describe("callActivityWithRetry", () => {
  it("retries after a failure on a durable timer (host-side) and returns the second attempt's result", async () => {
    const h = await startHost();
    const start = h.clock.nowMs();
    const id = h.startNew("RetryOnce", { instanceId: "retry-once" });
    await h.runUntilIdle();

    expect(h.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: "ok after 2 attempts" });
    expect(attempts.get("retry-once")).toBe(2);
    const history = h.history(id);
    expect(describeHistory(history)).toEqual([
      "OrchestratorStarted ExecutionStarted TaskScheduled(FailsOnce)#0 OrchestratorCompleted",
      "OrchestratorStarted TaskFailed->0 TimerCreated#1 OrchestratorCompleted",
      "OrchestratorStarted TimerFired->1 TaskScheduled(FailsOnce)#2 OrchestratorCompleted",
      "OrchestratorStarted TaskCompleted->2 ExecutionCompleted(Completed) OrchestratorCompleted",
    ]);
    const timer = history.find((e) => e.EventType === EventType.TimerCreated);
    expect(timer && "FireAt" in timer ? Date.parse(timer.FireAt) - start : -1).toBe(5000);
    const failed = history.find((e) => e.EventType === EventType.TaskFailed);
    expect(failed && "Reason" in failed ? failed.Reason : "").toContain("Activity function 'FailsOnce' failed");
  });

  it("gives up after maxNumberOfAttempts: the orchestrator sees the failure; a timer follows even the last attempt", async () => {
    const h = await startHost();
    const start = h.clock.nowMs();
    const id = h.startNew("RetryExhausted", { instanceId: "retry-exhausted" });
    await h.runUntilIdle();

    const status = h.getStatus(id);
    expect(status?.runtimeStatus).toBe("Completed");
    expect(status?.output).toMatch(/^gave up: Activity function 'AlwaysFails' failed: .*still broken \(attempt 3\)/s);
    expect(attempts.get("retry-exhausted")).toBe(3);
    const history = h.history(id);
    const scheduled = history.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => e.EventId);
    const timers = history.filter((e) => e.EventType === EventType.TimerCreated);
    expect(scheduled).toEqual([0, 2, 4]);
    expect(timers.map((e) => e.EventId)).toEqual([1, 3, 5]);
    // Backoff 2: 1 s, 2 s, 4 s after each failure (the virtual clock only moves to the timers).
    const delays = timers.map((t) => ("FireAt" in t ? Date.parse(t.FireAt) - Date.parse(t.Timestamp) : -1));
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(h.clock.nowMs() - start).toBe(7000);
  });

  for (const batch of ["all", 1] as const) {
    it(`parallel retries in Task.all complete with batch=${batch}`, async () => {
      const h = await startHost({ batch });
      const id = h.startNew("ParallelRetries", { instanceId: `parallel-${batch}` });
      await h.runUntilIdle();

      expect(h.getStatus(id)?.runtimeStatus).toBe("Completed");
      expect(h.getStatus(id)?.output).toEqual(["ok after 2 attempts", "ok after 2 attempts", "ok after 2 attempts"]);
      const history = h.history(id);
      const ids = history.filter((e) => e.EventType === EventType.TaskScheduled || e.EventType === EventType.TimerCreated).map((e) => e.EventId);
      expect([...ids].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    });
  }
});
