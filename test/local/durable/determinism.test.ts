import { functionRegistry } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EventType } from "../../../local/durable/history";
import { LocalDurableHost } from "../../../local/durable/host";

for (const name of ["Prepare", "Apply", "Report", "Audit"]) {
  df.app.activity(name, { handler: () => name });
}

// Version 1 of a workflow, and later edits of it (registered under other names, swapped in like a redeploy).
df.app.orchestration("Workflow", function* (context: OrchestrationContext) {
  const prepared: string = yield context.df.callActivity("Prepare");
  yield context.df.waitForExternalEvent("Go");
  const applied: string = yield context.df.callActivity("Apply");
  return [prepared, applied];
});

df.app.orchestration("WorkflowRenamedFirstStep", function* (context: OrchestrationContext) {
  const audited: string = yield context.df.callActivity("Audit");
  yield context.df.waitForExternalEvent("Go");
  const applied: string = yield context.df.callActivity("Apply");
  return [audited, applied];
});

df.app.orchestration("WorkflowTimerFirst", function* (context: OrchestrationContext) {
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
  yield context.df.callActivity("Prepare");
  yield context.df.waitForExternalEvent("Go");
  return "never";
});

df.app.orchestration("WorkflowCaseOnly", function* (context: OrchestrationContext) {
  const prepared: string = yield context.df.callActivity("prepare");
  yield context.df.waitForExternalEvent("Go");
  const applied: string = yield context.df.callActivity("Apply");
  return [prepared, applied];
});

df.app.orchestration("WorkflowExtendedAtTheEnd", function* (context: OrchestrationContext) {
  const prepared: string = yield context.df.callActivity("Prepare");
  yield context.df.waitForExternalEvent("Go");
  const applied: string = yield context.df.callActivity("Apply");
  const reported: string = yield context.df.callActivity("Report");
  return [prepared, applied, reported];
});

let host: LocalDurableHost;
beforeEach(async () => {
  host = await LocalDurableHost.start({ registry: functionRegistry });
});
afterEach(() => host.close());

/** Runs v1 until it waits for "Go" (Prepare#0 recorded), redeploys with `replacement` as Workflow, then sends "Go". */
async function runWithRedeploy(replacement: string): Promise<string> {
  const id = host.startNew("Workflow");
  await host.runUntilIdle({ advanceClock: false });
  expect(host.getStatus(id)?.runtimeStatus).toBe("Running");
  host.deploy(functionRegistry.withReplacements({ Workflow: replacement }));
  host.raiseEvent(id, "Go");
  await host.runUntilIdle();
  return id;
}

describe("non-determinism check", () => {
  it("fails the instance when a replay schedules a different activity at a recorded sequence id", async () => {
    const id = await runWithRedeploy("WorkflowRenamedFirstStep");

    const status = host.getStatus(id, { showHistory: true });
    expect(status?.runtimeStatus).toBe("Failed");
    expect(status?.output).toBe(
      "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with " +
        "sequence ID 0 and name 'Prepare', but the current orchestration replay instead scheduled one named 'Audit' with " +
        "this sequence number. Was a change made to the orchestrator code after this instance had already started running?",
    );
    // Nothing new was scheduled by the changed code.
    expect(status?.history?.filter((e) => e.EventType === EventType.TaskScheduled)).toHaveLength(1);
  });

  it("fails the instance when the action kind at a recorded sequence id changed", async () => {
    const id = await runWithRedeploy("WorkflowTimerFirst");
    const status = host.getStatus(id);
    expect(status?.runtimeStatus).toBe("Failed");
    expect(status?.output).toMatch(/^Non-Deterministic workflow detected: .*sequence ID 0 and name 'Prepare'.*produced a CreateTimerOrchestratorAction action/);
  });

  it("accepts a replay whose names differ only in case, as DurableTask.Core does", async () => {
    const id = await runWithRedeploy("WorkflowCaseOnly");
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: ["Prepare", "Apply"] });
  });

  it("accepts new code that only adds steps after the recorded history", async () => {
    const id = await runWithRedeploy("WorkflowExtendedAtTheEnd");
    expect(host.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: ["Prepare", "Apply", "Report"] });
  });
});
