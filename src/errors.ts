/** Typed errors. Each has a stable `code` that HTTP answers and reports carry. */

export class RdpMedicError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A setting is missing or malformed: the app refuses to start. */
export class ConfigError extends RdpMedicError {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super("config-invalid", message);
  }
}

/** A request body or parameter is wrong: answered with HTTP 4xx, never retried. */
export class InputError extends RdpMedicError {
  constructor(
    code: string,
    message: string,
    readonly status: number = 400,
  ) {
    super(code, message);
  }
}

/** A script printed something that is not the contract (missing marker, bad JSON, wrong shape, too big). */
export class ScriptOutputError extends RdpMedicError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/** An Azure call failed in a way a retry may fix (throttling, 5xx, Run Command busy). */
export class TransientAzureError extends RdpMedicError {
  constructor(message: string) {
    super("azure-transient", message);
  }
}

/** An Azure call failed for good (e.g. 409 OperationNotAllowed, 404): reported, not retried. */
export class AzureOperationError extends RdpMedicError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}
