/**
 * What a finished case is judged on: the run's own record (terminal state, report, virtual duration), the
 * simulator's request log (no state change before the snapshot, the fault really happened), the blast-radius
 * semaphore (the run's slot is free) and the audit ledger (the run is recorded).
 */
import type { RunReport } from "../../src/domain/run";
import { operationEndOf, type RequestLogEntry } from "../simulator";
import { meetsExpectation } from "./expectations";
import type { FaultCase } from "./matrix";

export interface CaseObservation {
  runtimeStatus: string | undefined;
  report: RunReport | undefined;
  /** The VM's requests from the app, in order (this runner's own requests left out). */
  requests: RequestLogEntry[];
  slotHolders: readonly string[];
  ledgerRunIds: readonly string[];
  injectionError: string | undefined;
  injectionsPending: number;
}

export interface CaseChecks {
  terminal: boolean;
  reportPresent: boolean;
  bounded: boolean;
  snapshotBeforeChange: boolean;
  slotReleased: boolean;
  ledgerRecord: boolean;
  /** A run that failed after a change was accepted says how to restore the OS disk. */
  restoreGuidance: boolean;
  faultExercised: boolean;
  expected: boolean;
}

export interface CaseResult {
  faultCase: FaultCase;
  runId: string;
  runtimeStatus: string | undefined;
  verdict: string | undefined;
  reason: string | undefined;
  virtualMs: number | undefined;
  /** What shows that the fault happened, e.g. "5 requests faulted". */
  evidence: string;
  checks: CaseChecks;
  /** Invariants: everything but the expected verdict and the fault's evidence. */
  invariantsOk: boolean;
  ok: boolean;
  problems: string[];
}

export function judgeCase(faultCase: FaultCase, runId: string, seen: CaseObservation, boundMs: number): CaseResult {
  const report = seen.report;
  const virtualMs = report ? Date.parse(report.endedAt) - Date.parse(report.startedAt) : undefined;
  const firstChange = seen.requests.find((e) => e.stateChanging && e.operation !== "snapshot.put");
  const snapshotDone = seen.requests.find((e) => {
    const end = operationEndOf(e);
    return end?.operation === "snapshot.put" && end.status === "Succeeded";
  });
  const changed = seen.requests.some((e) => e.stateChanging && e.operation !== "snapshot.put" && e.status >= 200 && e.status < 300);
  const exercised = faultEvidence(faultCase, seen);
  const checks: CaseChecks = {
    terminal: seen.runtimeStatus === "Completed",
    reportPresent: report !== undefined && report.runId === runId && typeof report.verdict === "string" && report.reason.length > 0,
    bounded: virtualMs !== undefined && virtualMs <= boundMs,
    snapshotBeforeChange: firstChange === undefined || (snapshotDone !== undefined && snapshotDone.seq < firstChange.seq),
    slotReleased: !seen.slotHolders.includes(runId),
    ledgerRecord: seen.ledgerRunIds.includes(runId),
    restoreGuidance: !(report?.verdict === "failed" && changed) || (report.restoreHint ?? "").includes(report.snapshotId ?? "\u0000"),
    faultExercised: exercised.ok && seen.injectionError === undefined && seen.injectionsPending === 0,
    expected: meetsExpectation(faultCase.expected, report?.verdict, report?.reason, faultCase.id),
  };
  const problems: string[] = [];
  if (!checks.terminal) problems.push(`runtime status ${seen.runtimeStatus ?? "missing"} (not Completed)`);
  if (!checks.reportPresent) problems.push("no report");
  if (!checks.bounded) problems.push(`took ${virtualMs === undefined ? "unknown" : `${virtualMs / 1000} s`} of virtual time (bound ${boundMs / 1000} s)`);
  if (!checks.snapshotBeforeChange) {
    problems.push(`state-changing request #${firstChange?.seq} (${firstChange?.operation} ${firstChange?.script ?? ""}) before the snapshot completed`);
  }
  if (!checks.slotReleased) problems.push("the run still holds a blast-radius slot");
  if (!checks.ledgerRecord) problems.push("no ledger record");
  if (!checks.restoreGuidance) problems.push("failed after a change without saying how to restore the OS disk from the snapshot");
  if (!checks.faultExercised) {
    problems.push(
      seen.injectionError ?? (seen.injectionsPending > 0 ? `${seen.injectionsPending} injection(s) never happened` : `fault not seen: ${exercised.evidence}`),
    );
  }
  if (!checks.expected) problems.push(`expected ${faultCase.expected.summary}, got ${report?.verdict ?? "nothing"}: ${report?.reason ?? ""}`);
  const invariantsOk = checks.terminal && checks.reportPresent && checks.bounded && checks.snapshotBeforeChange && checks.slotReleased && checks.ledgerRecord && checks.restoreGuidance;
  return {
    faultCase,
    runId,
    runtimeStatus: seen.runtimeStatus,
    verdict: report?.verdict,
    reason: report?.reason,
    virtualMs,
    evidence: exercised.evidence,
    checks,
    invariantsOk,
    ok: problems.length === 0,
    problems,
  };
}

/** Proof from the request log that the fault did happen to this run. */
function faultEvidence(faultCase: FaultCase, seen: CaseObservation): { ok: boolean; evidence: string } {
  const { step, fault } = faultCase;
  const log = seen.requests;
  if (!step || !fault) return { ok: true, evidence: "no fault" };
  // An answer about the step's operation: a poll or result, a read of its resource, or the request itself.
  const about = (e: RequestLogEntry) => e.pollOf ?? (e.lroStatus !== undefined ? e.operation : undefined);
  const ofStep = (e: RequestLogEntry) =>
    step.kind === "snapshot"
      ? about(e) === "snapshot.put"
      : step.kind === "restart"
        ? about(e) === "vm.restart"
        : step.kind === "run-command"
          ? about(e) === "vm.runCommand" && e.script === step.script
          : false;
  switch (fault.id) {
    case "429":
    case "500":
    case "reset": {
      const hit = log.filter((e) => e.fault !== undefined && e.fault.startsWith(fault.id === "reset" ? "reset" : `status ${fault.id}`)).length;
      return { ok: hit > 0, evidence: `${hit} request(s) answered ${fault.id === "reset" ? "with a reset" : fault.id}` };
    }
    case "lro-failed": {
      const failed = log.some((e) => ofStep(e) && e.lroStatus === "Failed");
      return { ok: failed, evidence: failed ? "the step's operation ended Failed" : "the step's operation never ended Failed" };
    }
    case "never-finishes": {
      // The step's first operation (a rollback may run the same kind of operation again, and that one ends).
      const first = log.find(ofStep)?.operationId;
      const polls = log.filter((e) => ofStep(e) && e.operationId === first);
      const ok = polls.length > 1 && polls.every((e) => e.lroStatus === "InProgress");
      return { ok, evidence: `${polls.length} poll(s), all InProgress: ${ok}` };
    }
    case "409":
    case "409-stuck": {
      const refused = log.filter((e) => e.operation === "vm.runCommand" && e.script === step.script && e.status === 409).length;
      const ok =
        fault.id === "409"
          ? refused >= 1 && log.some((e) => e.operation === "vm.runCommand" && e.script === step.script && (e.status === 202 || e.status === 200))
          : refused > 1;
      return { ok, evidence: `${refused} Run Command(s) refused with 409` };
    }
    case "agent-not-ready":
    case "vm-wont-start": {
      if (step.id === "preflight") {
        const reads = log.filter((e) => e.operation === "vm.get").length;
        const others = log.filter((e) => e.operation !== "vm.get").length;
        return { ok: reads > 0 && others === 0, evidence: `${reads} read(s), ${others} other request(s)` };
      }
      const restart = log.findIndex((e) => e.operation === "vm.restart" && (e.status === 202 || e.status === 200));
      if (fault.id === "vm-wont-start") {
        const failed = log.some((e) => e.pollOf === "vm.restart" && e.lroStatus === "Failed");
        return { ok: failed, evidence: failed ? "the restart's operation ended Failed" : "the restart did not fail" };
      }
      const reads = restart < 0 ? 0 : log.slice(restart).filter((e) => e.operation === "vm.get").length;
      return { ok: reads > 2, evidence: `${reads} instance-view read(s) after the restart` };
    }
  }
}
