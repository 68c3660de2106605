/** Errors the simulator raises: ARM errors become HTTP answers; scenario errors name the bad field. */

export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
}

/** An error that the simulator answers with the ARM envelope `{"error":{"code","message",...}}`. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { target?: string; details?: ArmErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "ArmError";
  }

  toBody(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.extra.target !== undefined) error.target = this.extra.target;
    if (this.extra.details !== undefined) error.details = this.extra.details;
    return { error };
  }
}

/** A scenario (object or file) is malformed; `field` is the path of the bad value, e.g. `vms[0].osDisk.name`. */
export class ScenarioError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`scenario ${field}: ${message}`);
    this.name = "ScenarioError";
  }
}

export function resourceNotFound(type: string, name: string, resourceGroup: string): ArmError {
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. ` +
      "For more details please go to https://aka.ms/ARMResourceNotFoundFix",
  );
}

export function resourceGroupNotFound(resourceGroup: string): ArmError {
  return new ArmError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`);
}

export function subscriptionNotFound(subscriptionId: string): ArmError {
  return new ArmError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
}

export function invalidParameter(target: string, message: string): ArmError {
  return new ArmError(400, "InvalidParameter", message, { target });
}

/** The message Azure gives for a Run Command, and other operations, on a VM that is not running. */
export const VM_NOT_RUNNING_MESSAGE = "The operation requires the VM to be running (or set to run).";

/** The message Azure gives when a Run Command is started while another one runs on the same VM. */
export const RUN_COMMAND_CONFLICT_MESSAGE =
  "Run command extension execution is in progress. Please wait for completion before invoking a run command.";
