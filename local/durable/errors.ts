import { RdpMedicError } from "../../src/errors";

/** DurableTask.Core's NonDeterministicOrchestrationException: replayed actions differ from the recorded history. */
export class NonDeterministicOrchestrationError extends RdpMedicError {
  constructor(
    readonly sequenceId: number,
    details: string,
  ) {
    super("durable-non-deterministic", `Non-Deterministic workflow detected: ${details}`);
  }
}

/** The orchestrator asked for something the extension (or this local host) rejects. */
export class OrchestrationProtocolError extends RdpMedicError {
  constructor(message: string) {
    super("durable-protocol", message);
  }
}

/** A management operation was refused, with the HTTP status the extension's API answers. */
export class DurableManagementError extends RdpMedicError {
  constructor(
    code: "instance-not-found" | "instance-exists" | "instance-finished" | "instance-not-finished" | "bad-request",
    message: string,
    readonly status: number,
  ) {
    super(`durable-${code}`, message);
  }
}

/** The host's safety bounds were hit (virtual time or replay count). */
export class DurableHostLimitError extends RdpMedicError {
  constructor(message: string) {
    super("durable-host-limit", message);
  }
}
