import { diagnose } from "../domain/diagnose";
import { planRemediation } from "../domain/plan";
import type { ProbeResult } from "../domain/playbook";
import type { PlanRemediationResult } from "./contracts";
import type { ActivityDeps } from "./deps";

/** Diagnose and plan are pure; running them as an activity records the plan in the run's history. */
export function createPlanRemediation(deps: Pick<ActivityDeps, "config">) {
  return async (input: { probe: ProbeResult }): Promise<PlanRemediationResult> => {
    const causes = diagnose(input.probe, deps.config.policy);
    return { causes, plan: planRemediation(input.probe, causes, deps.config.policy) };
  };
}
