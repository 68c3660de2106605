import { describe, expect, it } from "vitest";
import type { RunReport } from "../../../src/domain/run";
import type { RequestLogEntry } from "../../../local/simulator";
import { judgeCase, type CaseObservation } from "../../../local/reliability/checks";
import { buildMatrix, type FaultCase } from "../../../local/reliability/matrix";

// The matrix's checks must catch what they are for: these observations are built to break one invariant each.
const probeLro = buildMatrix().find((c) => c.applies && c.faultCase.id === "f-probe-lro");
const faultCase = (probeLro as { faultCase: FaultCase }).faultCase;
const RUN = "rdpmedic-f-probe-lro-0123456789abcdef";
const VM = "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/f-probe-lro";

let seq = 0;
function entry(fields: Partial<RequestLogEntry>): RequestLogEntry {
  seq += 1;
  return { seq, time: "", method: "GET", path: "/", status: 200, category: "read", operation: "vm.get", stateChanging: false, vmId: VM, ...fields };
}

function report(fields: Partial<RunReport> = {}): RunReport {
  return {
    runId: RUN,
    vmId: VM,
    trigger: { kind: "manual" },
    dryRun: false,
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:00:30.000Z",
    verdict: "failed",
    reason: "probe failed (VMExtensionProvisioningError): boom",
    snapshotId: "snap",
    before: undefined,
    causes: [],
    plan: [],
    humanActions: [],
    steps: [],
    verify: undefined,
    ...fields,
  };
}

function goodRequests(): RequestLogEntry[] {
  seq = 0;
  return [
    entry({ operation: "vm.get" }),
    entry({ operation: "snapshot.put", method: "PUT", status: 202, stateChanging: true, category: "write" }),
    entry({ operation: "operation.poll", pollOf: "snapshot.put", lroStatus: "Succeeded", category: "poll" }),
    entry({ operation: "vm.runCommand", method: "POST", status: 202, script: "probe", category: "action" }),
    entry({ operation: "operation.poll", pollOf: "vm.runCommand", script: "probe", lroStatus: "Failed", category: "poll" }),
  ];
}

function observation(fields: Partial<CaseObservation> = {}): CaseObservation {
  return {
    runtimeStatus: "Completed",
    report: report(),
    requests: goodRequests(),
    slotHolders: [],
    ledgerRunIds: [RUN],
    injectionError: undefined,
    injectionsPending: 0,
    ...fields,
  };
}

describe("judgeCase", () => {
  it("passes a run that ended as expected", () => {
    const result = judgeCase(faultCase, RUN, observation(), 60_000);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it("catches a state-changing request before the snapshot completed", () => {
    const requests = goodRequests();
    requests.splice(1, 0, entry({ operation: "vm.runCommand", method: "POST", status: 202, script: "set-licensing-mode", stateChanging: true }));
    requests.forEach((e, i) => (e.seq = i + 1)); // arrival order
    const result = judgeCase(faultCase, RUN, observation({ requests }), 60_000);
    expect(result.checks.snapshotBeforeChange).toBe(false);
    expect(result.invariantsOk).toBe(false);
  });

  it("catches a change with no snapshot at all, even one that was refused", () => {
    seq = 0;
    const requests = [entry({ operation: "vm.restart", method: "POST", status: 429, stateChanging: true })];
    expect(judgeCase(faultCase, RUN, observation({ requests }), 60_000).checks.snapshotBeforeChange).toBe(false);
  });

  it("catches a hung run, a missing report, an overlong run, a held slot and a missing ledger record", () => {
    expect(judgeCase(faultCase, RUN, observation({ runtimeStatus: "Running", report: undefined }), 60_000).checks).toMatchObject({
      terminal: false,
      reportPresent: false,
      bounded: false,
    });
    expect(judgeCase(faultCase, RUN, observation(), 10_000).checks.bounded).toBe(false);
    expect(judgeCase(faultCase, RUN, observation({ slotHolders: [RUN] }), 60_000).checks.slotReleased).toBe(false);
    expect(judgeCase(faultCase, RUN, observation({ ledgerRunIds: [] }), 60_000).checks.ledgerRecord).toBe(false);
  });

  it("catches a wrong verdict, a reason that does not name the step (the VM's name does not count), and an unseen fault", () => {
    const remediated = judgeCase(faultCase, RUN, observation({ report: report({ verdict: "remediated", reason: "3 step(s) applied and verified" }) }), 60_000);
    expect(remediated.checks.expected).toBe(false);
    const vague = judgeCase(faultCase, RUN, observation({ report: report({ reason: "the run on f-probe-lro stopped" }) }), 60_000);
    expect(vague.checks.expected).toBe(false);
    const unseen = goodRequests().map((e) => (e.lroStatus === "Failed" ? { ...e, lroStatus: "Succeeded" as const } : e));
    expect(judgeCase(faultCase, RUN, observation({ requests: unseen }), 60_000).checks.faultExercised).toBe(false);
  });

  it("catches a failure after an accepted change that does not say how to restore", () => {
    const requests = goodRequests();
    requests.push(entry({ operation: "vm.runCommand", method: "POST", status: 202, script: "set-licensing-mode", stateChanging: true }));
    const withoutHint = judgeCase(faultCase, RUN, observation({ requests }), 60_000);
    expect(withoutHint.checks.restoreGuidance).toBe(false);
    const withHint = judgeCase(faultCase, RUN, observation({ requests, report: report({ restoreHint: "restore the OS disk from snapshot snap: ..." }) }), 60_000);
    expect(withHint.checks.restoreGuidance).toBe(true);
  });
});
