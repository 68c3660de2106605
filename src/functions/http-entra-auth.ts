/** The optional Microsoft Entra bearer-token check in front of HTTP triggers (on top of the function key). */
import type { HttpResponseInit } from "@azure/functions";
import { createEntraTokenValidator, type EntraTokenValidatorOptions } from "../auth/entra-token";
import type { TokenFailure } from "../auth/token-result";
import type { Config, EntraAuthSettings } from "../config";
import { errorBody, jsonResponse } from "./http-responses";

export interface HeaderSource {
  headers: { get(name: string): string | null };
}

/** Answers a request the token check refuses; undefined lets it through. */
export type EntraGuard = (request: HeaderSource, log?: { warn(message: string): void }) => Promise<HttpResponseInit | undefined>;

export function createEntraGuard(settings: EntraAuthSettings, options: Partial<EntraTokenValidatorOptions> = {}): EntraGuard {
  const validator = createEntraTokenValidator({
    ...options,
    audience: settings.audience,
    issuer: settings.issuer,
    requiredRole: settings.requiredRole,
  });
  return async (request, log) => {
    const result = await validator.validate(request.headers.get("authorization"));
    if (result.ok) return undefined;
    log?.warn(`Entra token refused: ${result.code}: ${result.message}`);
    return refusal(result);
  };
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

let cached: { settings: EntraAuthSettings; guard: EntraGuard } | undefined;

/** The app's check, built once from its settings (the key cache lives as long as the process); off when not configured. */
export async function checkEntraToken(
  request: HeaderSource,
  config: Pick<Config, "entraAuth">,
  log?: { warn(message: string): void },
): Promise<HttpResponseInit | undefined> {
  const settings = config.entraAuth;
  if (!settings) return undefined;
  if (cached?.settings !== settings) cached = { settings, guard: createEntraGuard(settings) };
  return cached.guard(request, log);
}
