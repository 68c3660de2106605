/** What the app does with a failed Azure call: retry it (transient) or report it (permanent). */
export interface ArmFailure {
  transient: boolean;
  code: string;
  message: string;
  statusCode: number | undefined;
}

const TRANSIENT_NETWORK = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "ESOCKETTIMEDOUT", "EPIPE", "EAI_AGAIN"]);
const LRO_FAILED_PREFIX = "The long-running operation has failed";

export function classifyArmError(error: unknown): ArmFailure {
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown; details?: unknown };
  const statusCode = typeof e?.statusCode === "number" ? e.statusCode : undefined;
  const rawCode = typeof e?.code === "string" ? e.code : undefined;
  const message = typeof e?.message === "string" ? e.message : String(error);

  if (message.startsWith(LRO_FAILED_PREFIX)) {
    // "The long-running operation has failed. <code>. <message>" — a plain Error, not a RestError.
    const rest = message.slice(LRO_FAILED_PREFIX.length).replace(/^\.\s*/, "");
    const [code, ...tail] = rest.split(". ");
    return { transient: false, code: code || "OperationFailed", message: tail.join(". ") || message, statusCode };
  }
  if (statusCode === 429 || statusCode === 408 || (statusCode !== undefined && statusCode >= 500)) {
    return { transient: true, code: rawCode ?? `Http${statusCode}`, message, statusCode };
  }
  // Run Command busy on this VM: wait and try again.
  if (statusCode === 409 && rawCode === "Conflict") return { transient: true, code: rawCode, message, statusCode };
  if (statusCode === undefined && rawCode !== undefined && TRANSIENT_NETWORK.has(rawCode)) {
    return { transient: true, code: rawCode, message, statusCode };
  }
  if (statusCode === undefined && /socket hang up|network|ECONNRESET/i.test(message)) {
    return { transient: true, code: rawCode ?? "NetworkError", message, statusCode };
  }
  return { transient: false, code: rawCode ?? (statusCode ? `Http${statusCode}` : "Error"), message, statusCode };
}
