import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOfflineApp, type OfflineApp } from "../../local/offline/offline-app";
import { resolveScenario } from "../../local/offline/scenario-file";
import type { SweepReport } from "../../src/activities/sweep-contracts";
import { SUB, e2eSimulator } from "./harness";
import { settle, sweepReport } from "./sweep-harness";

const VMS = 260;
let app: OfflineApp;
let report: SweepReport;
let sweepId: string;

beforeAll(async () => {
  const vms = Array.from({ length: VMS }, (_, i) => ({
    subscriptionId: SUB,
    resourceGroup: `rg-${i % 3}`,
    name: `fleet-${String(i).padStart(3, "0")}`,
    location: "westeurope",
    powerState: "running",
    agentReady: true,
    osDisk: { name: `fleet-${i}-os`, managed: true },
    guestPreset: i % 4 === 0 ? "mode-unset" : "healthy",
  }));
  const settings = { ALLOWED_SCOPES: `/subscriptions/${SUB}`, SWEEP_POLICY: "report", SWEEP_MAX_CONCURRENCY: "2" };
  app = await startOfflineApp({ scenario: resolveScenario({ vms }, new Date()), guest: "model", settings, simulator: e2eSimulator(settings, "sweep-scale") });
  // Azure throttles the first five probe starts (429 with Retry-After 0, so the client gives up at once).
  app.sim.addFault({ match: { operation: "vm.runCommand", script: "probe" }, effect: { status: 429, retryAfterSeconds: 0 }, times: 5 });
  const started = await app.post("sweeps", {});
  sweepId = (started.json as { sweepId: string }).sweepId;
  await settle(app, 12);
  report = await sweepReport(app, sweepId);
}, 300_000);
afterAll(async () => app?.stop());

describe("a sweep of 260 VMs, two at a time", () => {
  it("checks every VM once, with no failure, though Azure throttled some starts", () => {
    expect(report.state).toBe("completed");
    expect(report.summary).toMatchObject({ checked: VMS, compliant: 195, noncompliant: 65, unknown: 0, failed: 0 });
    const starts = app.sim.requestLog.byOperation("vm.runCommand");
    expect(starts.filter((s) => s.status === 429)).toHaveLength(5);
    // Accepted (202), or run before the answer (200), as each VM's response variant has it.
    const accepted = starts.filter((s) => s.status === 202 || s.status === 200);
    expect(accepted).toHaveLength(VMS);
    expect(new Set(accepted.map((s) => s.vmId)).size).toBe(VMS);
    expect(report.rate.throttledWaves).toBeGreaterThanOrEqual(1);
  });

  it("never grows a wave past SWEEP_MAX_CONCURRENCY", () => {
    expect(report.rate.peakWave).toBe(2);
    expect(report.rate.waves).toBeGreaterThan(100);
  });

  it("continues as new to keep the parent's history short, and no instance history is long", () => {
    const parent = app.host.instance(sweepId);
    expect(parent?.stats.executions).toBeGreaterThanOrEqual(2);
    const largest = Math.max(...app.host.store.list({}).map((r) => r.stats.largestHistory));
    expect(largest).toBeLessThan(1000);
    const batches = app.host.listInstances().filter((i) => i.name === "SweepBatch");
    expect(batches.length).toBe(report.rate.batches);
    expect(batches.every((b) => b.instanceId.startsWith(`${sweepId}:batch:`))).toBe(true);
  });

  it("keeps orchestration inputs and outputs small: IDs and counts, never probe reports", () => {
    const sizes = app.host.store.list({}).flatMap((r) => r.history.map((e) => JSON.stringify(e).length));
    expect(Math.max(...sizes)).toBeLessThan(64 * 1024);
    const text = JSON.stringify(app.host.store.list({}).map((r) => r.history));
    expect(text).not.toContain("specifiedLicenseServers");
  });
});
