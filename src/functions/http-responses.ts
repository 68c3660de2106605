import type { HttpResponseInit } from "@azure/functions";
import { activityFailureMessage } from "../domain/activity-failure";
import { forLog } from "../domain/printable";
import { InputError, RdpMedicError } from "../errors";

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { "Content-Type": "application/json", ...headers } };
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Where a handler logs: every line neutralized (forLog), so no value from a request can forge or hide a line. */
export interface RequestLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function requestLog(context: { log(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void }): RequestLog {
  return {
    info: (message) => context.log(forLog(message)),
    warn: (message) => context.warn(forLog(message)),
    error: (message) => context.error(forLog(message)),
  };
}

/**
 * Bad input is a 4xx with a stable code; anything else is logged (with its stack, in the app's own logs only) and
 * answered 500 with one line of message at most: no stack trace, no file path ever leaves the app.
 */
export function errorResponse(error: unknown, log: Pick<RequestLog, "error">): HttpResponseInit {
  if (error instanceof InputError) return jsonResponse(error.status, errorBody(error.code, error.message));
  if (error instanceof RdpMedicError) {
    log.error(`${error.code}: ${error.message}`);
    return jsonResponse(500, errorBody(error.code, activityFailureMessage(error, 300)));
  }
  log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return jsonResponse(500, errorBody("internal-error", "the request could not be completed; see the function logs"));
}
