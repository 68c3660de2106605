import type { ApprovalReason, Plan, PlanStep } from "./playbook";

/**
 * How old a probe may be when the first change starts. A run that waited for a person, a maintenance window or a
 * slot probes again before it changes anything, whatever the age; this catches a long slot wait too.
 */
export const PROBE_MAX_AGE_MS = 15 * 60_000;

/** What a fresh probe says about a plan made before a wait. */
export type Recheck =
  | { action: "go"; plan: Plan }
  | { action: "stop"; verdict: "healthy" | "drift" | "needs-human"; reason: string };

/**
 * A plan made before a wait holds only when a fresh probe plans the same steps and needs no approval a person has
 * not given in this run: the VM may have been fixed by hand, or users may have signed in, while the run waited.
 * `approved` are the approvals a person gave (empty when nobody was asked). On "go", the fresh plan (same steps, its
 * current restart decision) is the one to carry out.
 */
export function recheckPlan(planned: Plan, approved: ReadonlyArray<ApprovalReason["kind"]>, fresh: Plan): Recheck {
  const nothingChanged = "nothing was changed";
  if (fresh.verdict === "healthy") {
    return { action: "stop", verdict: "healthy", reason: `RD licensing works now (it changed while the run waited); ${nothingChanged}` };
  }
  if (fresh.verdict === "drift") {
    return {
      action: "stop",
      verdict: "drift",
      reason: `RD licensing works now (it changed while the run waited) and differs from the policy, which is reported and not changed; ${nothingChanged}`,
    };
  }
  if (fresh.verdict === "needs-human") {
    return { action: "stop", verdict: "needs-human", reason: `the VM changed while the run waited: ${fresh.causes.map((c) => c.detail).join(" ")}; ${nothingChanged}` };
  }
  if (!sameSteps(planned.steps, fresh.steps)) {
    return {
      action: "stop",
      verdict: "needs-human",
      reason:
        `the VM changed while the run waited: the plan was ${stepList(planned.steps)}, a fresh probe plans ${stepList(fresh.steps)}; ` +
        `${nothingChanged}; the next alert or a manual run plans again`,
    };
  }
  const unapproved = (fresh.approvals ?? []).filter((a) => !approved.includes(a.kind));
  if (unapproved.length > 0) {
    return {
      action: "stop",
      verdict: "needs-human",
      reason: `the VM changed while the run waited: ${unapproved.map((a) => a.detail).join(" ")} Nobody approved that in this run; ${nothingChanged}; a new run asks for it`,
    };
  }
  return { action: "go", plan: fresh };
}

function sameSteps(a: readonly PlanStep[], b: readonly PlanStep[]): boolean {
  return a.length === b.length && a.every((step, i) => JSON.stringify(step) === JSON.stringify(b[i]));
}

function stepList(steps: readonly PlanStep[]): string {
  return steps.length === 0 ? "no step" : steps.map((s) => s.kind).join(", ");
}
