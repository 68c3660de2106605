import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import {
  SWEEP_ACTIVITY,
  type PollProbesResult,
  type ProbeStartOutcome,
  type ReturnReason,
  type StartRemediationsResult,
} from "../activities/sweep-contracts";
import { compareWorstFirst, notProbeable, unknownCheck } from "../domain/sweep-check";
import type { RepairNote, SweepSettings, VmCheck } from "../domain/sweep-record";
import type { WaveOutcome } from "../domain/sweep-rate";
import { summarise, type SweepSummary } from "../domain/sweep-summary";
import { unpackTargets, type PackedTargets } from "../domain/sweep-targets";
import { AZURE_RETRY } from "./wait-for-operation";

export const SWEEP_BATCH = "SweepBatch";

export interface BatchInput {
  sweepId: string;
  batch: number;
  targets: PackedTargets;
  settings: SweepSettings;
  /** Failed checks this batch may still have before it stops starting probes (the sweep's remaining budget). */
  errorBudget: number;
  /** Remediation runs this batch may start. */
  remediationBudget: number;
}

export interface ReturnedVm {
  vmId: string;
  why: ReturnReason;
  retryAfterSeconds: number;
  detail?: string;
}

export interface BatchResult {
  batch: number;
  summary: SweepSummary;
  /** Probes this batch was given that it started (VMs handed back before starting are not counted). */
  probesStarted: number;
  wave: WaveOutcome;
  /** VMs handed back to the sweep's queue. */
  returned: ReturnedVm[];
  remediationsStarted: number;
}

type Step = Generator<df.Task, any, any>;

/**
 * Checks one batch of VMs (at most SWEEP_LIMITS.batchSize): VMs that cannot be probed are reported at once;
 * the others get the read-only probe, started by one activity and polled by later ones with durable timers in
 * between; under policy remediate, repairable VMs then get their own remediation run. History stays a few dozen
 * events whatever the batch size: one activity per round, never one per VM.
 */
export function* sweepBatch(context: OrchestrationContext): Step {
  const input = context.df.getInput<BatchInput>();
  const { settings } = input;
  const now = () => context.df.currentUtcDateTime;
  const targets = unpackTargets(input.targets);
  const symptomsOf = new Map(targets.map((t) => [t.vmId, t.symptoms]));
  const optedOut = new Set(targets.filter((t) => t.optedOut).map((t) => t.vmId));
  const checks: VmCheck[] = [];
  const wave: WaveOutcome = { ok: 0, failed: 0, neutral: 0, throttled: 0, retryAfterSeconds: 0 };
  const returned: ReturnedVm[] = [];
  const status = (phase: string, pending = 0) => context.df.setCustomStatus({ sweepId: input.sweepId, batch: input.batch, phase, pending });
  const probeDone = (check: VmCheck) => {
    checks.push(check);
    if (check.outcome !== "unknown") wave.ok += 1;
    else if (check.failed) wave.failed += 1;
    else wave.neutral += 1;
  };

  const probeable: string[] = [];
  for (const t of targets) {
    const why = notProbeable(t.powerState);
    if (why) checks.push(unknownCheck(t.vmId, why.code, why.message, { symptoms: t.symptoms, now: now() }));
    else probeable.push(t.vmId);
  }

  let probesStarted = 0;
  if (probeable.length > 0) {
    status("starting probes", probeable.length);
    const started: { results: ProbeStartOutcome[] } = yield context.df.callActivityWithRetry(SWEEP_ACTIVITY.startProbes, AZURE_RETRY, {
      sweepId: input.sweepId,
      vmIds: probeable,
      stopAfterFailures: Math.max(1, input.errorBudget),
    });
    let pending: Array<{ vmId: string; op: string }> = [];
    for (const r of started.results) {
      if (r.state === "started") pending.push({ vmId: r.vmId, op: r.op });
      else if (r.state === "finished") probeDone(r.check);
      else {
        returned.push({ vmId: r.vmId, why: r.why, retryAfterSeconds: r.retryAfterSeconds, ...(r.detail ? { detail: r.detail } : {}) });
        if (r.why === "throttled") {
          wave.throttled += 1;
          wave.retryAfterSeconds = Math.max(wave.retryAfterSeconds, r.retryAfterSeconds);
        }
      }
    }
    probesStarted = probeable.length - returned.filter((r) => r.why === "not-started").length;

    const deadline = now().getTime() + settings.operationTimeoutMinutes * 60_000;
    while (pending.length > 0) {
      const next = now().getTime() + settings.pollIntervalSeconds * 1000;
      if (next > deadline) {
        const message = `the probe did not finish within ${settings.operationTimeoutMinutes} minutes`;
        for (const p of pending) probeDone(unknownCheck(p.vmId, "probe-timeout", message, { symptoms: 0, now: now() }));
        pending = [];
        break;
      }
      status("polling probes", pending.length);
      yield context.df.createTimer(new Date(next));
      const polled: PollProbesResult = yield context.df.callActivityWithRetry(SWEEP_ACTIVITY.pollProbes, AZURE_RETRY, {
        sweepId: input.sweepId,
        graceWarningDays: settings.graceWarningDays,
        probes: pending,
      });
      if (polled.throttled > 0) wave.throttled += polled.throttled;
      const done = new Set(polled.finished.map((c) => c.vmId));
      for (const check of polled.finished) probeDone(check);
      pending = pending.filter((p) => !done.has(p.vmId));
    }
  }
  for (const check of checks) check.symptoms = symptomsOf.get(check.vmId) ?? 0;

  let remediationsStarted = 0;
  if (settings.policy === "remediate") {
    const noncompliant = checks.filter((c) => c.outcome === "noncompliant").sort(compareWorstFirst);
    const note = (check: VmCheck, repair: RepairNote) => (check.repair = repair);
    const candidates: VmCheck[] = [];
    for (const check of noncompliant) {
      if (!check.repairable) note(check, { state: "not-repairable", detail: "the fix needs a person (see the causes)" });
      else if (optedOut.has(check.vmId)) note(check, { state: "opted-out" });
      else if (candidates.length >= input.remediationBudget) note(check, { state: "over-cap", detail: "SWEEP_MAX_REMEDIATIONS reached" });
      else candidates.push(check);
    }
    if (candidates.length > 0) {
      status("starting remediations", candidates.length);
      let repairs: StartRemediationsResult["repairs"] = [];
      try {
        const started: StartRemediationsResult = yield context.df.callActivityWithRetry(SWEEP_ACTIVITY.startRemediations, AZURE_RETRY, {
          sweepId: input.sweepId,
          vmIds: candidates.map((c) => c.vmId),
        });
        repairs = started.repairs;
      } catch (error) {
        // The checks stand even when no run could be started: each candidate says why.
        const detail = `no remediation run could be started: ${String((error as Error)?.message ?? error).slice(0, 200)}`;
        repairs = candidates.map((c) => ({ vmId: c.vmId, repair: { state: "failed", detail } }));
      }
      const byVm = new Map(repairs.map((r) => [r.vmId, r.repair]));
      for (const check of candidates) {
        const repair = byVm.get(check.vmId) ?? { state: "failed", detail: "no answer for this VM" };
        note(check, repair);
        if (repair.state === "started") remediationsStarted += 1;
      }
    }
  }

  if (checks.length > 0) {
    status("recording", checks.length);
    yield context.df.callActivityWithRetry(SWEEP_ACTIVITY.recordChecks, AZURE_RETRY, { sweepId: input.sweepId, checks });
  }
  status("done");
  const result: BatchResult = { batch: input.batch, summary: summarise(checks), probesStarted, wave, returned, remediationsStarted };
  return result;
}
