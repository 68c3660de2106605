/** Fault injection: rules that make matching requests or operations fail the ways Azure can fail. */

export interface FaultMatch {
  /** Operation name as in the request log, e.g. "vm.runCommand", "snapshot.put", "operation.poll", "msi.token". */
  operation?: string;
  /** VM name (case-insensitive). */
  vmName?: string;
  /** Script name from the `# rdp-medic-script:` line. */
  script?: string;
  method?: string;
}

export type FaultEffect =
  /** Answer 429 with Retry-After. */
  | { status: 429; retryAfterSeconds: number }
  /** Answer 500 or 503 (503 may carry Retry-After). */
  | { status: 500 | 503; retryAfterSeconds?: number }
  /** Destroy the socket without answering. */
  | { reset: true }
  /** Accept the operation, then end its LRO Failed with this error; the operation's effects are not applied. */
  | { lroFailed: { code: string; message: string } }
  /** Accept the operation; its LRO answers InProgress forever; its effects are not applied. */
  | { neverFinishes: true }
  /** On a restart or start: the VM agent never reports Ready again (until a later restart without this fault). */
  | { agentNeverReady: true }
  /** On a start or restart: the VM does not come up; the LRO ends Failed (VMStartTimedOut) and the VM is stopped. */
  | { vmWontStart: true };

export interface FaultRule {
  match: FaultMatch;
  effect: FaultEffect;
  /** How many times the rule applies; unlimited when absent. */
  times?: number;
}

export interface FaultTarget {
  operation: string;
  method: string;
  vmName?: string;
  script?: string;
}

/** Effects applied before the request reaches its handler. */
export type RequestFault = Extract<FaultEffect, { status: number } | { reset: true }>;

type EffectKind = "request" | "lroFailed" | "neverFinishes" | "agentNeverReady" | "vmWontStart";

interface ActiveRule {
  id: number;
  rule: FaultRule;
  remaining: number;
}

export function describeFault(effect: FaultEffect): string {
  if ("status" in effect) return `status ${effect.status}`;
  if ("reset" in effect) return "reset";
  if ("lroFailed" in effect) return `lroFailed ${effect.lroFailed.code}`;
  if ("neverFinishes" in effect) return "neverFinishes";
  if ("agentNeverReady" in effect) return "agentNeverReady";
  return "vmWontStart";
}

function kindOf(effect: FaultEffect): EffectKind {
  if ("status" in effect || "reset" in effect) return "request";
  if ("lroFailed" in effect) return "lroFailed";
  if ("neverFinishes" in effect) return "neverFinishes";
  if ("agentNeverReady" in effect) return "agentNeverReady";
  return "vmWontStart";
}

export class FaultSet {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  add(rule: FaultRule): number {
    validateRule(rule);
    const id = this.nextId++;
    this.rules.push({ id, rule: structuredClone(rule), remaining: rule.times ?? Number.POSITIVE_INFINITY });
    return id;
  }

  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
  }

  clear(): void {
    this.rules = [];
  }

  /** The first request-level fault (status or reset) that matches; consumes one use. */
  takeRequestFault(target: FaultTarget): RequestFault | undefined {
    return this.take(target, "request") as RequestFault | undefined;
  }

  /** Consumes and returns the first matching rule of the given operation-level kind. */
  takeLroFailure(target: FaultTarget): { code: string; message: string } | undefined {
    const effect = this.take(target, "lroFailed");
    return effect && "lroFailed" in effect ? effect.lroFailed : undefined;
  }

  takeFlag(target: FaultTarget, kind: "neverFinishes" | "agentNeverReady" | "vmWontStart"): boolean {
    return this.take(target, kind) !== undefined;
  }

  private take(target: FaultTarget, kind: EffectKind): FaultEffect | undefined {
    for (const active of this.rules) {
      if (active.remaining <= 0 || kindOf(active.rule.effect) !== kind || !matches(active.rule.match, target)) continue;
      active.remaining -= 1;
      return active.rule.effect;
    }
    return undefined;
  }
}

function matches(match: FaultMatch, target: FaultTarget): boolean {
  if (match.operation !== undefined && match.operation !== target.operation) return false;
  if (match.method !== undefined && match.method.toUpperCase() !== target.method.toUpperCase()) return false;
  if (match.vmName !== undefined && match.vmName.toLowerCase() !== target.vmName?.toLowerCase()) return false;
  if (match.script !== undefined && match.script !== target.script) return false;
  return true;
}

function validateRule(rule: FaultRule): void {
  if (typeof rule !== "object" || rule === null || typeof rule.match !== "object" || typeof rule.effect !== "object") {
    throw new TypeError("a fault rule needs { match, effect }");
  }
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
    throw new TypeError("fault rule times must be a positive integer");
  }
  const e = rule.effect as Record<string, unknown>;
  if ("status" in e) {
    if (![429, 500, 503].includes(e.status as number)) throw new TypeError("fault status must be 429, 500 or 503");
    if (e.status === 429 && typeof e.retryAfterSeconds !== "number") throw new TypeError("a 429 fault needs retryAfterSeconds");
  } else if (!["reset", "lroFailed", "neverFinishes", "agentNeverReady", "vmWontStart"].some((k) => k in e)) {
    throw new TypeError(`unknown fault effect ${JSON.stringify(rule.effect)}`);
  }
}
