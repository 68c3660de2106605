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

/** Probes started per round; the next chunk starts while the previous ones are polled. */
export const START_CHUNK = 100;

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
 * between; under policy remediate (or enforce), repairable VMs then get their own remediation run. History stays a few dozen
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

  // Starts go in chunks while the probes started before are polled, in the same round: writes (starts) and
  // reads (polls) draw on different throttling budgets, so neither waits for the other.
  const queue = [...probeable];
  let pending: Array<{ vmId: string; op: string }> = [];
  const startedAt = new Map<string, number>();
  let batchFailures = 0;
  const timeoutMs = settings.operationTimeoutMinutes * 60_000;
  for (let round = 0; queue.length > 0 || pending.length > 0; round++) {
    if (round > 0) {
      const expired = pending.filter((p) => now().getTime() + settings.pollIntervalSeconds * 1000 - (startedAt.get(p.vmId) ?? 0) > timeoutMs);
      for (const p of expired) {
        probeDone(unknownCheck(p.vmId, "probe-timeout", `the probe did not finish within ${settings.operationTimeoutMinutes} minutes`, { symptoms: 0, now: now() }));
      }
      pending = pending.filter((p) => !expired.includes(p));
      if (queue.length === 0 && pending.length === 0) break;
      status("probing", pending.length + queue.length);
      yield context.df.createTimer(new Date(now().getTime() + settings.pollIntervalSeconds * 1000));
    }
    const budget = input.errorBudget - batchFailures;
    const chunk = budget > 0 ? queue.splice(0, START_CHUNK) : [];
    if (budget <= 0 && queue.length > 0) {
      for (const vmId of queue.splice(0)) returned.push({ vmId, why: "not-started", retryAfterSeconds: 0 });
    }
    const polling = pending;
    const tasks: df.Task[] = [];
    if (chunk.length > 0) {
      tasks.push(context.df.callActivityWithRetry(SWEEP_ACTIVITY.startProbes, AZURE_RETRY, { sweepId: input.sweepId, vmIds: chunk, stopAfterFailures: budget }));
    }
    if (polling.length > 0) {
      tasks.push(
        context.df.callActivityWithRetry(SWEEP_ACTIVITY.pollProbes, AZURE_RETRY, {
          sweepId: input.sweepId,
          graceWarningDays: settings.graceWarningDays,
          probes: polling,
        }),
      );
    }
    if (tasks.length === 0) break;
    const answers: unknown[] = yield context.df.Task.all(tasks);
    const started = chunk.length > 0 ? (answers[0] as { results: ProbeStartOutcome[] }) : undefined;
    const polled = polling.length > 0 ? (answers[answers.length - 1] as PollProbesResult) : undefined;
    if (polled) {
      wave.throttled += polled.throttled;
      const done = new Set(polled.finished.map((c) => c.vmId));
      for (const check of polled.finished) {
        probeDone(check);
        if (check.failed) batchFailures += 1;
      }
      pending = pending.filter((p) => !done.has(p.vmId));
    }
    for (const r of started?.results ?? []) {
      if (r.state === "started") {
        pending.push({ vmId: r.vmId, op: r.op });
        startedAt.set(r.vmId, now().getTime());
      } else if (r.state === "finished") {
        probeDone(r.check);
        if (r.check.failed) batchFailures += 1;
      } else {
        returned.push({ vmId: r.vmId, why: r.why, retryAfterSeconds: r.retryAfterSeconds, ...(r.detail ? { detail: r.detail } : {}) });
        if (r.why === "throttled") {
          wave.throttled += 1;
          wave.retryAfterSeconds = Math.max(wave.retryAfterSeconds, r.retryAfterSeconds);
        }
      }
    }
  }
  const probesStarted = probeable.length - returned.filter((r) => r.why === "not-started").length;
  for (const check of checks) check.symptoms = symptomsOf.get(check.vmId) ?? 0;

  let remediationsStarted = 0;
  if (settings.policy !== "report") {
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
