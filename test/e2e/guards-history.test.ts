import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import type { RunRecord } from "../../src/domain/run-record";
import { loadPreset } from "../../local/guest/presets";
import type { OfflineApp } from "../../local/offline/offline-app";
import { alertFor, requestsFor, runIdOf, settle, startScenario, vmId } from "./harness";

let app: OfflineApp;
beforeAll(async () => {
  app = await startScenario([{ name: "rdsh-cool", preset: "demo-broken" }], { COOLDOWN_MINUTES: "120" }, "model");
});
afterAll(async () => app?.stop());

async function alertRun(name: string): Promise<RunReport> {
  const response = await app.post("alerts", alertFor(name));
  await settle(app);
  return (app.host.getStatus(runIdOf(response))!.output as RunReport);
}

describe("the audit ledger feeds the cooldown", () => {
  it("records the repair, then holds a new change within the cooldown", async () => {
    const id = vmId("rdsh-cool");
    const first = await alertRun("rdsh-cool");
    expect(first.verdict, first.reason).toBe("remediated");

    // Something breaks it again at once; the next alert diagnoses but must not change the VM.
    const broken = loadPreset("demo-broken");
    app.sim.setGuest(id, { ...app.sim.getGuest(id)!, registry: broken.registry });
    const mark = app.sim.requestLog.entries().length;
    const second = await alertRun("rdsh-cool");
    expect(second.verdict).toBe("diagnosed-only");
    expect(second.guard).toBe("cooldown");
    expect(second.reason).toContain(first.runId);
    const secondRunRequests = requestsFor(app.sim.requestLog.entries().slice(mark), id);
    expect(secondRunRequests.some((e) => e.script === "probe")).toBe(true);
    expect(secondRunRequests.filter((e) => e.stateChanging && e.operation !== "snapshot.put")).toEqual([]);

    // GET /api/remediations lists both runs from the ledger, newest first.
    const listed = await app.get(`remediations?vm=${encodeURIComponent(id)}&since=${encodeURIComponent(first.startedAt)}`);
    expect(listed.status, listed.body).toBe(200);
    const runs = (listed.json as { runs: RunRecord[] }).runs;
    expect(runs.map((r) => r.verdict)).toEqual(["diagnosed-only", "remediated"]);
    expect(runs[0]!.guard).toBe("cooldown");
    expect(runs[1]!.steps.map((s) => s.status)).toEqual(["applied", "applied", "applied"]);
    expect(runs[1]!.snapshotId).toBe(first.snapshotId);
  });

  it("the list endpoint refuses bad queries with stable codes", async () => {
    expect((await app.get("remediations?since=yesterday")).status).toBe(400);
    expect(((await app.get("remediations?limit=0")).json as { error: { code: string } }).error.code).toBe("limit-invalid");
    expect(((await app.get("remediations?vm=x")).json as { error: { code: string } }).error.code).toBe("vm-id-invalid");
  });
});
