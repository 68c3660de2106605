import { readVmStatus } from "../azure/vm-reader";
import { parseVmId } from "../domain/resource-id";
import { isInScope } from "../domain/scope";
import { isOptedOut, preflightProblem } from "../domain/vm-status";
import type { PreflightResult } from "./contracts";
import type { ActivityDeps } from "./deps";

/** Is this VM ours to repair, and can it be repaired now? Expected "no"s are results, not errors. */
export function createPreflight(deps: ActivityDeps) {
  return async (input: { vmId: string }): Promise<PreflightResult> => {
    const vm = parseVmId(input.vmId);
    if (!isInScope(vm, deps.config.allowedScopes)) {
      return { ok: false, code: "out-of-scope", message: "the VM is outside the allowed scopes" };
    }
    const status = await readVmStatus(deps.compute.forSubscription(vm.subscriptionId), vm);
    if (!status) return { ok: false, code: "vm-not-found", message: "the VM does not exist" };
    const problem = preflightProblem(status);
    if (problem) return { ok: false, code: problem.code, message: problem.detail };
    const changesBlockedBy = deps.config.killSwitch
      ? "kill-switch"
      : isOptedOut(status, deps.config.optOutTag)
        ? "opted-out"
        : undefined;
    return { ok: true, vm: status, changesBlockedBy };
  };
}
