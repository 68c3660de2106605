/**
 * The one way this app registers an HTTP route: the caller is authenticated and holds the route's app role before
 * the handler runs, and the handler gets that caller as a typed principal. A route registered any other way fails
 * the registration test (test/src/functions/secure-http.test.ts).
 */
import type { HttpMethod, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import { ROLES, type AppRole, type Principal } from "../auth/policy";
import { loadConfig, type Config } from "../config";
import { authenticate } from "./http-auth";
import { errorResponse, requestLog, type RequestLog } from "./http-responses";

export type SecureHandler = (
  request: HttpRequest,
  caller: Principal,
  client: DurableClient,
  context: InvocationContext,
  log: RequestLog,
) => Promise<HttpResponseInit>;

export interface SecureRoute {
  route: string;
  methods: HttpMethod[];
  /** The app role a caller must hold. */
  role: AppRole;
  handler: SecureHandler;
}

export interface SecuredRegistration {
  name: string;
  route: string;
  methods: HttpMethod[];
  role: AppRole;
  authLevel: "anonymous" | "function";
}

const registered = new Map<string, SecuredRegistration>();

/** Every route registered through secureHttp, by function name (lower case, as the host compares names). */
export function securedRegistrations(): ReadonlyMap<string, SecuredRegistration> {
  return registered;
}

let settings: Config | undefined;
const config = () => (settings ??= loadConfig());

/**
 * Registers an HTTP route behind the caller check. The host lets everyone through (anonymous) and the app decides,
 * except POST /api/alerts under ALERT_AUTH=function-key: there the host checks the alerts function's own key.
 */
export function secureHttp(name: string, route: SecureRoute): void {
  const authLevel = route.role === ROLES.alertSender && config().alertAuth === "function-key" ? "function" : "anonymous";
  registered.set(name.toLowerCase(), { name, route: route.route, methods: route.methods, role: route.role, authLevel });
  df.app.client.http(name, { route: route.route, methods: route.methods, authLevel, handler: guarded(route.role, route.handler) });
}

/** The handler behind the check: refused callers get 401/403/503 before their body is read. */
export function guarded(role: AppRole, handler: SecureHandler, getConfig: () => Config = config) {
  return async (request: HttpRequest, client: DurableClient, context: InvocationContext): Promise<HttpResponseInit> => {
    const log = requestLog(context);
    try {
      const auth = await authenticate(request, role, getConfig());
      if (!auth.ok) {
        if (auth.failure) log.warn(`${request.method} ${new URL(request.url).pathname} refused: ${auth.failure.code}: ${auth.failure.message}`);
        return auth.response;
      }
      return await handler(request, auth.caller, client, context, log);
    } catch (error) {
      return errorResponse(error, log);
    }
  };
}
