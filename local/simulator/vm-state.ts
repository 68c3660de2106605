import type { SimContext } from "./context";
import type { SimVm } from "./model";
import type { SimOperation } from "./operations";

/** The power state Azure reports now: a transitional one while the power operation that set it still runs. */
export function effectivePowerState(ctx: SimContext, vm: SimVm): SimVm["powerState"] | "starting" | "stopping" | "deallocating" {
  const transition = vm.transition;
  if (transition === undefined) return vm.powerState;
  const op = ctx.ops.get(transition.operationId);
  if (op !== undefined && op.status === "InProgress") return transition.state;
  delete vm.transition;
  return vm.powerState;
}

/**
 * A VM operation that ended Failed leaves the VM's provisioning state Failed with its error (instance view:
 * ProvisioningState/failed/<code>); a later one that succeeds clears it.
 */
export function markProvisioning(vm: SimVm, op: SimOperation): void {
  if (op.status === "Failed" && op.outcome && !op.outcome.ok) {
    vm.provisioningState = "Failed";
    vm.provisioningError = { ...op.outcome.error };
  } else if (op.status === "Succeeded" && vm.provisioningState === "Failed") {
    vm.provisioningState = "Succeeded";
    delete vm.provisioningError;
  }
}
