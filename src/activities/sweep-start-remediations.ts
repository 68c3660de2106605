import { runSettings } from "../domain/run";
import type { Config } from "../config";
import { parseVmId, type VmRef } from "../domain/resource-id";
import type { RemediationInput } from "../domain/run";
import { isInScope } from "../domain/scope";
import type { RepairNote } from "../domain/sweep-record";
import type { StartRemediationsInput, StartRemediationsResult } from "./sweep-contracts";
import { mapLimit } from "./sweep-deps";

/** Starts (or joins) a VM's remediation run: the same singleton start the alert and manual entries use. */
export type RunStarter = (vm: VmRef, input: RemediationInput) => Promise<{ runId: string; state: "started" | "already-running" }>;

/**
 * Starts the per-VM remediation run for each VM, as an independent orchestration instance with the VM's own
 * instance ID: its singleton, snapshot, approvals and safety checks apply, and the sweep does not wait for it.
 */
export function createSweepStartRemediations(deps: { config: Config; startRun: RunStarter }) {
  return async (input: StartRemediationsInput): Promise<StartRemediationsResult> => {
    const { config } = deps;
    const repairs = await mapLimit(input.vmIds, 8, async (vmId): Promise<{ vmId: string; repair: RepairNote }> => {
      if (config.killSwitch) return { vmId, repair: { state: "blocked", detail: "KILL_SWITCH is on: no run was started" } };
      const vm = parseVmId(vmId);
      if (!isInScope(vm, config.allowedScopes)) return { vmId, repair: { state: "failed", detail: "the VM is outside the allowed scopes" } };
      try {
        const run = await deps.startRun(vm, {
          vmId: vm.id,
          trigger: { kind: "sweep", sweepId: input.sweepId },
          dryRun: false,
          settings: runSettings(config),
        });
        return { vmId, repair: { state: run.state, runId: run.runId } };
      } catch (error) {
        return { vmId, repair: { state: "failed", detail: String((error as Error)?.message ?? error).slice(0, 300) } };
      }
    });
    return { repairs };
  };
}
