import { startProbe } from "../azure/sweep-probes";
import { parseVmId } from "../domain/resource-id";
import { isInScope } from "../domain/scope";
import { probeScriptCall } from "../domain/step-scripts";
import { unknownCheck } from "../domain/sweep-check";
import { TransientAzureError } from "../errors";
import type { ProbeStartOutcome, StartProbesInput } from "./sweep-contracts";
import { mapLimit, SWEEP_HTTP_CONCURRENCY, type SweepDeps } from "./sweep-deps";
import { checkOfProbe } from "./sweep-poll-probes";

/**
 * Starts the read-only probe on each VM (202 Accepted, not waited for). Each VM gets its own answer, so one VM's
 * trouble never repeats the others' starts: refusals become results, throttling and busy VMs go back to the queue.
 */
export function createSweepStartProbes(deps: Pick<SweepDeps, "config" | "compute" | "loadScript" | "now">) {
  return async (input: StartProbesInput): Promise<{ results: ProbeStartOutcome[] }> => {
    const call = probeScriptCall(deps.config.policy);
    const script = { name: call.script, lines: deps.loadScript(call.script).split(/\r?\n/), parameters: call.parameters };
    let failures = 0;
    const results = await mapLimit(input.vmIds, SWEEP_HTTP_CONCURRENCY, async (vmId): Promise<ProbeStartOutcome> => {
      if (failures >= input.stopAfterFailures) return { vmId, state: "returned", why: "not-started", retryAfterSeconds: 0 };
      const context = { symptoms: 0, now: deps.now() };
      const vm = parseVmId(vmId);
      if (!isInScope(vm, deps.config.allowedScopes)) {
        return { vmId, state: "finished", check: unknownCheck(vm.id, "out-of-scope", "the VM is outside the allowed scopes", context) };
      }
      try {
        const started = await startProbe(deps.compute, deps.config.armEndpoint, vm, script);
        if (started.kind === "started") return { vmId, state: "started", op: started.op };
        // Azure ran it before answering (200): classified now, so its output never travels through the history.
        if (started.kind === "finished") {
          return { vmId, state: "finished", check: checkOfProbe(vm.id, started.progress, deps.config.policy, deps.config.sweep.graceWarningDays, deps.now()) };
        }
        if (started.kind === "throttled") return { vmId, state: "returned", why: "throttled", retryAfterSeconds: started.retryAfterSeconds };
        if (started.statusCode === 409 && started.code === "OperationNotAllowed") {
          return { vmId, state: "finished", check: unknownCheck(vm.id, "vm-not-running", started.message, context) };
        }
        if (started.statusCode === 404) {
          return { vmId, state: "finished", check: unknownCheck(vm.id, "vm-not-found", started.message, context) };
        }
        failures += 1;
        return { vmId, state: "finished", check: unknownCheck(vm.id, "probe-failed", `${started.code}: ${started.message}`, context) };
      } catch (error) {
        // Run Command busy (409 Conflict), 5xx or network trouble after the client's retries: try again later.
        if (error instanceof TransientAzureError) return { vmId, state: "returned", why: "busy", retryAfterSeconds: 0, detail: error.message.slice(0, 300) };
        throw error;
      }
    });
    return { results };
  };
}
