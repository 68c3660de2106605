import { functionRegistry } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, describe, expect, it } from "vitest";
import { EventType } from "../../../local/durable/history";
import { LocalDurableHost } from "../../../local/durable/host";

const calls: number[] = [];
let inFlight = 0;
let maxInFlight = 0;

df.app.activity("Square", {
  handler: async (n: number) => {
    calls.push(n);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight -= 1;
    return n * n;
  },
});

df.app.orchestration("FanOut", function* (context: OrchestrationContext) {
  const n = context.df.getInput() as number;
  const tasks = Array.from({ length: n }, (_, i) => context.df.callActivity("Square", i + 1));
  const squares: number[] = yield context.df.Task.all(tasks);
  return { count: squares.length, sum: squares.reduce((a, b) => a + b, 0), last: squares.at(-1) };
});

const N = 100;
const SUM_OF_SQUARES = (N * (N + 1) * (2 * N + 1)) / 6;

let host: LocalDurableHost | undefined;
afterEach(async () => {
  await host?.close();
  calls.length = 0;
  maxInFlight = 0;
});

describe("fan-out/fan-in of 100 activities", () => {
  const cases = [
    { batch: "all" as const, replays: 2 },
    { batch: 32, replays: 1 + Math.ceil(N / 32) },
    { batch: 1, replays: 1 + N },
  ];
  for (const { batch, replays } of cases) {
    it(`completes with batch=${batch} in ${replays} replays, each activity run once`, async () => {
      host = await LocalDurableHost.start({ registry: functionRegistry, batch });
      const id = host.startNew("FanOut", { input: N });
      const stats = await host.runUntilIdle();

      const status = host.getStatus(id, { showHistory: true });
      expect(status?.output).toEqual({ count: N, sum: SUM_OF_SQUARES, last: N * N });
      expect(stats.replays).toBe(replays);
      expect(status?.stats.replays).toBe(replays);
      expect([...calls].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
      const scheduled = status?.history?.filter((e) => e.EventType === EventType.TaskScheduled) ?? [];
      expect(scheduled.map((e) => e.EventId)).toEqual(Array.from({ length: N }, (_, i) => i));
      // First episode: N + 3 events; each later one adds OrchestratorStarted/Completed; then N completions + 1 end.
      expect(status?.history?.length).toBe(N + 3 + 2 * (replays - 1) + N + 1);
    });
  }

  it("runs activities concurrently, never more than maxConcurrentActivities at once", async () => {
    host = await LocalDurableHost.start({ registry: functionRegistry, maxConcurrentActivities: 7 });
    host.startNew("FanOut", { input: N });
    await host.runUntilIdle();
    expect(maxInFlight).toBe(7);
  });
});
