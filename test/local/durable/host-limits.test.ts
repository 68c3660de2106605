import { functionRegistry } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, describe, expect, it } from "vitest";
import { DurableHostLimitError } from "../../../local/durable/errors";
import { LocalDurableHost, type LocalDurableHostOptions } from "../../../local/durable/host";

const HOUR = 3600 * 1000;

// An eternal orchestration: wake up every hour, forever.
df.app.orchestration("Hourly", function* (context: OrchestrationContext) {
  const round = context.df.getInput() as number;
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + HOUR));
  context.df.continueAsNew(round + 1);
});

// A runaway loop that never waits for anything.
df.app.orchestration("Spin", function* (context: OrchestrationContext) {
  context.df.continueAsNew((context.df.getInput() as number) + 1);
  yield* [];
});

let host: LocalDurableHost | undefined;
afterEach(() => host?.close());

async function startHost(options: LocalDurableHostOptions): Promise<LocalDurableHost> {
  host = await LocalDurableHost.start({ registry: functionRegistry, clockStart: "2026-06-01T00:00:00Z", ...options });
  return host;
}

describe("safety bounds", () => {
  it("stop the clock at the virtual-time horizon and report the timers left", async () => {
    const h = await startHost({ maxVirtualTimeMs: 10 * HOUR });
    const id = h.startNew("Hourly", { input: 0 });
    const stats = await h.runUntilIdle();

    expect(stats.stoppedBy).toBe("horizon");
    expect(stats.pendingTimers).toBe(1);
    expect(h.clock.now().toISOString()).toBe("2026-06-01T10:00:00.000Z");
    expect(h.getStatus(id)).toMatchObject({ runtimeStatus: "Running", input: 10 });
  });

  it("stop a run at an explicit instant", async () => {
    const h = await startHost({});
    const id = h.startNew("Hourly", { input: 0 });
    const stats = await h.runUntilIdle({ until: new Date("2026-06-01T03:30:00Z") });
    expect(stats.stoppedBy).toBe("horizon");
    expect(h.getStatus(id)?.input).toBe(3);
    // The clock stays at the last timer that fired; moving it is the caller's choice.
    expect(h.clock.now().toISOString()).toBe("2026-06-01T03:00:00.000Z");

    h.advanceClock(30 * 60 * 1000);
    await h.runUntilIdle({ advanceClock: false });
    expect(h.getStatus(id)?.input).toBe(3);
    h.advanceClock(new Date("2026-06-01T04:00:00Z"));
    await h.runUntilIdle({ advanceClock: false });
    expect(h.getStatus(id)?.input).toBe(4);
  });

  it("fail a run that exceeds the episode limit", async () => {
    const h = await startHost({ maxEpisodesPerRun: 50 });
    h.startNew("Spin", { input: 0 });
    await expect(h.runUntilIdle()).rejects.toThrow(DurableHostLimitError);
  });
});
