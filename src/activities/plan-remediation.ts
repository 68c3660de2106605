import { diagnose } from "../domain/diagnose";
import { planRemediation } from "../domain/plan";
import type { ProbeResult } from "../domain/playbook";
import type { Trigger } from "../domain/run";
import type { PlanRemediationResult } from "./contracts";
import type { ActivityDeps } from "./deps";

/**
 * Diagnose and plan are pure; running them as an activity records the plan in the run's history. Drift is brought
 * back to the policy only by runs a sweep started under SWEEP_POLICY=enforce; every other run reports it.
 */
export function createPlanRemediation(deps: Pick<ActivityDeps, "config">) {
  return async (input: { probe: ProbeResult; trigger?: Trigger }): Promise<PlanRemediationResult> => {
    const policy = deps.config.policy;
    const causes = diagnose(input.probe, policy);
    const enforceDrift = input.trigger?.kind === "sweep" && policy.enforceDriftInSweeps;
    return { causes, plan: planRemediation(input.probe, causes, policy, { enforceDrift }) };
  };
}
