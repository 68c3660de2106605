import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import type { OfflineApp } from "../../local/offline/offline-app";
import type { RequestLogEntry } from "../../local/simulator";
import { readDword, readMultiString, featureState } from "../../local/guest/guest-registry";
import { FOREIGN_SUB, alertFor, requestsFor, startFleet, vmId } from "./harness";

const LICENSING_CORE = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core";
const LICENSE_SERVERS = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers";
const HOUR = 3_600_000;

let app: OfflineApp;

beforeAll(async () => {
  // The breaker has its own test (guards-breaker); here many VMs of one server need fixes on purpose.
  app = await startFleet({ NO_CALS_ACTION: "remove-rdsh-role", LICENSE_SERVERS: "ls01.contoso.com", BREAKER_THRESHOLD: "50" });
});
afterAll(async () => app?.stop());

/** Runs the host until nothing can progress within the next hour of virtual time (approval timers stay pending). */
async function settle(): Promise<void> {
  await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + HOUR) });
}

async function alertAndSettle(...names: string[]) {
  const response = await app.post("alerts", alertFor(...names));
  await settle();
  return response;
}

async function reportOf(runId: string): Promise<RunReport> {
  const status = await app.get(`remediations/${runId}`);
  expect(status.status).toBe(200);
  return (status.json as { report: RunReport }).report;
}

/** State-changing requests on a VM other than its snapshot (a snapshot changes nothing on the VM). */
function guestOrVmChanges(id: string): RequestLogEntry[] {
  return requestsFor(app.sim.requestLog.entries(), id).filter((e) => e.stateChanging && e.operation !== "snapshot.put");
}

function snapshotWrites(entries: RequestLogEntry[], vm: string) {
  return entries.filter((e) => e.operation === "snapshot.put" && (e.resourceId ?? e.path).includes(`rdpmedic-${vm}-`));
}

describe("an alert repairs a broken VM through the real orchestration", () => {
  it("snapshots, probes, fixes, restarts and verifies; RDP licensing is then configured", async () => {
    const id = vmId("rdsh-broken");
    const response = await alertAndSettle("rdsh-broken");
    expect(response.status).toBe(202);
    const run = (response.json as { runs: Array<{ runId: string; state: string; vmId: string }> }).runs[0]!;
    expect(run).toMatchObject({ vmId: id, state: "started" });

    const report = await reportOf(run.runId);
    expect(report.verdict, report.reason).toBe("remediated");
    expect(report.snapshotId).toMatch(/snapshots\/rdpmedic-rdsh-broken-/);
    expect(report.steps.map((s) => s.step.kind)).toEqual(["set-licensing-mode", "set-license-servers", "restart"]);
    expect(report.verify?.ok).toBe(true);

    const guest = app.sim.getGuest(id)!;
    expect(readDword(guest, LICENSING_CORE, "LicensingMode")).toBe(4);
    expect(readMultiString(guest, LICENSE_SERVERS, "SpecifiedLicenseServers")).toEqual(["ls01.contoso.com"]);

    // Safety invariant 1: the snapshot completed before the first state-changing Run Command, and the restart
    // came after the fix steps and before verify.
    const log = requestsFor(app.sim.requestLog.entries(), id);
    const all = app.sim.requestLog.entries();
    const snapshotPut = snapshotWrites(all, "rdsh-broken")[0]!;
    const snapshotDone = all.find((e) => e.pollOf === "snapshot.put" && e.operationId === snapshotPut.operationId && e.lroStatus === "Succeeded");
    const firstChange = log.find((e) => e.operation === "vm.runCommand" && e.stateChanging);
    const restart = log.find((e) => e.operation === "vm.restart");
    const verify = log.find((e) => e.operation === "vm.runCommand" && e.script === "verify");
    expect(snapshotDone).toBeDefined();
    expect(firstChange).toBeDefined();
    expect(snapshotDone!.seq).toBeLessThan(firstChange!.seq);
    expect(firstChange!.seq).toBeLessThan(restart!.seq);
    expect(restart!.seq).toBeLessThan(verify!.seq);
    expect(log.filter((e) => e.operation === "vm.runCommand").map((e) => e.script)).toEqual([
      "probe",
      "set-licensing-mode",
      "set-license-servers",
      "verify",
    ]);
  });

  it("a healthy VM ends healthy (a second alert joins its run); its snapshot is the only write", async () => {
    const id = vmId("rdsh-healthy");
    const first = await app.post("alerts", alertFor("rdsh-healthy"));
    const second = await app.post("alerts", alertFor("rdsh-healthy"));
    const [a, b] = [first, second].map((r) => (r.json as { runs: Array<{ runId: string; state: string }> }).runs[0]!);
    expect(a!.state).toBe("started");
    expect(b!.state).toBe("already-running");
    expect(b!.runId).toBe(a!.runId);
    await settle();

    const report = await reportOf(a!.runId);
    expect(report.verdict, report.reason).toBe("healthy");
    const log = requestsFor(app.sim.requestLog.entries(), id);
    expect(guestOrVmChanges(id)).toEqual([]);
    expect(log.some((e) => e.operation === "vm.restart")).toBe(false);
    expect(snapshotWrites(app.sim.requestLog.entries(), "rdsh-healthy")).toHaveLength(1);
  });

  it("a deallocated VM is skipped with no write", async () => {
    const id = vmId("rdsh-off");
    const response = await alertAndSettle("rdsh-off");
    const report = await reportOf((response.json as { runs: Array<{ runId: string }> }).runs[0]!.runId);
    expect(report.verdict).toBe("skipped");
    expect(report.reason).toContain("vm-not-running");
    expect(requestsFor(app.sim.requestLog.entries(), id).filter((e) => e.category !== "read")).toEqual([]);
    expect(snapshotWrites(app.sim.requestLog.entries(), "rdsh-off")).toEqual([]);
  });

  it("an out-of-scope VM is rejected with no ARM request at all", async () => {
    const before = app.sim.requestLog.entries().length;
    const response = await app.post("alerts", alertFor(vmId("rdsh-foreign", FOREIGN_SUB, "rg-elsewhere")));
    expect(response.status).toBe(403);
    expect((response.json as { error: { code: string } }).error.code).toBe("out-of-scope");
    expect(app.sim.requestLog.entries().length).toBe(before);
    const manual = await app.post("remediations", { vmId: vmId("rdsh-foreign", FOREIGN_SUB, "rg-elsewhere") });
    expect(manual.status).toBe(403);
    expect(app.sim.requestLog.entries().length).toBe(before);
  });

  it("a dry run diagnoses and plans, and writes nothing (no snapshot either)", async () => {
    const id = vmId("rdsh-dry");
    const guestBefore = app.sim.getGuest(id);
    const response = await app.post("remediations", { vmId: id, dryRun: true });
    expect(response.status).toBe(202);
    await settle();
    const report = await reportOf((response.json as { runId: string }).runId);
    expect(report.verdict).toBe("dry-run");
    expect(report.plan.map((s) => s.kind)).toEqual(["set-licensing-mode", "set-license-servers", "restart"]);
    expect(guestOrVmChanges(id)).toEqual([]);
    expect(snapshotWrites(app.sim.requestLog.entries(), "rdsh-dry")).toEqual([]);
    expect(app.sim.getGuest(id)).toEqual(guestBefore);
  });

  it("a VM tagged to opt out is diagnosed and never changed", async () => {
    const id = vmId("rdsh-optout");
    const response = await alertAndSettle("rdsh-optout");
    const report = await reportOf((response.json as { runs: Array<{ runId: string }> }).runs[0]!.runId);
    expect(report.verdict).toBe("diagnosed-only");
    expect(report.causes.length).toBeGreaterThan(0);
    expect(guestOrVmChanges(id)).toEqual([]);
    expect(snapshotWrites(app.sim.requestLog.entries(), "rdsh-optout")).toEqual([]);
  });
});

describe("removing the RD Session Host role waits for a person", () => {
  it("shows the planned change, and approval lets it run", async () => {
    const id = vmId("rdsh-nocals");
    const response = await alertAndSettle("rdsh-nocals");
    const runId = (response.json as { runs: Array<{ runId: string }> }).runs[0]!.runId;
    const waiting = await app.get(`remediations/${runId}`);
    const body = waiting.json as { runtimeStatus: string; step: string; status: { planned: Array<{ kind: string }>; before: unknown } };
    expect(body.runtimeStatus).toBe("Running");
    expect(body.step).toBe("awaiting-approval");
    expect(body.status.planned.map((s) => s.kind)).toContain("remove-rdsh-role");
    expect(body.status.before).toBeDefined();
    expect(guestOrVmChanges(id)).toEqual([]);

    expect((await app.post(`remediations/${runId}/approve`, {})).status).toBe(202);
    await settle();
    const report = await reportOf(runId);
    expect(report.verdict, report.reason).toBe("remediated");
    expect(featureState(app.sim.getGuest(id)!, "RDS-RD-Server")).toBe("Available");
  });

  it("rejection ends the run with no change; approving a finished run is refused", async () => {
    const id = vmId("rdsh-nocals2");
    const response = await alertAndSettle("rdsh-nocals2");
    const runId = (response.json as { runs: Array<{ runId: string }> }).runs[0]!.runId;
    expect((await app.post(`remediations/${runId}/reject`, { comment: "not now" })).status).toBe(202);
    await settle();
    const report = await reportOf(runId);
    expect(report.verdict).toBe("rejected");
    expect(guestOrVmChanges(id)).toEqual([]);
    const late = await app.post(`remediations/${runId}/approve`, {});
    expect(late.status).toBe(409);
    expect((late.json as { error: { code: string } }).error.code).toBe("run-finished");
  });
});
