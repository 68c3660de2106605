import { startRestart } from "../azure/vm-operations";
import { parseVmId } from "../domain/resource-id";
import type { Failure, StartRestartResult } from "./contracts";
import type { ActivityDeps } from "./deps";
import { permanentFailure } from "./permanent-failure";

export function createStartRestart(deps: ActivityDeps) {
  return async (input: { vmId: string }): Promise<StartRestartResult | Failure> => {
    const requestedAt = deps.now().toISOString();
    try {
      return { ok: true, operation: await startRestart(deps.compute, parseVmId(input.vmId)), requestedAt };
    } catch (error) {
      return permanentFailure(error);
    }
  };
}
