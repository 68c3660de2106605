import { pollProbe } from "../azure/sweep-probes";
import { parseProbeOutput } from "../domain/probe-output";
import { parseVmId } from "../domain/resource-id";
import { classifyProbe, unknownCheck } from "../domain/sweep-check";
import type { Config } from "../config";
import type { OperationProgress } from "../domain/operation";
import type { VmCheck } from "../domain/sweep-record";
import { RdpMedicError, TransientAzureError } from "../errors";
import type { PollProbesInput, PollProbesResult } from "./sweep-contracts";
import { mapLimit, SWEEP_HTTP_CONCURRENCY, type SweepDeps } from "./sweep-deps";

/** Errors Compute reports when Run Command cannot reach the guest: the VM's agent, not the sweep, is at fault. */
const AGENT_NOT_READY = /VMAgentStatusCommunicationError|VMAgentNotReady|agent.*not ready/i;

/**
 * Polls each started probe once; finished ones are parsed and classified here, so only small results travel back
 * (never the probe reports). Throttled or transiently failing polls simply stay running for the next round.
 */
export function createSweepPollProbes(deps: Pick<SweepDeps, "config" | "compute" | "now">) {
  return async (input: PollProbesInput): Promise<PollProbesResult> => {
    let throttled = 0;
    const outcomes = await mapLimit(input.probes, SWEEP_HTTP_CONCURRENCY, async ({ vmId, op }): Promise<VmCheck | undefined> => {
      const vm = parseVmId(vmId);
      let progress;
      try {
        progress = await pollProbe(deps.compute, deps.config.armEndpoint, vm, op);
      } catch (error) {
        if (error instanceof TransientAzureError) return undefined;
        throw error;
      }
      if (progress.status === "throttled") {
        throttled += 1;
        return undefined;
      }
      if (progress.status === "running") return undefined;
      return checkOfProbe(vm.id, progress, deps.config.policy, input.graceWarningDays, deps.now());
    });
    return { finished: outcomes.filter((c): c is VmCheck => c !== undefined), throttled };
  };
}

/** A finished probe's result for the sweep: the VM's check from the probe's output, or why there is none. */
export function checkOfProbe(
  vmId: string,
  progress: Exclude<OperationProgress, { status: "running" }>,
  policy: Config["policy"],
  graceWarningDays: number,
  now: Date,
): VmCheck {
  if (progress.status === "failed") {
    const text = `${progress.code}: ${progress.message}`;
    return AGENT_NOT_READY.test(text)
      ? unknownCheck(vmId, "agent-not-ready", `the VM agent is not Ready, so Run Command cannot reach the guest (${text.slice(0, 300)})`, { symptoms: 0, now })
      : unknownCheck(vmId, "probe-failed", text.slice(0, 500), { symptoms: 0, now });
  }
  try {
    const probe = parseProbeOutput(progress.stdout ?? "", progress.stderr ?? "");
    return classifyProbe(vmId, probe, policy, { graceWarningDays, symptoms: 0, now });
  } catch (error) {
    if (error instanceof RdpMedicError) return unknownCheck(vmId, "probe-failed", `${error.code}: ${error.message.slice(0, 400)}`, { symptoms: 0, now });
    throw error;
  }
}
