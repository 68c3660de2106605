/**
 * Validates a Microsoft Entra bearer token with jose (signature, key set, time claims), under this app's stricter
 * policy: RS256 only, a kid always, an exact issuer, the app's audience (Application ID URI or client ID), an exp
 * always, and a size cap before anything is decoded. What the token grants (roles, identity) is policy.ts's.
 * validate() never throws: every outcome is a result with a stable code.
 */
import type * as Jose from "jose" with { "resolution-mode": "import" };
import { ConfigError } from "../errors";
import { bearerToken } from "./bearer";
import { checkJwksUri, jwksUriForIssuer } from "./jwks";
import { createKeySet, KeysUnavailable, type GetKey, type JoseModule } from "./key-set";
import { quoted, tokenFailure, type TokenFailure, type TokenValidation } from "./token-result";

export interface EntraTokenValidatorOptions {
  /** Accepted values of aud: the Application ID URI (ENTRA_AUDIENCE) and the client ID (ENTRA_CLIENT_ID). */
  audiences: readonly string[];
  /** Exact iss: https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0. */
  issuer: string;
  /** Where the signing keys are; by default the issuer tenant's discovery/v2.0/keys. */
  jwksUri?: string;
  /** Fixed signing keys (public JWKs with kid); when given, nothing is fetched. */
  keys?: readonly Jose.JWK[];
  clockToleranceSeconds?: number;
  fetchImpl?: typeof fetch;
  /** The clock time claims are checked against. */
  now?: () => Date;
  /** Key-set tuning (key-set.ts KEY_SET_DEFAULTS). */
  jwksCacheMs?: number;
  jwksCooldownMs?: number;
  jwksFailureBackoffMs?: number;
  jwksTimeoutMs?: number;
}

export interface EntraTokenValidator {
  validate(authorizationHeader: string | null): Promise<TokenValidation>;
}

/** The only signature algorithm accepted: Entra signs access tokens with RS256. Never taken from the token. */
export const ACCEPTED_ALGORITHM = "RS256";

/** Builds a validator; throws ConfigError at once for options that could never validate anything. */
export function createEntraTokenValidator(options: EntraTokenValidatorOptions): EntraTokenValidator {
  const audiences = options.audiences.map((a) => a.trim()).filter((a) => a !== "");
  if (audiences.length === 0) throw new ConfigError("ENTRA_AUDIENCE", "ENTRA_AUDIENCE is empty");
  const issuer = options.issuer;
  if (issuer.trim() === "") throw new ConfigError("ENTRA_ISSUER", "ENTRA_ISSUER is empty");
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 300;
  if (!Number.isFinite(clockToleranceSeconds) || clockToleranceSeconds < 0 || clockToleranceSeconds > 3600) {
    throw new ConfigError("clockToleranceSeconds", "the clock tolerance must be 0 to 3600 seconds");
  }
  const jwksUri = options.keys ? undefined : options.jwksUri ?? jwksUriForIssuer(issuer);
  if (jwksUri !== undefined) checkJwksUri(jwksUri);
  const now = options.now ?? (() => new Date());

  // jose is an ES module: loaded on the first token, so a start that sees no token never pays for it.
  let ready: Promise<{ jose: JoseModule; getKey: GetKey }> | undefined;
  const load = () =>
    (ready ??= import("jose").then((jose) => ({
      jose,
      getKey: options.keys
        ? jose.createLocalJWKSet({ keys: [...options.keys] })
        : createKeySet(jose, {
            uri: jwksUri!,
            fetchImpl: options.fetchImpl,
            cacheMs: options.jwksCacheMs,
            cooldownMs: options.jwksCooldownMs,
            failureBackoffMs: options.jwksFailureBackoffMs,
            timeoutMs: options.jwksTimeoutMs,
          }),
    })));

  async function validate(authorizationHeader: string | null): Promise<TokenValidation> {
    const bearer = bearerToken(authorizationHeader);
    if (!bearer.ok) return bearer;
    const { jose, getKey } = await load();
    let header: Jose.ProtectedHeaderParameters;
    try {
      header = jose.decodeProtectedHeader(bearer.token);
    } catch {
      return tokenFailure("token-malformed", "the token's header is not a base64url JSON object");
    }
    if (header.alg === undefined) return tokenFailure("token-malformed", "the token's header names no alg");
    // Checked before any key is looked up: no "none", no HMAC keyed with the public key, no guessing the key.
    if (header.alg !== ACCEPTED_ALGORITHM) {
      return tokenFailure("token-signature", `the token's alg ${quoted(header.alg)} is not accepted; only ${ACCEPTED_ALGORITHM} is`);
    }
    if (typeof header.kid !== "string" || header.kid === "" || header.kid.length > 256) {
      return tokenFailure("token-signature", "the token does not name its signing key (kid)");
    }
    try {
      const { payload } = await jose.jwtVerify(bearer.token, getKey, {
        algorithms: [ACCEPTED_ALGORITHM],
        issuer,
        audience: audiences,
        clockTolerance: clockToleranceSeconds,
        currentDate: now(),
        requiredClaims: ["exp"],
      });
      return { ok: true, claims: payload as Record<string, unknown> };
    } catch (error) {
      return refusalOf(error, clockToleranceSeconds);
    }
  }

  return {
    async validate(authorizationHeader) {
      try {
        return await validate(authorizationHeader);
      } catch (error) {
        // Unreachable by design; a check that cannot complete denies.
        return tokenFailure("token-malformed", `the token could not be checked: ${error instanceof Error ? error.message.slice(0, 200) : "unknown error"}`);
      }
    },
  };
}

/** jose's refusal, as this app's stable code and a message for the caller. */
function refusalOf(error: unknown, toleranceSeconds: number): TokenFailure {
  if (error instanceof KeysUnavailable) return tokenFailure("jwks-unavailable", error.message);
  const code = (error as { code?: unknown })?.code;
  const claim = (error as { claim?: unknown })?.claim;
  const reason = (error as { reason?: unknown })?.reason;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return tokenFailure("token-expired", `the token has expired (clock tolerance ${toleranceSeconds} s)`);
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "iss") return tokenFailure("token-issuer", "the token's issuer is not the configured issuer");
      if (claim === "aud") return tokenFailure("token-audience", "the token's audience is not this app (ENTRA_AUDIENCE or ENTRA_CLIENT_ID)");
      if (claim === "nbf") return tokenFailure("token-not-yet-valid", `the token is not valid yet (clock tolerance ${toleranceSeconds} s)`);
      if (reason === "missing") return tokenFailure("token-malformed", `the token has no ${quoted(claim)} claim`);
      return tokenFailure("token-malformed", `the token's ${quoted(claim)} claim is not valid`);
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return tokenFailure("token-signature", "the token's signature does not verify with its signing key");
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return tokenFailure("token-signature", "the token's signing key (kid) is not one usable RS256 key in the tenant's key set");
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return tokenFailure("token-signature", `only ${ACCEPTED_ALGORITHM} is accepted`);
    default:
      break;
  }
  // jose refuses RSA keys under 2048 bits with a TypeError when it verifies.
  if (error instanceof TypeError && /modulusLength|key/i.test(error.message)) {
    return tokenFailure("token-signature", "the token's signing key is not a usable RS256 key (RSA keys of 2048 bits or more)");
  }
  return tokenFailure("token-malformed", `the token is not a valid JWT: ${error instanceof Error ? error.message.slice(0, 160) : "unknown error"}`);
}
