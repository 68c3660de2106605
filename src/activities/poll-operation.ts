import { pollOperation } from "../azure/long-operations";
import type { OperationRef } from "../domain/operation";
import { parseProbeOutput } from "../domain/probe-output";
import { isStepScriptName, parseStepOutput } from "../domain/step-output";
import { parseVerifyOutput } from "../domain/verify-output";
import { RdpMedicError } from "../errors";
import type { PollResult, ScriptOutput } from "./contracts";
import type { ActivityDeps } from "./deps";

/**
 * Polls a started operation once; a finished Run Command's output is parsed against the script's contract. Other
 * operations that succeeded carry the moment this poll saw it: everything the VM reports later happened after it.
 */
export function createPollOperation(deps: Pick<ActivityDeps, "compute" | "now">) {
  return async (operation: OperationRef): Promise<PollResult> => {
    const progress = await pollOperation(deps.compute, operation);
    if (progress.status !== "succeeded") return progress;
    if (operation.kind !== "runCommand") return { status: "succeeded", completedAt: deps.now().toISOString() };
    try {
      return { status: "succeeded", output: parseOutput(operation.script ?? "", progress.stdout ?? "", progress.stderr ?? "") };
    } catch (error) {
      if (error instanceof RdpMedicError) return { status: "failed", code: error.code, message: error.message };
      throw error;
    }
  };
}

function parseOutput(script: string, stdout: string, stderr: string): ScriptOutput {
  if (script === "probe") return { script: "probe", probe: parseProbeOutput(stdout, stderr) };
  if (script === "verify") return { script: "verify", verify: parseVerifyOutput(stdout, stderr) };
  if (isStepScriptName(script)) return { script: "step", step: parseStepOutput(script, stdout, stderr) };
  throw new RdpMedicError("unknown-script", `no parser for script "${script.slice(0, 40)}"`);
}
