import { faultTarget, findVm, type Handler, noteVm } from "../context";
import { ArmError, invalidParameter, RUN_COMMAND_CONFLICT_MESSAGE, VM_NOT_RUNNING_MESSAGE } from "../errors";
import { jsonBody } from "../http";
import { answerAction } from "../lro-answer";
import type { OperationOutcome } from "../operations";
import { isReadOnlyScript, scriptNameOf } from "../script-name";
import { lastBytes } from "../truncate";
import { effectivePowerState, markProvisioning } from "../vm-state";

/**
 * POST runCommand (the action kind): 202 + Azure-AsyncOperation and/or Location (or 200 with the result, by
 * variant). The script runs through the guest runtime in the background; the Location URL (and the status body's
 * properties.output) then answer the StdOut/StdErr statuses (last 4096 bytes each).
 */

const OUTPUT_LIMIT_BYTES = 4096;

/** Built-in Windows command IDs that exist in Azure but that the simulator does not run. */
const BUILT_IN_COMMANDS = new Set([
  "disablenla", "disablewindowsupdate", "enableadminaccount", "enableemsforwindows", "enableremotepowershell",
  "enablewindowsupdate", "ipconfig", "rdpsettings", "resetrdpcert", "setrdpport", "runpowershellscript",
]);

export const runCommand: Handler = async (ctx, req, params) => {
  const vm = findVm(ctx, params);
  noteVm(req, vm);
  const body = jsonBody(req);
  if (typeof body.commandId !== "string" || body.commandId === "") throw invalidParameter("commandId", "Required parameter 'commandId' is missing (null).");
  const commandId = body.commandId.toLowerCase();
  if (!BUILT_IN_COMMANDS.has(commandId)) throw new ArmError(404, "NotFound", "The entity was not found in this Azure location.");
  if (commandId !== "runpowershellscript") {
    throw new ArmError(501, "NotImplementedInSimulator", `The simulator runs RunPowerShellScript only, not '${body.commandId}'.`);
  }
  const script = body.script;
  if (!Array.isArray(script) || !script.every((line) => typeof line === "string")) {
    throw invalidParameter("script", "RunPowerShellScript needs 'script': an array of lines.");
  }
  const parameters = parseParameters(body.parameters);
  const scriptText = (script as string[]).join("\n");
  const scriptName = scriptNameOf(scriptText);
  if (scriptName !== undefined) req.note.script = scriptName;
  req.note.stateChanging = !isReadOnlyScript(scriptName);

  if (effectivePowerState(ctx, vm) !== "running") throw new ArmError(409, "OperationNotAllowed", VM_NOT_RUNNING_MESSAGE);
  if (vm.runCommandOperationId !== undefined) throw new ArmError(409, "Conflict", RUN_COMMAND_CONFLICT_MESSAGE);

  const target = faultTarget(req);
  const failure = ctx.faults.takeLroFailure(target);
  const neverFinishes = !failure && ctx.faults.takeFlag(target, "neverFinishes");
  let outcome: OperationOutcome | undefined;
  if (failure) outcome = { ok: false, error: failure };
  else if (!neverFinishes && !vm.agent.ready) outcome = { ok: false, error: agentNotReadyError(vm.name) };

  const op = ctx.ops.create({
    kind: "compute",
    operation: req.operation,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    vmKey: vm.key,
    ...(scriptName !== undefined ? { script: scriptName } : {}),
    neverFinishes,
    ...(outcome ? { outcome } : {}),
    onComplete: (done) => {
      if (vm.runCommandOperationId === op.id) delete vm.runCommandOperationId;
      // A failed extension leaves the VM Failed (the agent-not-ready refusal does not: the extension never ran).
      if (!(done.outcome && !done.outcome.ok && done.outcome.error.code === AGENT_NOT_READY_CODE)) markProvisioning(vm, done);
    },
  });
  vm.runCommandOperationId = op.id;

  if (!outcome && !neverFinishes) {
    // The script's effects land on the disk that was the OS disk when it started.
    const disk = ctx.state.osDisk(vm);
    const work = ctx.runtime.runScript(structuredClone(disk.guest), scriptText, parameters, ctx.options.clock()).then(
      (result) => {
        disk.guest = result.state;
        const value = [
          outputStatus("StdOut", lastBytes(result.stdout, OUTPUT_LIMIT_BYTES)),
          outputStatus("StdErr", lastBytes(result.stderr, OUTPUT_LIMIT_BYTES)),
        ];
        ctx.ops.finishWork(op, { ok: true, result: { value }, properties: { output: { value } } });
      },
      (err: unknown) => {
        ctx.ops.finishWork(op, {
          ok: false,
          error: { code: "VMExtensionProvisioningError", message: `Run Command failed in the guest runtime: ${(err as Error)?.message ?? String(err)}` },
        });
      },
    );
    op.work = work;
    ctx.background(work);
  }
  return answerAction(ctx, req, op, vm.key);
};

function parseParameters(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw invalidParameter("parameters", "'parameters' must be an array of {name, value}.");
  const out: Record<string, string> = {};
  value.forEach((p: unknown, i) => {
    const item = p as { name?: unknown; value?: unknown };
    if (typeof p !== "object" || p === null || typeof item.name !== "string" || item.name === "") {
      throw invalidParameter(`parameters[${i}].name`, "Each Run Command parameter needs a name.");
    }
    if (item.value !== undefined && typeof item.value !== "string") {
      throw invalidParameter(`parameters[${i}].value`, "Run Command parameter values are strings.");
    }
    out[item.name] = (item.value as string | undefined) ?? "";
  });
  return out;
}

function outputStatus(stream: "StdOut" | "StdErr", message: string): Record<string, string> {
  return { code: `ComponentStatus/${stream}/succeeded`, level: "Info", displayStatus: "Provisioning succeeded", message };
}

const AGENT_NOT_READY_CODE = "VMAgentStatusCommunicationError";

function agentNotReadyError(vmName: string): { code: string; message: string } {
  return {
    code: AGENT_NOT_READY_CODE,
    message:
      `VM '${vmName}' has not reported status for VM agent or extensions. Verify that the OS is up and healthy, the VM has a ` +
      "running VM agent, and that it can establish outbound connections to Azure storage. Please refer to " +
      "https://aka.ms/vmextensionwindowstroubleshoot for additional VM agent troubleshooting information.",
  };
}
