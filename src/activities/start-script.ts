import { startRunCommand } from "../azure/vm-operations";
import { parseVmId } from "../domain/resource-id";
import { probeScriptCall, restoreScriptCall, stepScriptCall, verifyScriptCall, type ScriptCall } from "../domain/step-scripts";
import { InputError } from "../errors";
import type { ScriptAction, StartedOperation, StartScriptInput } from "./contracts";
import type { ActivityDeps } from "./deps";
import { permanentFailure } from "./permanent-failure";

/**
 * Starts one in-guest script through Run Command. The action is turned into script text and parameters
 * here, through the one validating mapping (step-scripts): nothing reaches a script unchecked.
 */
export function createStartScript(deps: ActivityDeps) {
  return async (input: StartScriptInput): Promise<StartedOperation> => {
    let call: ScriptCall;
    try {
      call = scriptCallFor(input.action, deps);
    } catch (error) {
      if (error instanceof InputError) return { ok: false, code: error.code, message: error.message };
      throw error;
    }
    try {
      const operation = await startRunCommand(deps.compute, parseVmId(input.vmId), {
        name: call.script,
        text: deps.loadScript(call.script),
        parameters: call.parameters,
      });
      return { ok: true, operation };
    } catch (error) {
      return permanentFailure(error);
    }
  };
}

function scriptCallFor(action: ScriptAction, deps: ActivityDeps): ScriptCall {
  switch (action.kind) {
    case "probe":
      return probeScriptCall(deps.config.policy);
    case "step":
      return stepScriptCall(action.step);
    case "verify":
      return verifyScriptCall(action.plan, deps.config.policy);
    case "restore":
      return restoreScriptCall(action.before);
  }
}
