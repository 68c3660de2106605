import { readVmStatus } from "../azure/vm-reader";
import { parseVmId } from "../domain/resource-id";
import type { VmStatus } from "../domain/vm-status";
import type { ActivityDeps } from "./deps";

export function createReadVm(deps: ActivityDeps) {
  return async (input: { vmId: string }): Promise<VmStatus | null> => {
    const vm = parseVmId(input.vmId);
    return (await readVmStatus(deps.compute.forSubscription(vm.subscriptionId), vm)) ?? null;
  };
}
