import type { HttpResponseInit, InvocationContext } from "@azure/functions";
import { InputError, RdpMedicError } from "../errors";

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { "Content-Type": "application/json", ...headers } };
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** Bad input is a 4xx with a stable code; anything else is logged and answered 500 without internals. */
export function errorResponse(error: unknown, context: InvocationContext): HttpResponseInit {
  if (error instanceof InputError) return jsonResponse(error.status, errorBody(error.code, error.message));
  if (error instanceof RdpMedicError) {
    context.error(`${error.code}: ${error.message}`);
    return jsonResponse(500, errorBody(error.code, error.message));
  }
  context.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return jsonResponse(500, errorBody("internal-error", "the request could not be completed; see the function logs"));
}

/** Reads a body as text, refusing bodies over the limit before parsing anything. */
export async function readBodyText(request: { text(): Promise<string>; headers: { get(name: string): string | null } }, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > limit) {
    throw new InputError("body-too-large", `the body is over ${limit} bytes`, 413);
  }
  const text = await request.text();
  if (Buffer.byteLength(text, "utf8") > limit) throw new InputError("body-too-large", `the body is over ${limit} bytes`, 413);
  return text;
}
