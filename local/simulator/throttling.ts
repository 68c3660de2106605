import { ArmError } from "./errors";

/**
 * Token-bucket throttling as Azure does it: ARM's regional buckets per subscription and operation type
 * (facts §4.4: reads 250 + 25/s, writes 200 + 10/s, deletes 200 + 10/s) and Compute's per-VM and per-subscription
 * policy buckets (§4.5, per minute). Refill follows the simulator clock. Off unless enabled.
 */

export interface ThrottlingOptions {
  enabled: boolean;
  /** Multiplies every refill rate (60 turns Compute's per-minute budgets into per-second ones). Default 1. */
  rateScale?: number;
  /** Multiplies every bucket size. Default 1. */
  capacityScale?: number;
  /** Also send `x-ms-retry-after-ms` on 429s (the SDK prefers it to the whole-second Retry-After). Default false. */
  retryAfterMsHeader?: boolean;
}

export type ComputePolicy = "UpdateVM" | "DeleteVM" | "LowCostGet" | "HighCostGet" | "GetOperation";

export type ArmOperationType = "reads" | "writes" | "deletes";

export interface ThrottleSubject {
  subscriptionId: string;
  armType: ArmOperationType;
  compute?: { policy: ComputePolicy; /** Per-resource bucket key (a VM); absent = subscription bucket only. */ resourceKey?: string };
}

interface Limit {
  capacity: number;
  perSecond: number;
}

const ARM_LIMITS: Record<ArmOperationType, Limit> = {
  reads: { capacity: 250, perSecond: 25 },
  writes: { capacity: 200, perSecond: 10 },
  deletes: { capacity: 200, perSecond: 10 },
};

const PER_MINUTE = 1 / 60;

/** Compute policies: per-resource and per-subscription buckets (refill per minute in the docs). */
const COMPUTE_LIMITS: Record<ComputePolicy, { resource?: Limit; subscription: Limit }> = {
  UpdateVM: { resource: { capacity: 12, perSecond: 4 * PER_MINUTE }, subscription: { capacity: 1500, perSecond: 500 * PER_MINUTE } },
  DeleteVM: { resource: { capacity: 12, perSecond: 4 * PER_MINUTE }, subscription: { capacity: 1500, perSecond: 500 * PER_MINUTE } },
  LowCostGet: { resource: { capacity: 36, perSecond: 12 * PER_MINUTE }, subscription: { capacity: 24000, perSecond: 8000 * PER_MINUTE } },
  HighCostGet: { subscription: { capacity: 900, perSecond: 300 * PER_MINUTE } },
  GetOperation: { resource: { capacity: 45, perSecond: 15 * PER_MINUTE }, subscription: { capacity: 15000, perSecond: 5000 * PER_MINUTE } },
};

export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    readonly capacity: number,
    private readonly perMs: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.lastMs = nowMs;
  }

  refill(nowMs: number): void {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(this.capacity, this.tokens + (nowMs - this.lastMs) * this.perMs);
      this.lastMs = nowMs;
    }
  }

  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /** Milliseconds until one whole token is available (0 when one is). */
  waitMs(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
  }

  take(): void {
    this.tokens -= 1;
  }
}

export class Throttler {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly enabled: boolean;
  private readonly rateScale: number;
  private readonly capacityScale: number;
  private readonly msHeader: boolean;

  constructor(
    options: ThrottlingOptions | undefined,
    private readonly clock: () => Date,
  ) {
    this.enabled = options?.enabled ?? false;
    this.rateScale = options?.rateScale ?? 1;
    this.capacityScale = options?.capacityScale ?? 1;
    this.msHeader = options?.retryAfterMsHeader ?? false;
    if (!(this.rateScale > 0) || !(this.capacityScale > 0)) throw new TypeError("throttling rateScale and capacityScale must be positive");
  }

  /**
   * Takes one token from every bucket the request draws on and returns the rate-limit headers to send;
   * throws the 429 (ARM's or Compute's) when a bucket is empty. Disabled: nothing is counted.
   */
  admit(subject: ThrottleSubject): Record<string, string> {
    const nowMs = this.clock().getTime();
    const headers: Record<string, string> = {};
    const armName = `x-ms-ratelimit-remaining-subscription-${subject.armType}`;
    if (!this.enabled) {
      headers[armName] = String(ARM_LIMITS[subject.armType].capacity - 1);
      if (subject.compute) headers["x-ms-ratelimit-remaining-resource"] = `Microsoft.Compute/${subject.compute.policy};${computeCapacity(subject.compute.policy) - 1}`;
      return headers;
    }
    const arm = this.bucket(`arm:${subject.subscriptionId.toLowerCase()}:${subject.armType}`, ARM_LIMITS[subject.armType], nowMs);
    const armWait = arm.waitMs(nowMs);
    if (armWait > 0) {
      throw this.tooMany(
        "SubscriptionRequestsThrottled",
        `Number of '${subject.armType.replace(/s$/, "")}' requests for subscription '${subject.subscriptionId}' actor 'simulator-principal' exceeded. ` +
          `Please try again after '${Math.ceil(armWait / 1000)}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
        armWait,
        { [armName]: "0" },
      );
    }
    let computeBuckets: TokenBucket[] = [];
    if (subject.compute) {
      const { policy, resourceKey } = subject.compute;
      const limits = COMPUTE_LIMITS[policy];
      computeBuckets = [this.bucket(`crp:${subject.subscriptionId.toLowerCase()}:${policy}`, limits.subscription, nowMs)];
      if (limits.resource && resourceKey) computeBuckets.unshift(this.bucket(`crp:${resourceKey}:${policy}`, limits.resource, nowMs));
      const wait = Math.max(...computeBuckets.map((b) => b.waitMs(nowMs)));
      if (wait > 0) {
        arm.take();
        throw this.tooMany(
          "OperationNotAllowed",
          "The server rejected the request because too many requests have been received for this subscription.",
          wait,
          { [armName]: String(Math.floor(arm.available(nowMs))), "x-ms-ratelimit-remaining-resource": `Microsoft.Compute/${policy};0` },
          [{ code: "TooManyRequests", target: policy, message: JSON.stringify({ operationGroup: policy, startTime: new Date(nowMs).toISOString(), endTime: new Date(nowMs + wait).toISOString() }) }],
        );
      }
    }
    arm.take();
    headers[armName] = String(Math.floor(arm.available(nowMs)));
    if (subject.compute) {
      for (const b of computeBuckets) b.take();
      const remaining = Math.min(...computeBuckets.map((b) => Math.floor(b.available(nowMs))));
      headers["x-ms-ratelimit-remaining-resource"] = `Microsoft.Compute/${subject.compute.policy};${remaining}`;
    }
    return headers;
  }

  private bucket(key: string, limit: Limit, nowMs: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(Math.max(1, Math.round(limit.capacity * this.capacityScale)), (limit.perSecond * this.rateScale) / 1000, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private tooMany(code: string, message: string, waitMs: number, headers: Record<string, string>, details?: { code: string; target: string; message: string }[]): ArmError {
    const all: Record<string, string> = { ...headers, "Retry-After": String(Math.max(1, Math.ceil(waitMs / 1000))) };
    if (this.msHeader) all["x-ms-retry-after-ms"] = String(waitMs);
    return new ArmError(429, code, message, { headers: all, ...(details ? { details } : {}) });
  }
}

function computeCapacity(policy: ComputePolicy): number {
  const limits = COMPUTE_LIMITS[policy];
  return (limits.resource ?? limits.subscription).capacity;
}
