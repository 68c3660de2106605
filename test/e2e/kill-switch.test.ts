import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import type { OfflineApp } from "../../local/offline/offline-app";
import { alertFor, requestsFor, runIdOf, settle, startScenario, vmId } from "./harness";

let app: OfflineApp;
beforeAll(async () => {
  app = await startScenario([{ name: "rdsh-ks", preset: "demo-broken" }], { KILL_SWITCH: "true" }, "model");
});
afterAll(async () => app?.stop());

describe("kill switch", () => {
  it("runs still diagnose and report, but nothing is written: no snapshot, no fix, no restart", async () => {
    const guestBefore = app.sim.getGuest(vmId("rdsh-ks"));
    const runId = runIdOf(await app.post("alerts", alertFor("rdsh-ks")));
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict).toBe("diagnosed-only");
    expect(report.guard).toBe("kill-switch");
    expect(report.causes.map((c) => c.code)).toContain("no-license-server");
    expect(report.plan.length).toBeGreaterThan(0);
    expect(report.snapshotId).toBeUndefined();
    const log = requestsFor(app.sim.requestLog.entries(), vmId("rdsh-ks"));
    expect(log.filter((e) => e.stateChanging)).toEqual([]);
    expect(log.filter((e) => e.category === "write")).toEqual([]);
    expect(app.sim.getGuest(vmId("rdsh-ks"))).toEqual(guestBefore);
  });
});
