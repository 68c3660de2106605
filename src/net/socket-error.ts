/** Sorts a node:net error into what it says about the peer, for probes that must report, never throw. */

export type SocketPhase = "connect" | "reply";

export type SocketErrorReason = "dns" | "refused" | "unreachable" | "timeout" | "closed" | "error";

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "EAI_NODATA", "EAI_ADDRFAMILY"]);
const UNREACHABLE_CODES = new Set(["EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "EADDRNOTAVAIL"]);
const CLOSED_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

export interface ClassifiedSocketError {
  reason: SocketErrorReason;
  /** The system error code when there is one (ECONNREFUSED, ENOTFOUND, ...). */
  code: string | undefined;
  detail: string;
}

export function classifySocketError(error: unknown, phase: SocketPhase): ClassifiedSocketError {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const reason: SocketErrorReason =
    code === undefined
      ? "error"
      : DNS_CODES.has(code)
        ? "dns"
        : code === "ECONNREFUSED"
          ? "refused"
          : UNREACHABLE_CODES.has(code)
            ? "unreachable"
            : code === "ETIMEDOUT"
              ? "timeout"
              : CLOSED_CODES.has(code)
                ? "closed"
                : "error";
  return { reason, code, detail: `${phase === "connect" ? "connecting" : "waiting for the reply"}: ${message}` };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === "string" ? code : undefined;
}
