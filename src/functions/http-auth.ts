/**
 * Who is calling: a Microsoft Entra bearer token with the route's app role, deny by default; under
 * LOCAL_DEVELOPMENT_AUTH a declared local identity; on POST /api/alerts with ALERT_AUTH=function-key, the caller
 * the host let in with the alerts function's own key.
 */
import type { HttpResponseInit } from "@azure/functions";
import { createEntraTokenValidator, type EntraTokenValidator, type EntraTokenValidatorOptions } from "../auth/entra-token";
import { HUMAN_ROLES, localPrincipal, principalOf, ROLES, type AppRole, type Principal } from "../auth/policy";
import type { TokenFailure } from "../auth/token-result";
import type { Config, EntraAuthSettings } from "../config";
import { errorBody, jsonResponse } from "./http-responses";

export interface HeaderSource {
  headers: { get(name: string): string | null };
}

/** The caller POST /api/alerts has under ALERT_AUTH=function-key: whoever holds the alerts function's key. */
export const FUNCTION_KEY_CALLER: Principal = {
  kind: "app",
  id: "function-key:action-group",
  name: "action group (alerts function key)",
  roles: [ROLES.alertSender],
};

export type Authentication = { ok: true; caller: Principal } | { ok: false; response: HttpResponseInit; failure: TokenFailure | undefined };

/**
 * The caller of a request to a route that needs `role`, or the answer that refuses it. Reads headers only: a refused
 * request's body is never read.
 */
export async function authenticate(
  request: HeaderSource,
  role: AppRole,
  config: Pick<Config, "entraAuth" | "alertAuth" | "localDevelopmentAuth">,
): Promise<Authentication> {
  if (role === ROLES.alertSender && config.alertAuth === "function-key") return { ok: true, caller: FUNCTION_KEY_CALLER };
  const authorization = request.headers.get("authorization");
  const human = (HUMAN_ROLES as readonly string[]).includes(role);
  if (human && config.localDevelopmentAuth && (authorization === null || authorization.trim() === "")) {
    const local = localPrincipal(request.headers.get("x-local-user"), request.headers.get("x-local-roles"));
    if (!local.ok) return refused(local);
    if (!local.principal.roles.includes(role)) return refused({ ok: false, code: "token-role", message: `X-Local-Roles does not name the app role "${role}"` });
    return { ok: true, caller: local.principal };
  }
  if (!config.entraAuth) {
    return {
      ok: false,
      failure: undefined,
      response: jsonResponse(
        503,
        errorBody("auth-not-configured", "no caller can be authenticated: ENTRA_AUDIENCE and ENTRA_ISSUER are not set"),
      ),
    };
  }
  const verified = await validatorFor(config.entraAuth).validate(authorization);
  if (!verified.ok) return refused(verified);
  const principal = principalOf(verified.claims, role);
  if (!principal.ok) return refused(principal);
  return { ok: true, caller: principal.principal };
}

function refused(failure: TokenFailure): Authentication {
  return { ok: false, failure, response: refusal(failure) };
}

/**
 * 401 for a missing or invalid token (RFC 6750 challenge), 403 for a valid token without the app role, 503 when the
 * signing keys cannot be fetched (the sender should retry; the token may be fine).
 */
export function refusal(failure: TokenFailure): HttpResponseInit {
  const body = errorBody(failure.code, failure.message);
  if (failure.code === "jwks-unavailable") return jsonResponse(503, body, { "Retry-After": "30" });
  if (failure.code === "token-role") {
    return jsonResponse(403, body, { "WWW-Authenticate": `Bearer error="insufficient_scope", error_description="${failure.code}"` });
  }
  if (failure.code === "token-missing") return jsonResponse(401, body, { "WWW-Authenticate": "Bearer" });
  return jsonResponse(401, body, { "WWW-Authenticate": `Bearer error="invalid_token", error_description="${failure.code}"` });
}

let cached: { settings: EntraAuthSettings; validator: EntraTokenValidator } | undefined;

/** One validator per process (its key cache lives as long as the process), rebuilt only if the settings change. */
function validatorFor(settings: EntraAuthSettings): EntraTokenValidator {
  if (cached?.settings !== settings) cached = { settings, validator: createEntraTokenValidator(validatorOptions(settings)) };
  return cached.validator;
}

export function validatorOptions(settings: EntraAuthSettings): EntraTokenValidatorOptions {
  return {
    audiences: [settings.audience, ...(settings.clientId ? [settings.clientId] : [])],
    issuer: settings.issuer,
    ...(settings.jwksUri ? { jwksUri: settings.jwksUri } : {}),
  };
}
