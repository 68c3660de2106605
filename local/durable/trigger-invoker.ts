/**
 * Calls the app's HTTP and timer functions as the Functions host would: an RPC HTTP request (or timer info) as the
 * trigger, the durableClient binding value as an extra input, the response converted back from RPC.
 */
import type { RpcTypedData } from "./core-types";
import type { FunctionRegistry, Registration } from "./functions-core";
import { fillRoute, matchRoute, parseRouteTemplate } from "./http-routes";
import type { FunctionInvoker } from "./invoker";

export interface HttpRequestInit {
  method?: string;
  /** Absolute URL; by default built from the function's route, `params` and `query`. */
  url?: string;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON (with content-type application/json). */
  body?: unknown;
  params?: Record<string, string>;
  query?: Record<string, string>;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface TriggerInvokerOptions {
  invoker: FunctionInvoker;
  registry: () => FunctionRegistry;
  /** Origin for request URLs (the loopback server, so status links point back at it). */
  origin: () => string;
  routePrefix: string;
}

export class TriggerInvoker {
  constructor(private readonly options: TriggerInvokerOptions) {}

  async invokeHttp(functionName: string, init: HttpRequestInit = {}): Promise<HttpResult> {
    const registration = this.requireTrigger(functionName, "httpTrigger");
    const method = (init.method ?? "GET").toUpperCase();
    const methods = httpMethods(registration);
    if (!methods.includes(method)) {
      throw new Error(`Function "${registration.name}" does not accept ${method} (it accepts ${methods.join(", ")}).`);
    }
    const template = parseRouteTemplate(routeOf(registration));
    const url = new URL(init.url ?? `${this.options.origin()}/${this.prefixed(fillRoute(template, init.params ?? {}))}`);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const path = this.stripPrefix(url.pathname);
    const params = init.params ?? (path === undefined ? undefined : matchRoute(template, path)) ?? {};
    return this.call(registration, method, url, init.headers ?? {}, init.body, params);
  }

  /** Finds the HTTP function whose route and methods match, as the host's router does; 404 when none. */
  async invokeRoute(method: string, pathOrUrl: string, init: Omit<HttpRequestInit, "method" | "url" | "params"> = {}): Promise<HttpResult> {
    const url = new URL(pathOrUrl, `${this.options.origin()}/`);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const upper = method.toUpperCase();
    const path = this.stripPrefix(url.pathname);
    if (path === undefined) return notFound();
    const candidates = this.options
      .registry()
      .byTrigger("httpTrigger")
      .map((registration) => ({ registration, template: parseRouteTemplate(routeOf(registration)) }))
      .filter((c) => httpMethods(c.registration).includes(upper))
      .map((c) => ({ ...c, params: matchRoute(c.template, path) }))
      .filter((c) => c.params !== undefined)
      .sort((a, b) => b.template.literalCount - a.template.literalCount);
    const best = candidates[0];
    if (!best || !best.params) return notFound();
    return this.call(best.registration, upper, url, init.headers ?? {}, init.body, best.params);
  }

  async invokeTimer(functionName: string, options: { isPastDue?: boolean; now?: Date } = {}): Promise<unknown> {
    const registration = this.requireTrigger(functionName, "timerTrigger");
    const now = options.now ?? new Date();
    const timerInfo = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: now.toISOString(), Next: now.toISOString(), LastUpdated: now.toISOString() },
      IsPastDue: options.isPastDue ?? false,
    };
    const outcome = await this.options.invoker.invoke(registration.name, {
      trigger: { json: JSON.stringify(timerInfo) },
    });
    if (!outcome.ok) throw outcome.error;
    return outcome.response.returnValue;
  }

  private async call(
    registration: Registration,
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: unknown,
    params: Record<string, string>,
  ): Promise<HttpResult> {
    const requestHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) requestHeaders[k.toLowerCase()] = v;
    const bodyData = encodeBody(body, requestHeaders);
    const outcome = await this.options.invoker.invoke(registration.name, {
      trigger: {
        http: { method, url: url.href, headers: requestHeaders, params, ...(bodyData ? { body: bodyData } : {}) },
      },
    });
    if (!outcome.ok) return { status: 500, headers: {}, body: "", json: undefined };
    const http = outcome.response.returnValue?.http;
    if (!http) return { status: 204, headers: {}, body: "", json: undefined };
    const text = http.body?.bytes ? Buffer.from(http.body.bytes).toString("utf8") : (http.body?.string ?? "");
    const responseHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(http.headers ?? {})) responseHeaders[k.toLowerCase()] = v;
    return { status: Number.parseInt(http.statusCode ?? "200", 10), headers: responseHeaders, body: text, json: tryJson(text) };
  }

  private requireTrigger(functionName: string, type: string): Registration {
    const registration = this.options.registry().require(functionName);
    if (registration.triggerType.toLowerCase() !== type.toLowerCase()) {
      throw new Error(`Function "${functionName}" has a ${registration.triggerType}, not a ${type}.`);
    }
    return registration;
  }

  private prefixed(route: string): string {
    return this.options.routePrefix ? `${this.options.routePrefix}/${route}` : route;
  }

  private stripPrefix(pathname: string): string | undefined {
    const path = pathname.replace(/^\/+/, "");
    const prefix = this.options.routePrefix;
    if (!prefix) return path;
    if (path.toLowerCase() === prefix.toLowerCase()) return "";
    return path.toLowerCase().startsWith(`${prefix.toLowerCase()}/`) ? path.slice(prefix.length + 1) : undefined;
  }
}

function routeOf(registration: Registration): string {
  const route = registration.trigger.route;
  return typeof route === "string" && route !== "" ? route : registration.name;
}

function httpMethods(registration: Registration): string[] {
  const methods = registration.trigger.methods;
  return Array.isArray(methods) && methods.length > 0 ? methods.map((m) => String(m).toUpperCase()) : ["GET", "POST"];
}

function encodeBody(body: unknown, headers: Record<string, string>): RpcTypedData | undefined {
  if (body === undefined || body === null) return undefined;
  if (Buffer.isBuffer(body)) return { bytes: body };
  if (typeof body === "string") return { bytes: Buffer.from(body, "utf8") };
  headers["content-type"] ??= "application/json";
  return { bytes: Buffer.from(JSON.stringify(body), "utf8") };
}

function tryJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function notFound(): HttpResult {
  return { status: 404, headers: {}, body: "", json: undefined };
}
