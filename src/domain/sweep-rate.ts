/**
 * The sweep's rate control, like Systems Manager's: a canary wave of one VM, then waves that double while they
 * come back clean, up to maxConcurrency; once maxErrors checks have failed, no new check starts. Throttling (a
 * VM handed back because Azure kept answering 429) halves the next wave and waits out the Retry-After; it is
 * never counted as a failure. A pure state machine: the parent orchestration keeps it in its history.
 */

export interface RateLimits {
  maxConcurrency: number;
  maxErrors: number;
}

export interface RateState {
  /** Probes the next wave may start. */
  waveSize: number;
  /** Failed checks so far in the whole sweep. */
  errors: number;
  waves: number;
  /** Largest wave started so far. */
  peakWave: number;
  /** Waves that had VMs handed back by throttling. */
  throttledWaves: number;
  /** Seconds to wait before the next wave (Azure's Retry-After). */
  pauseSeconds: number;
  stopped: boolean;
  stopReason?: string;
}

/** How a wave went, in probes (VMs that needed no probe are not counted). */
export interface WaveOutcome {
  /** Probes that produced a result. */
  ok: number;
  /** Checks that failed (count against maxErrors). */
  failed: number;
  /** Probes that could not run for a reason that is not a failure (agent not Ready, VM gone or stopped meanwhile). */
  neutral: number;
  /** VMs handed back because Azure throttled their start. */
  throttled: number;
  /** The longest Retry-After Azure asked for, in seconds. */
  retryAfterSeconds: number;
}

export function startRate(limits: RateLimits): RateState {
  checkLimits(limits);
  return { waveSize: 1, errors: 0, waves: 0, peakWave: 0, throttledWaves: 0, pauseSeconds: 0, stopped: false };
}

/** How many probes the next wave may start (0 once stopped). */
export function nextWaveSize(state: RateState, remainingProbes: number): number {
  return state.stopped ? 0 : Math.max(0, Math.min(state.waveSize, remainingProbes));
}

/** The state after a wave of `started` probes. */
export function afterWave(state: RateState, started: number, outcome: WaveOutcome, limits: RateLimits): RateState {
  checkLimits(limits);
  const errors = state.errors + outcome.failed;
  const next: RateState = {
    ...state,
    errors,
    waves: state.waves + 1,
    peakWave: Math.max(state.peakWave, started),
    pauseSeconds: outcome.throttled > 0 ? Math.max(1, Math.ceil(outcome.retryAfterSeconds)) : 0,
  };
  if (errors >= limits.maxErrors) {
    next.stopped = true;
    next.stopReason = `${errors} check(s) failed; the sweep stops after ${limits.maxErrors} (SWEEP_MAX_ERRORS)`;
    return next;
  }
  if (outcome.throttled > 0) {
    next.throttledWaves = state.throttledWaves + 1;
    next.waveSize = Math.max(1, Math.floor(Math.min(state.waveSize, Math.max(started, 1)) / 2));
    return next;
  }
  // Grow only after a clean wave that proved the probe works: every probe gave a result or a neutral reason,
  // at least one gave a result, and the wave used its whole size.
  const clean = outcome.failed === 0 && outcome.ok > 0 && started >= state.waveSize;
  if (clean) next.waveSize = Math.min(limits.maxConcurrency, state.waveSize * 2);
  return next;
}

function checkLimits(limits: RateLimits): void {
  if (!Number.isInteger(limits.maxConcurrency) || limits.maxConcurrency < 1) throw new RangeError("maxConcurrency must be a positive integer");
  if (!Number.isInteger(limits.maxErrors) || limits.maxErrors < 1) throw new RangeError("maxErrors must be a positive integer");
}
