import { orderTargets, packTargets, selectTargets } from "../domain/sweep-targets";
import type { ListTargetsResult } from "./sweep-contracts";
import type { SweepDeps } from "./sweep-deps";

/**
 * The sweep's targets: Windows VMs of the allowed scopes from Resource Graph, through the tag filter, ordered
 * with the VMs that logged licensing events first. Returns IDs, packed; never VM documents.
 */
export function createSweepListTargets(deps: Pick<SweepDeps, "config" | "targets" | "symptoms">) {
  return async (_input: { sweepId: string }): Promise<ListTargetsResult> => {
    const { config } = deps;
    const listing = await deps.targets.listWindowsVms(config.allowedScopes);
    const selection = selectTargets(listing.vms, { scopes: config.allowedScopes, tags: config.sweep.tags, optOutTag: config.optOutTag });
    const symptoms =
      config.sweep.workspaceIds.length > 0
        ? await deps.symptoms.countByVm(config.sweep.workspaceIds, config.sweep.symptomLookbackHours)
        : { counts: new Map<string, number>(), problems: [], requests: 0 };
    const ordered = orderTargets(selection.targets, symptoms.counts);
    return {
      targets: packTargets(ordered),
      listed: listing.vms.length,
      skipped: selection.skipped,
      symptomatic: ordered.filter((t) => t.symptoms > 0).length,
      workspaceProblems: symptoms.problems,
      requests: { resourceGraph: listing.requests, logs: symptoms.requests },
    };
  };
}
