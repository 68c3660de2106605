import { classifyArmError } from "../azure/arm-errors";
import { AzureOperationError, TransientAzureError } from "../errors";

/** Transient faults are rethrown for the retry policy; permanent ones become a result the run reports. */
export function permanentFailure(error: unknown): { ok: false; code: string; message: string } {
  if (error instanceof TransientAzureError) throw error;
  if (error instanceof AzureOperationError) return { ok: false, code: error.code, message: error.message };
  const failure = classifyArmError(error);
  if (failure.transient) throw new TransientAzureError(`${failure.code}: ${failure.message}`);
  return { ok: false, code: failure.code, message: failure.message };
}
