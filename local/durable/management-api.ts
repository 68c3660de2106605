/**
 * The Durable extension's HTTP API (HttpApiHandler) on loopback: the internal RPC endpoint (`/durabletask/`) that
 * durable-functions' DurableClient calls, the public webhooks (`/runtime/webhooks/durabletask/`, system key checked),
 * and optionally the app's own HTTP routes.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RPC_PATH, WEBHOOK_PATH, managementPayload, type WebhookSettings } from "./client-input";
import { DurableManagementError } from "./errors";
import { isTerminal, type InstanceFilter, type RuntimeStatus } from "./instance-store";
import { toWireStatus } from "./status-view";
import type { TaskHub } from "./task-hub";

export interface ApiRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialized when defined; a Buffer or string is sent as is. */
  body?: unknown;
}

export interface EntityApi {
  read(name: string, key: string): { exists: boolean; state?: unknown };
  signal(name: string, key: string, operation: string, inputText: string | null): void;
}

export interface ManagementApiOptions {
  hub: TaskHub;
  taskHubName: string;
  entities?: () => EntityApi | undefined;
  /** Serves everything outside the durable paths (the app's HTTP functions). */
  fallback?: (request: ApiRequest) => Promise<ApiResponse>;
}

const RUNNING: readonly RuntimeStatus[] = ["Running", "Pending", "ContinuedAsNew", "Suspended"];
const STATUS_NAMES: readonly RuntimeStatus[] = [
  "Running",
  "Completed",
  "ContinuedAsNew",
  "Failed",
  "Canceled",
  "Terminated",
  "Pending",
  "Suspended",
];

export class ManagementApi {
  readonly systemKey = randomBytes(24).toString("base64url");
  #server: Server | undefined;
  #origin = "";

  constructor(private readonly options: ManagementApiOptions) {}

  get origin(): string {
    if (!this.#origin) throw new Error("The management API is not listening yet.");
    return this.#origin;
  }

  get settings(): WebhookSettings {
    return { origin: this.origin, taskHubName: this.options.taskHubName, systemKey: this.systemKey };
  }

  async listen(): Promise<void> {
    if (this.#server) return;
    const server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    this.#origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let response: ApiResponse;
    try {
      const request = await readRequest(req, this.origin);
      response = await this.route(request);
    } catch (error) {
      response = { status: 500, body: { Message: "Something went wrong while processing your request", ExceptionMessage: String(error) } };
    }
    const isRaw = typeof response.body === "string" || Buffer.isBuffer(response.body);
    const payload = response.body === undefined ? undefined : isRaw ? (response.body as string | Buffer) : JSON.stringify(response.body);
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    if (payload !== undefined && !isRaw) headers["Content-Type"] ??= "application/json; charset=utf-8";
    res.writeHead(response.status, headers);
    res.end(payload);
  }

  private async route(request: ApiRequest): Promise<ApiResponse> {
    const path = request.url.pathname;
    if (path.startsWith(RPC_PATH)) return this.handle(request, path.slice(RPC_PATH.length));
    if (path === WEBHOOK_PATH || path.startsWith(`${WEBHOOK_PATH}/`)) {
      if (request.url.searchParams.get("code") !== this.systemKey) return { status: 401 };
      return this.handle(request, path.slice(WEBHOOK_PATH.length + 1));
    }
    return this.options.fallback ? this.options.fallback(request) : { status: 404 };
  }

  private handle(request: ApiRequest, rawPath: string): Promise<ApiResponse> | ApiResponse {
    const path = decodeURIComponent(rawPath).replace(/^\/+|\/+$/g, "");
    const method = request.method.toUpperCase();
    const q = request.url.searchParams;
    let m: RegExpExecArray | null;
    try {
      if ((m = /^orchestrators\/([^/]+)(?:\/([^/]+))?$/.exec(path))) {
        return method === "POST" ? this.start(request, m[1] as string, m[2]) : { status: 404 };
      }
      if ((m = /^entities\/([^/]*)(?:\/([^/]*))?$/.exec(path))) return this.entity(request, m[1] as string, m[2] ?? "");
      if (path === "instances") {
        if (method === "GET") return this.query(request);
        if (method === "DELETE") return this.purgeBy(q);
        return { status: 404 };
      }
      if ((m = /^instances\/([^/]+)\/raiseEvent\/([^/]+)$/.exec(path))) {
        return method === "POST" ? this.raiseEvent(request, m[1] as string, m[2] as string) : { status: 404 };
      }
      if ((m = /^instances\/([^/]+)$/.exec(path))) {
        if (method === "GET") return this.status(request, m[1] as string);
        if (method === "DELETE") return this.purge(m[1] as string);
        return { status: 404 };
      }
      if ((m = /^instances\/([^/]+)\/([^/]+)$/.exec(path)) && method === "POST") {
        return this.operation(m[1] as string, (m[2] as string).toLowerCase(), q.get("reason"));
      }
      return { status: 404 };
    } catch (error) {
      if (error instanceof DurableManagementError) return errorResponse(error);
      throw error;
    }
  }

  private start(request: ApiRequest, functionName: string, instanceId: string | undefined): ApiResponse {
    const text = request.body.toString("utf8");
    if (text.length > 0) {
      try {
        JSON.parse(text);
      } catch {
        return { status: 400, body: { Message: "Invalid JSON content" } };
      }
    }
    const version = request.url.searchParams.get("version") ?? undefined;
    const record = this.options.hub.startNew(functionName, instanceId, text.length > 0 ? text : null, version);
    const payload = managementPayload(this.settings, record.instanceId, request.url.origin);
    const { rewindPostUri: _rewind, ...body } = payload;
    return { status: 202, headers: { Location: payload.statusQueryGetUri, "Retry-After": "10" }, body };
  }

  private status(request: ApiRequest, instanceId: string): ApiResponse {
    const record = this.options.hub.store.get(instanceId);
    if (!record) return { status: 404 };
    const q = request.url.searchParams;
    const body = toWireStatus(record, {
      showHistory: q.get("showHistory") === "true",
      showHistoryOutput: q.get("showHistoryOutput") === "true",
      showInput: q.get("showInput") !== "false",
    });
    if (RUNNING.includes(record.runtimeStatus)) {
      return { status: 202, headers: { Location: request.url.href, "Retry-After": "5" }, body };
    }
    const failedAs500 = record.runtimeStatus === "Failed" && q.get("returnInternalServerErrorOnFailure") === "true";
    return { status: failedAs500 ? 500 : 200, body };
  }

  private query(request: ApiRequest): ApiResponse {
    const q = request.url.searchParams;
    const filter = readFilter(q);
    const top = Number.parseInt(q.get("top") ?? "", 10);
    const page = this.options.hub.store.page(filter, Number.isFinite(top) && top > 0 ? top : 100, request.headers["x-ms-continuation-token"]);
    const showInput = q.get("showInput") !== "false";
    const body = page.instances.map((r) => toWireStatus(r, { showHistory: false, showHistoryOutput: false, showInput }));
    return { status: 200, body, ...(page.continuationToken ? { headers: { "x-ms-continuation-token": page.continuationToken } } : {}) };
  }

  private purge(instanceId: string): ApiResponse {
    const record = this.options.hub.store.get(instanceId);
    if (!record) return { status: 404 };
    if (!isTerminal(record.runtimeStatus)) {
      return {
        status: 412,
        body: `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${record.runtimeStatus}`,
      };
    }
    return { status: 200, body: { instancesDeleted: this.options.hub.purge(instanceId) } };
  }

  private purgeBy(q: URLSearchParams): ApiResponse {
    const filter = readFilter(q);
    if (!filter.createdTimeFrom) return { status: 400, body: "Please provide value for 'createdTimeFrom' parameter." };
    const deleted = this.options.hub.purgeBy(filter);
    return deleted === 0 ? { status: 404 } : { status: 200, body: { instancesDeleted: deleted } };
  }

  private raiseEvent(request: ApiRequest, instanceId: string, eventName: string): ApiResponse {
    const record = this.options.hub.store.get(instanceId);
    if (!record) return { status: 404 };
    if (isTerminal(record.runtimeStatus)) return { status: 410 };
    const mediaType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (mediaType !== "application/json") return { status: 400, body: { Message: "Only application/json request content is supported" } };
    const text = request.body.toString("utf8");
    try {
      if (text.length > 0) JSON.parse(text);
    } catch {
      return { status: 400, body: { Message: "Invalid JSON content" } };
    }
    this.options.hub.raiseEvent(instanceId, eventName, text.length > 0 ? text : null);
    return { status: 202 };
  }

  private operation(instanceId: string, operation: string, reason: string | null): ApiResponse {
    const record = this.options.hub.store.get(instanceId);
    if (operation === "rewind") {
      if (!record) return { status: 404, body: `No orchestration with instance ID "$${instanceId}" found.` };
      return { status: 501, body: { Message: "Rewind is not supported by the underlying storage provider." } };
    }
    if (!["terminate", "suspend", "resume"].includes(operation)) return { status: 404 };
    if (!record) return { status: 404 };
    if (isTerminal(record.runtimeStatus)) return { status: 410 };
    const hub = this.options.hub;
    if (operation === "terminate") hub.terminate(instanceId, reason ?? "");
    else if (operation === "suspend") hub.suspend(instanceId, reason);
    else hub.resume(instanceId, reason);
    return { status: 202 };
  }

  private entity(request: ApiRequest, name: string, key: string): ApiResponse {
    const entities = this.options.entities?.();
    if (!entities) return { status: 404 };
    const method = request.method.toUpperCase();
    if (method === "GET") {
      if (!key) return { status: 404 };
      const found = entities.read(name, key === "$" ? "" : key);
      return found.exists ? { status: 200, body: found.state ?? null } : { status: 404 };
    }
    if (method !== "POST" && method !== "DELETE") return { status: 404 };
    const operation = method === "DELETE" ? "delete" : (request.url.searchParams.get("op") ?? "");
    const text = request.body.toString("utf8");
    const isJson = (request.headers["content-type"] ?? "").toLowerCase().startsWith("application/json");
    let inputText: string | null = null;
    if (text.length > 0) {
      if (isJson) {
        try {
          JSON.parse(text);
        } catch (error) {
          return { status: 400, body: { Message: `Could not parse JSON content: ${String(error)}` } };
        }
        inputText = text;
      } else {
        inputText = JSON.stringify(text);
      }
    }
    entities.signal(name, key, operation, inputText);
    return { status: 202 };
  }
}

function readFilter(q: URLSearchParams): InstanceFilter {
  const date = (name: string): Date | undefined => {
    const value = q.get(name);
    const parsed = value ? new Date(value) : undefined;
    return parsed && !Number.isNaN(parsed.getTime()) ? parsed : undefined;
  };
  const statuses = (q.getAll("runtimeStatus") ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => STATUS_NAMES.find((s) => s.toLowerCase() === v.trim().toLowerCase()))
    .filter((s): s is RuntimeStatus => s !== undefined);
  const from = date("createdTimeFrom");
  const to = date("createdTimeTo");
  const prefix = q.get("instanceIdPrefix");
  return {
    ...(from ? { createdTimeFrom: from } : {}),
    ...(to ? { createdTimeTo: to } : {}),
    ...(statuses.length > 0 ? { runtimeStatus: statuses } : {}),
    ...(prefix ? { instanceIdPrefix: prefix } : {}),
  };
}

function errorResponse(error: DurableManagementError): ApiResponse {
  return error.status === 404 || error.status === 410 ? { status: error.status } : { status: error.status, body: { Message: error.message } };
}

async function readRequest(req: IncomingMessage, origin: string): Promise<ApiRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { method: req.method ?? "GET", url: new URL(req.url ?? "/", origin), headers, body: Buffer.concat(chunks) };
}
