import { functionRegistry } from "../../local/durable/functions-core";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventType } from "../../local/durable/history";
import type { InstanceStatus } from "../../local/durable/status-view";
import type { OfflineApp } from "../../local/offline/offline-app";
import type { SweepReport } from "../../src/activities/sweep-contracts";
import type { RunReport } from "../../src/domain/run";
import type { SlotsState } from "../../src/entities/remediation-slots";
import { versionAtLeast } from "../../src/orchestrations/orchestration-version";
import { remediateVm } from "../../src/orchestrations/remediate-vm";
import { sweepBatch } from "../../src/orchestrations/sweep-batch";
import { alertFor, requestsFor, runIdOf, startScenario, vmId, type VmSpec } from "./harness";

// A deployment in the same task hub while runs wait for approval, for a slot, and a sweep is half done: version 1.0
// (the code and host.json as they are) is replaced by a version 2.0 that changes RemediateVm and SweepBatch.

// What 2.0 changes: a run announces itself before its preflight, a batch before its probes (new first actions).
df.app.activity("AnnounceRun", { handler: (runId: string) => ({ announced: runId }) });
df.app.activity("AnnounceBatch", { handler: (batchId: string) => ({ announced: batchId }) });

// 2.0 as it should ship: the 1.0 sequence stays for instances started at 1.0.
df.app.orchestration("RemediateVm_2_0", function* (context: OrchestrationContext) {
  if (versionAtLeast(context, "2.0")) yield context.df.callActivity("AnnounceRun", context.df.instanceId);
  return yield* remediateVm(context);
});
df.app.orchestration("SweepBatch_2_0", function* (context: OrchestrationContext) {
  if (versionAtLeast(context, "2.0")) yield context.df.callActivity("AnnounceBatch", context.df.instanceId);
  return yield* sweepBatch(context);
});
// 2.0 without the version branch: every instance, old or new, takes the new sequence.
df.app.orchestration("RemediateVm_2_0_unbranched", function* (context: OrchestrationContext) {
  yield context.df.callActivity("AnnounceRun", context.df.instanceId);
  return yield* remediateVm(context);
});

const SKIP = { "rdp-medic-sweep": "skip" };
const VMS: VmSpec[] = [
  ...["a-approve", "a-reject", "a-doomed", "a-new", "a-rollback"].map((name) => ({ name, preset: "no-cals-visible", tags: SKIP })),
  ...["b-one", "b-two"].map((name) => ({ name, preset: "demo-broken", tags: SKIP })),
  ...["s-1", "s-2", "s-3", "s-4"].map((name) => ({ name, preset: name === "s-2" ? "healthy" : "demo-broken" })),
];

let app: OfflineApp;
let appDir20: string;
const HOST_JSON = JSON.parse(readFileSync(join(process.cwd(), "host.json"), "utf8")) as {
  extensions: { durableTask: Record<string, unknown> };
};

beforeAll(async () => {
  app = await startScenario(VMS, {
    NO_CALS_ACTION: "remove-rdsh-role",
    MAX_CONCURRENT_REMEDIATIONS: "1",
    SWEEP_MAX_CONCURRENCY: "1",
    SWEEP_TAG_EXCLUDE: "rdp-medic-sweep=skip",
    // Many VMs here lack CALs from one license server; the breaker would stop the later runs (guards-breaker tests it).
    BREAKER_THRESHOLD: "1000",
  }, "model");
  // Version 2.0's app directory: the project's host.json with a new defaultVersion, nothing else changed.
  appDir20 = mkdtempSync(join(tmpdir(), "rdp-medic-2.0-"));
  const bumped = { ...HOST_JSON, extensions: { ...HOST_JSON.extensions, durableTask: { ...HOST_JSON.extensions.durableTask, defaultVersion: "2.0" } } };
  writeFileSync(join(appDir20, "host.json"), JSON.stringify(bumped, null, 2));
});
afterAll(async () => {
  await app?.stop();
  if (appDir20) rmSync(appDir20, { recursive: true, force: true });
});

const version1 = () => functionRegistry;
const version2 = (remediate = "RemediateVm_2_0") => functionRegistry.withReplacements({ RemediateVm: remediate, SweepBatch: "SweepBatch_2_0" });
const status = (id: string) => app.host.getStatus(id, { showHistory: true }) as InstanceStatus;
const step = (id: string) => (status(id).customStatus as { step?: string } | null)?.step ?? "";
const activities = (id: string) =>
  (status(id).history ?? []).filter((e) => e.EventType === EventType.TaskScheduled).map((e) => (e as { Name: string }).Name);
const report = (id: string) => status(id).output as RunReport;
const slotHolders = () => Object.keys(app.host.readEntityState<SlotsState>("RemediationSlots", "global").entityState?.holders ?? {});

async function alert(name: string): Promise<string> {
  return runIdOf(await app.post("alerts", alertFor(name)));
}

async function decide(runId: string, decision: "approve" | "reject"): Promise<void> {
  expect((await app.post(`remediations/${runId}/${decision}`, { comment: "versioning test" })).status).toBe(202);
}

/** Moves virtual time on in small steps until `ready` holds (or fails, saying where things stand). */
async function runUntil(ready: () => boolean, describe: () => string, maxMinutes = 240): Promise<void> {
  for (let minute = 0; minute < maxMinutes * 4; minute++) {
    if (ready()) return;
    await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 15_000) });
  }
  throw new Error(`not reached within ${maxMinutes} virtual minutes: ${describe()}`);
}

const inFlight: Record<string, string> = {};
let sweepId = "";
let deployedAt = 0;

describe("a deployment of a changed orchestrator into the task hub where 1.0 runs are in flight", () => {
  it("1.0 runs wait for approval and for the slot, and a 1.0 sweep is half done", async () => {
    expect(app.host.versioning).toMatchObject({ defaultVersion: HOST_JSON.extensions.durableTask.defaultVersion, matchStrategy: "CurrentOrOlder", failureStrategy: "Reject" });
    expect(app.host.versioning.defaultVersion).toBe("1.0");
    for (const name of ["a-approve", "a-reject", "a-doomed", "b-one", "b-two"]) inFlight[name] = await alert(name);
    const started = await app.post("sweeps", { policy: "report" });
    expect(started.status, started.body).toBe(202);
    sweepId = (started.json as { sweepId: string }).sweepId;

    const sweepState = () => status(sweepId).customStatus as { remaining?: number; waves?: number } | null;
    const batchesDone = () => app.host.listInstances({ instanceIdPrefix: `${sweepId}:batch:`, runtimeStatus: ["Completed"] }).length;
    const waiting = () => ["b-one", "b-two"].filter((n) => step(inFlight[n] as string) === "waiting-for-slot");
    await runUntil(
      () =>
        ["a-approve", "a-reject", "a-doomed"].every((n) => step(inFlight[n] as string) === "awaiting-approval") &&
        slotHolders().length === 1 &&
        waiting().length === 1 &&
        batchesDone() >= 1 &&
        (sweepState()?.remaining ?? 0) > 0,
      () =>
        JSON.stringify({
          steps: Object.fromEntries(Object.entries(inFlight).map(([n, id]) => [n, step(id)])),
          holders: slotHolders(),
          sweep: sweepState(),
          batchesDone: batchesDone(),
        }),
    );
    for (const id of Object.values(inFlight)) expect(status(id)).toMatchObject({ runtimeStatus: "Running", version: "1.0" });
    expect(status(sweepId)).toMatchObject({ runtimeStatus: "Running", version: "1.0" });
    const holder = slotHolders()[0] as string;
    expect([inFlight["b-one"], inFlight["b-two"]]).toContain(holder);
    expect(step(holder)).not.toBe("waiting-for-slot");
  });

  it("2.0 shipped without the version branch: a 1.0 run that wakes up fails on replay, as the Durable host fails it", async () => {
    app.host.deploy(version2("RemediateVm_2_0_unbranched"), { appDirectory: appDir20 });
    expect(app.host.versioning.defaultVersion).toBe("2.0");
    const doomed = inFlight["a-doomed"] as string;
    await decide(doomed, "approve");
    await app.host.runUntilIdle({ advanceClock: false });
    const failed = status(doomed);
    expect(failed.runtimeStatus).toBe("Failed");
    expect(failed.output).toMatch(
      /^Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence ID 0 and name 'Preflight', but the current orchestration replay instead scheduled one named 'AnnounceRun'/,
    );
    // Nothing of the approved change happened: no new action, no change to the VM but its snapshot.
    expect(activities(doomed)).not.toContain("AnnounceRun");
    const changes = requestsFor(app.sim.requestLog.entries(), vmId("a-doomed")).filter((e) => e.stateChanging && e.operation !== "snapshot.put");
    expect(changes).toEqual([]);
  });

  it("2.0 with the branch kept: the 1.0 runs and the 1.0 sweep finish on 1.0's sequence", async () => {
    app.host.deploy(version2(), { appDirectory: appDir20 });
    deployedAt = app.host.clock.nowMs();
    await decide(inFlight["a-approve"] as string, "approve");
    await decide(inFlight["a-reject"] as string, "reject");
    await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 8 * 3_600_000) });

    expect(report(inFlight["a-approve"] as string).verdict).toBe("remediated");
    expect(report(inFlight["a-reject"] as string).verdict).toBe("rejected");
    expect(report(inFlight["b-one"] as string).verdict).toBe("remediated");
    expect(report(inFlight["b-two"] as string).verdict).toBe("remediated");
    for (const name of ["a-approve", "a-reject", "b-one", "b-two"]) {
      const id = inFlight[name] as string;
      expect(status(id)).toMatchObject({ runtimeStatus: "Completed", version: "1.0" });
      expect(activities(id)[0]).toBe("Preflight");
      expect(activities(id)).not.toContain("AnnounceRun");
    }
    // Every slot was given back, the doomed run never took one.
    expect(slotHolders()).toEqual([]);

    const sweep = status(sweepId);
    expect(sweep).toMatchObject({ runtimeStatus: "Completed", version: "1.0" });
    expect((sweep.output as SweepReport).summary.checked).toBe(4);
    const batches = app.host.listInstances({ instanceIdPrefix: `${sweepId}:batch:` }, { showHistory: true });
    const after = batches.filter((b) => b.createdTime.getTime() >= deployedAt);
    expect(after.length, "batches started by the 1.0 sweep after the deployment").toBeGreaterThan(0);
    for (const batch of batches) {
      expect(batch).toMatchObject({ runtimeStatus: "Completed", version: "1.0" });
      expect(activities(batch.instanceId)).not.toContain("AnnounceBatch");
    }
  });

  it("new runs and sweeps start at 2.0 and take the new sequence", async () => {
    const run = await alert("a-new");
    await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 3_600_000) });
    expect(step(run), JSON.stringify(report(run)?.reason)).toBe("awaiting-approval");
    await decide(run, "approve");
    const started = await app.post("sweeps", { policy: "report" });
    expect(started.status, started.body).toBe(202);
    const sweep2 = (started.json as { sweepId: string }).sweepId;
    await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 8 * 3_600_000) });

    expect(status(run)).toMatchObject({ runtimeStatus: "Completed", version: "2.0" });
    expect(activities(run).slice(0, 2)).toEqual(["AnnounceRun", "Preflight"]);
    expect(report(run).verdict).toBe("remediated");
    expect(status(sweep2)).toMatchObject({ runtimeStatus: "Completed", version: "2.0" });
    const batches = app.host.listInstances({ instanceIdPrefix: `${sweep2}:batch:` });
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) {
      expect(batch.version).toBe("2.0");
      expect(activities(batch.instanceId)[0]).toBe("AnnounceBatch");
    }
  });

  it("rolling back to 1.0 leaves 2.0 instances untouched and queued; they go on when 2.0 is back", async () => {
    const run = await alert("a-rollback");
    await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 3_600_000) });
    expect(status(run)).toMatchObject({ version: "2.0" });
    expect(step(run)).toBe("awaiting-approval");
    const before = status(run).history;

    app.host.deploy(version1(), { appDirectory: process.cwd() });
    expect(app.host.versioning.defaultVersion).toBe("1.0");
    await decide(run, "approve");
    await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 3_600_000) });
    expect(status(run).runtimeStatus).toBe("Running");
    expect(status(run).history).toEqual(before);
    expect(status(run).stats.rejectedWorkItems).toBeGreaterThan(0);

    app.host.deploy(version2(), { appDirectory: appDir20 });
    await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 8 * 3_600_000) });
    expect(status(run)).toMatchObject({ runtimeStatus: "Completed", version: "2.0" });
    expect(report(run).verdict).toBe("remediated");
  });
});
