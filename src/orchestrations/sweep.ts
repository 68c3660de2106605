import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { SWEEP_ACTIVITY, type ListTargetsResult, type SweepReport } from "../activities/sweep-contracts";
import { notProbeable, unknownCheck } from "../domain/sweep-check";
import { afterWave, nextWaveSize, startRate, type RateState, type WaveOutcome } from "../domain/sweep-rate";
import { SWEEP_LIMITS, type SweepInput, type VmCheck } from "../domain/sweep-record";
import { emptySummary, mergeSummaries, summarise, type SweepSummary } from "../domain/sweep-summary";
import { packTargets, unpackTargets, type SweepTarget } from "../domain/sweep-targets";
import { childVersion } from "./orchestration-version";
import { SWEEP_BATCH, type BatchInput, type BatchResult } from "./sweep-batch";
import { AZURE_RETRY } from "./wait-for-operation";

export const SWEEP = "Sweep";

/** A VM handed back (throttled, busy) this many times gets a final "unknown" instead of another try. */
export const MAX_RETURNS = 5;
/** At most this many targets in one wave (VMs that need no probe ride along for free, up to this). */
const MAX_WAVE_ITEMS = SWEEP_LIMITS.batchSize * 10;

/** What a sweep carries into its next execution when it continues as new (history reset, state kept). */
export interface SweepCarry {
  startedAt: string;
  listing: Omit<ListTargetsResult, "targets">;
  total: number;
  queue: ReturnType<typeof packTargets>;
  rate: RateState;
  summary: SweepSummary;
  nextBatch: number;
  remediationsLeft: number;
  returns: Record<string, number>;
}

export interface SweepOrchestrationInput extends SweepInput {
  carry?: SweepCarry;
}

export interface SweepStatus {
  sweepId: string;
  phase: "listing" | "checking" | "recording" | "done";
  total: number;
  checked: number;
  remaining: number;
  waves: number;
  waveSize: number;
  errors: number;
  compliant: number;
  noncompliant: number;
  unknown: number;
  warnings: number;
}

type Step = Generator<df.Task, any, any>;

/**
 * A compliance sweep: list the targets (IDs only), then check them in waves under rate control, each wave as
 * sub-orchestrations of at most SWEEP_LIMITS.batchSize VMs with explicit IDs `${sweepId}:batch:${n}`; merge their
 * small summaries; continue as new every SWEEP_LIMITS.wavesPerExecution waves so that no history grows long.
 */
export function* sweep(context: OrchestrationContext): Step {
  const input = context.df.getInput<SweepOrchestrationInput>();
  const { sweepId, settings } = input;
  const limits = { maxConcurrency: settings.maxConcurrency, maxErrors: settings.maxErrors };
  const now = () => context.df.currentUtcDateTime;

  let rate: RateState = startRate(limits);
  let summary: SweepSummary = emptySummary();
  let carry: SweepCarry | undefined;
  if (input.carry) {
    carry = input.carry;
  } else {
    context.df.setCustomStatus(progress("listing", undefined));
    let listing: ListTargetsResult;
    try {
      listing = yield context.df.callActivityWithRetry(SWEEP_ACTIVITY.listTargets, AZURE_RETRY, { sweepId });
    } catch (error) {
      throw new Error(`sweep ${sweepId}: the targets could not be listed: ${String((error as Error)?.message ?? error).slice(0, 500)}`);
    }
    const { targets, ...stats } = listing;
    carry = {
      startedAt: now().toISOString(),
      listing: stats,
      total: targets.items.length,
      queue: targets,
      rate,
      summary,
      nextBatch: 0,
      remediationsLeft: settings.maxRemediations,
      returns: {},
    };
  }

  const state: SweepCarry = carry;
  ({ rate, summary } = state);
  const queue: SweepTarget[] = unpackTargets(state.queue);
  const byVm = new Map(queue.map((t) => [t.vmId, t]));
  let waves = 0;

  while (queue.length > 0 && !rate.stopped) {
    if (waves >= SWEEP_LIMITS.wavesPerExecution) {
      context.df.continueAsNew({ ...input, carry: { ...state, queue: packTargets(queue), rate, summary } } satisfies SweepOrchestrationInput);
      return undefined;
    }
    if (rate.pauseSeconds > 0) yield context.df.createTimer(new Date(now().getTime() + rate.pauseSeconds * 1000));

    const remainingProbes = queue.filter((t) => notProbeable(t.powerState) === undefined).length;
    const size = nextWaveSize(rate, remainingProbes);
    const wave: SweepTarget[] = [];
    let probes = 0;
    while (queue.length > 0 && wave.length < MAX_WAVE_ITEMS) {
      const probeable = notProbeable((queue[0] as SweepTarget).powerState) === undefined;
      if (probeable && probes >= size) break;
      wave.push(queue.shift() as SweepTarget);
      if (probeable) probes += 1;
    }

    const chunks: SweepTarget[][] = [];
    for (let i = 0; i < wave.length; i += SWEEP_LIMITS.batchSize) chunks.push(wave.slice(i, i + SWEEP_LIMITS.batchSize));
    let budget = state.remediationsLeft;
    const tasks = chunks.map((chunk) => {
      const remediationBudget = Math.min(budget, chunk.length);
      budget -= remediationBudget;
      const batchInput: BatchInput = {
        sweepId,
        batch: state.nextBatch,
        targets: packTargets(chunk),
        settings,
        errorBudget: settings.maxErrors - rate.errors,
        remediationBudget,
      };
      // The batches run at the sweep's own version: a sweep in flight across a deployment stays on one version's logic.
      return context.df.callSubOrchestrator(SWEEP_BATCH, batchInput, `${sweepId}:batch:${state.nextBatch++}`, childVersion(context));
    });
    const results: BatchResult[] = yield context.df.Task.all(tasks);

    const outcome: WaveOutcome = { ok: 0, failed: 0, neutral: 0, throttled: 0, retryAfterSeconds: 0 };
    let started = 0;
    const late: VmCheck[] = [];
    const back: SweepTarget[] = [];
    for (const r of results) {
      summary = mergeSummaries(summary, r.summary);
      state.remediationsLeft -= r.remediationsStarted;
      started += r.probesStarted;
      outcome.ok += r.wave.ok;
      outcome.failed += r.wave.failed;
      outcome.neutral += r.wave.neutral;
      outcome.throttled += r.wave.throttled;
      outcome.retryAfterSeconds = Math.max(outcome.retryAfterSeconds, r.wave.retryAfterSeconds);
      for (const ret of r.returned) {
        const target = byVm.get(ret.vmId);
        if (!target) continue;
        const times = ret.why === "not-started" ? (state.returns[ret.vmId] ?? 0) : (state.returns[ret.vmId] = (state.returns[ret.vmId] ?? 0) + 1);
        if (times > MAX_RETURNS) {
          const code = ret.why === "throttled" ? "throttled" : "vm-busy";
          const why = ret.why === "throttled" ? "Azure kept throttling its probe" : `its probe could not start (${ret.detail ?? "busy"})`;
          late.push(unknownCheck(ret.vmId, code, `${why}, ${times} times; it is checked by the next sweep`, { symptoms: target.symptoms, now: now() }));
        } else {
          back.push(target);
        }
      }
    }
    queue.unshift(...back);
    if (late.length > 0) {
      yield context.df.callActivityWithRetry(SWEEP_ACTIVITY.recordChecks, AZURE_RETRY, { sweepId, checks: late });
      summary = mergeSummaries(summary, summarise(late));
    }
    rate = afterWave(rate, started, outcome, limits);
    waves += 1;
    context.df.setCustomStatus(progress("checking", queue.length));
  }

  if (queue.length > 0) {
    context.df.setCustomStatus(progress("recording", queue.length));
    const unchecked: SweepSummary = yield context.df.callActivityWithRetry(SWEEP_ACTIVITY.recordUnchecked, AZURE_RETRY, {
      sweepId,
      targets: packTargets(queue),
      reason: `not checked: ${rate.stopReason ?? "the sweep stopped"}`,
    });
    summary = mergeSummaries(summary, unchecked);
  }

  const report: SweepReport = {
    sweepId,
    trigger: input.trigger,
    policy: settings.policy,
    startedAt: state.startedAt,
    endedAt: now().toISOString(),
    state: rate.stopped ? "stopped" : "completed",
    ...(rate.stopReason ? { stopReason: rate.stopReason } : {}),
    targets: { ...state.listing, total: state.total },
    summary,
    rate: { waves: rate.waves, peakWave: rate.peakWave, errors: rate.errors, throttledWaves: rate.throttledWaves, batches: state.nextBatch },
  };
  yield context.df.callActivityWithRetry(SWEEP_ACTIVITY.recordReport, AZURE_RETRY, report);
  context.df.setCustomStatus(progress("done", 0));
  return report;

  function progress(phase: SweepStatus["phase"], remaining: number | undefined): SweepStatus {
    const s = summary;
    return {
      sweepId,
      phase,
      total: carry?.total ?? 0,
      checked: s.checked,
      remaining: remaining ?? 0,
      waves: rate.waves,
      waveSize: rate.waveSize,
      errors: rate.errors,
      compliant: s.compliant,
      noncompliant: s.noncompliant,
      unknown: s.unknown,
      warnings: s.warnings.rdpLost + s.warnings.expiring,
    };
  }
}
