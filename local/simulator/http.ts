import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Principal } from "./auth";
import { ArmError } from "./errors";
import type { LroStatus } from "./request-log";

/** A request as the handlers see it: body read, path canonicalised, and a note for the request log. */
export interface SimRequest {
  seq: number;
  /** Operation name from the route, e.g. "vm.restart" (the request log's `operation`). */
  operation: string;
  method: string;
  url: URL;
  /** Path with repeated slashes collapsed, original case. */
  path: string;
  host: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  note: LogNote;
  /** Who called (set once the token is accepted). */
  principal?: Principal;
}

/** What a handler adds to its request-log entry. */
export interface LogNote {
  vmId?: string;
  vmName?: string;
  resourceId?: string;
  script?: string;
  stateChanging?: boolean;
  operationId?: string;
  pollOf?: string;
  lroStatus?: LroStatus;
  /** The response variants this answer used, e.g. "vm.restart=200" (docs/simulator.md "Response variants"). */
  variants?: string[];
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialised when present; absent = empty body. */
  body?: unknown;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new ArmError(413, "RequestEntityTooLarge", "The request content is too large.");
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The JSON body of a request; ARM answers malformed JSON with 400 InvalidRequestContent. */
export function jsonBody(req: SimRequest): Record<string, unknown> {
  if (req.rawBody.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(req.rawBody);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
}

export function apiVersionOf(req: SimRequest): string {
  const version = req.url.searchParams.get("api-version");
  if (!version) {
    throw new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  }
  return version;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers };
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** One page of a list answer, with a nextLink on the host the client used while more remain. */
export function page(req: SimRequest, items: unknown[], pageSize: number): Record<string, unknown> {
  const skip = Number.parseInt(req.url.searchParams.get("$skiptoken") ?? "0", 10);
  const start = Number.isInteger(skip) && skip > 0 ? skip : 0;
  const value = items.slice(start, start + pageSize);
  const body: Record<string, unknown> = { value };
  if (start + pageSize < items.length) {
    const next = new URL(`https://${req.host}${req.url.pathname}`);
    for (const [k, v] of req.url.searchParams) if (k !== "$skiptoken") next.searchParams.set(k, v);
    next.searchParams.set("$skiptoken", String(start + pageSize));
    body.nextLink = next.toString();
  }
  return body;
}
