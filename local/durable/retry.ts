import type { RetryPolicy } from "./actions";

/**
 * DurableTask.Core RetryInterceptor.ComputeNextDelay: the delay before re-attempt `attempt + 1` (attempt is 0-based),
 * or 0 when the retry timeout has passed (then no timer is created and the task fails at once).
 */
export function computeNextRetryDelayMs(policy: RetryPolicy, attempt: number, firstAttemptMs: number, nowMs: number): number {
  const expiration = Number.isFinite(policy.retryTimeoutMs) ? firstAttemptMs + policy.retryTimeoutMs : Infinity;
  if (nowMs >= expiration) return 0;
  const delay = policy.firstRetryIntervalMs * Math.pow(policy.backoffCoefficient, attempt);
  return delay < policy.maxRetryIntervalMs ? delay : policy.maxRetryIntervalMs;
}
