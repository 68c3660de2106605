import { withoutStackTrace } from "../domain/activity-failure";
import { serversOfPlan } from "../domain/guards";
import type { RunRecord, StepResult } from "../domain/run-record";
import type { RunReport } from "../domain/run";
import type { ActivityDeps } from "./deps";

/** Writes the run's report to the audit ledger (one record per run). Without a ledger it records nothing. */
export function createRecordRun(deps: Pick<ActivityDeps, "config" | "ledger">) {
  return async (input: { report: RunReport; guard?: string }): Promise<{ recorded: boolean }> => {
    if (!deps.ledger) return { recorded: false };
    await deps.ledger.recordRun(toRunRecord(input.report, deps.config.policy.licenseServers, input.guard));
    return { recorded: true };
  };
}

export function toRunRecord(report: RunReport, policyServers: readonly string[], guard?: string): RunRecord {
  const steps: StepResult[] = report.steps.map((s) => ({
    step: s.step,
    status: s.status === "done" ? "applied" : s.status,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    before: s.before ?? {},
    after: s.after ?? {},
    ...(s.error === undefined ? {} : { error: withoutStackTrace(s.error) }),
  }));
  const { trigger } = report;
  return {
    runId: report.runId,
    vmId: report.vmId,
    trigger:
      trigger.kind === "alert"
        ? { kind: "alert", alertId: trigger.alertId, alertRule: trigger.alertRule }
        : trigger.kind === "sweep"
          ? { kind: "sweep", sweepId: trigger.sweepId }
          : { kind: "manual" },
    startedAt: report.startedAt,
    endedAt: report.endedAt,
    verdict: report.verdict,
    causes: report.causes,
    plan: report.plan,
    steps,
    humanActions: report.humanActions,
    ...(report.snapshotId === undefined ? {} : { snapshotId: report.snapshotId }),
    licenseServers: serversOfPlan({ verdict: "fix", causes: [], steps: report.plan, humanActions: [], needsApproval: false }, policyServers),
    reason: withoutStackTrace(report.reason),
    ...(guard === undefined ? {} : { guard }),
    durationsMs: { total: Date.parse(report.endedAt) - Date.parse(report.startedAt) },
    ...(trigger.kind === "manual" && trigger.by ? { startedBy: trigger.by } : {}),
    ...(report.decisions && report.decisions.length > 0 ? { decisions: report.decisions } : {}),
    ...(report.approvals && report.approvals.length > 0 ? { approvals: report.approvals } : {}),
    ...(report.pendingAlerts && report.pendingAlerts.length > 0 ? { pendingAlerts: report.pendingAlerts } : {}),
  };
}
