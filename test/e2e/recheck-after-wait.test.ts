import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPreset } from "../../local/guest/presets";
import type { OfflineApp } from "../../local/offline/offline-app";
import type { RunReport } from "../../src/domain/run";
import { alertFor, requestsFor, runIdOf, settle, startScenario, vmId } from "./harness";

// A restart with users signed in waits for a person (RESTART_WITH_USERS=approve, the default). What the run saw
// before the wait may not be true after it: the run probes again and changes only what is still broken.
let app: OfflineApp;

beforeAll(async () => {
  app = await startScenario([
    { name: "fixed-meanwhile", preset: "users-signed-in-broken" },
    { name: "still-broken", preset: "users-signed-in-broken" },
  ]);
});
afterAll(async () => {
  await app?.stop();
});

const probes = (name: string) => requestsFor(app.sim.requestLog.entries(), vmId(name)).filter((e) => e.operation === "vm.runCommand" && e.script === "probe");
const changes = (name: string) =>
  requestsFor(app.sim.requestLog.entries(), vmId(name)).filter(
    (e) => e.stateChanging && e.operation !== "snapshot.put" && !(e.operation === "vm.runCommand" && e.script === "probe"),
  );

async function waitingRun(name: string): Promise<string> {
  const runId = runIdOf(await app.post("alerts", alertFor(name)));
  await settle(app);
  expect((app.host.getStatus(runId)?.customStatus as { step?: string }).step).toBe("awaiting-approval");
  expect(probes(name)).toHaveLength(1);
  return runId;
}

describe("the evidence is read again after a wait", () => {
  it("a VM a person fixed while the run waited for approval is not changed or restarted after the approval", async () => {
    const runId = await waitingRun("fixed-meanwhile");
    // Someone fixes licensing by hand; the four users stay signed in.
    app.sim.setGuest(vmId("fixed-meanwhile"), loadPreset("users-signed-in"));

    expect((await app.post(`remediations/${runId}/approve`, { comment: "go ahead" })).status).toBe(202);
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("healthy");
    expect(report.reason).toMatch(/^RD licensing works now \(it changed while the run waited\); nothing was changed/);
    expect(report.steps).toEqual([]);
    expect(probes("fixed-meanwhile")).toHaveLength(2);
    expect(changes("fixed-meanwhile")).toEqual([]);
  });

  it("a VM still broken after the wait is fixed as approved, after a second probe that comes before the first change", async () => {
    const runId = await waitingRun("still-broken");
    expect((await app.post(`remediations/${runId}/approve`, {})).status).toBe(202);
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("remediated");
    expect(probes("still-broken")).toHaveLength(2);
    expect(changes("still-broken").some((e) => e.operation === "vm.restart")).toBe(true);
    // The second probe ran after the approval and before the first change.
    const log = requestsFor(app.sim.requestLog.entries(), vmId("still-broken"));
    const probeAt = log.flatMap((e, i) => (e.operation === "vm.runCommand" && e.script === "probe" ? [i] : []));
    const firstChange = log.findIndex((e) => e.stateChanging && e.operation !== "snapshot.put" && !(e.operation === "vm.runCommand" && e.script === "probe"));
    const secondProbe = probeAt[1]!;
    expect(secondProbe).toBeLessThan(firstChange);
  });
});
