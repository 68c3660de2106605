/**
 * Validates the Microsoft Entra bearer token a secure webhook action group sends: an RS256 JWT signed by a key in
 * the tenant's key set, for the configured audience and issuer, within its lifetime, optionally with an app role.
 * node:crypto only. validate() never throws: every outcome is a result with a stable code.
 */
import { verify, type JsonWebKey, type KeyObject } from "node:crypto";
import { ConfigError } from "../errors";
import { checkClaims } from "./claims";
import { bearerToken, decodeCompactJwt } from "./compact-jwt";
import { jwksUriForIssuer, signingKeysOf } from "./jwks";
import { createJwksCache, type JwksCache, type KeyLookup } from "./jwks-cache";
import { quoted, tokenFailure, type TokenValidation } from "./token-result";

export interface EntraTokenValidatorOptions {
  /** The app's Application ID URI (e.g. api://rdp-medic); the token's aud must equal it. */
  audience: string;
  /** Exact iss: https://sts.windows.net/<tenant>/ or https://login.microsoftonline.com/<tenant>/v2.0. */
  issuer: string;
  /** An app role the token's roles claim must contain. */
  requiredRole?: string;
  /** Where the signing keys are; by default the issuer tenant's discovery/v2.0/keys. */
  jwksUri?: string;
  /** Fixed signing keys (JWKs with kid); when given, nothing is fetched. */
  keys?: readonly JsonWebKey[];
  clockToleranceSeconds?: number;
  fetchImpl?: typeof fetch;
  now?: () => Date;
  /** Key-set cache tuning (defaults: 24 h cache, 5 min between unknown-kid refetches, 5 s timeout). */
  jwksCacheMs?: number;
  jwksRefetchIntervalMs?: number;
  jwksTimeoutMs?: number;
}

export interface EntraTokenValidator {
  validate(authorizationHeader: string | null): Promise<TokenValidation>;
}

/** Builds a validator; throws ConfigError at once for options that could never validate anything. */
export function createEntraTokenValidator(options: EntraTokenValidatorOptions): EntraTokenValidator {
  const { audience, issuer, requiredRole } = options;
  if (audience.trim() === "") throw new ConfigError("ENTRA_AUDIENCE", "ENTRA_AUDIENCE is empty");
  if (issuer.trim() === "") throw new ConfigError("ENTRA_ISSUER", "ENTRA_ISSUER is empty");
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 300;
  if (!Number.isFinite(clockToleranceSeconds) || clockToleranceSeconds < 0 || clockToleranceSeconds > 3600) {
    throw new ConfigError("clockToleranceSeconds", "the clock tolerance must be 0 to 3600 seconds");
  }
  const now = options.now ?? (() => new Date());
  const keySource = options.keys ? fixedKeys(options.keys) : createJwksCache({
    uri: options.jwksUri ?? jwksUriForIssuer(issuer),
    fetchImpl: options.fetchImpl,
    now,
    cacheMs: options.jwksCacheMs,
    refetchIntervalMs: options.jwksRefetchIntervalMs,
    timeoutMs: options.jwksTimeoutMs,
  });

  async function validate(authorizationHeader: string | null): Promise<TokenValidation> {
    const bearer = bearerToken(authorizationHeader);
    if (!bearer.ok) return bearer;
    const decoded = decodeCompactJwt(bearer.token);
    if (!decoded.ok) return decoded;
    const { header, payload, signingInput, signature } = decoded.jwt;

    // The algorithm is fixed here, never taken from the token: no "none", no HMAC keyed with the public key.
    if (header.alg !== "RS256") {
      return tokenFailure("token-signature", `the token's alg ${quoted(header.alg)} is not accepted; only RS256 is`);
    }
    if (header.crit !== undefined) return tokenFailure("token-malformed", "the token names critical header extensions this app does not know");
    const kid = header.kid;
    if (typeof kid !== "string" || kid === "" || kid.length > 256) {
      return tokenFailure("token-signature", "the token does not name its signing key (kid)");
    }
    const lookup = await keySource.keyFor(kid);
    if (!lookup.ok) return tokenFailure(lookup.reason === "unavailable" ? "jwks-unavailable" : "token-signature", lookup.message);
    if (!signatureVerifies(signingInput, lookup.key, signature)) {
      return tokenFailure("token-signature", "the token's signature does not verify with its signing key");
    }
    return checkClaims(payload, {
      audience,
      issuer,
      requiredRole,
      clockToleranceSeconds,
      nowSeconds: Math.floor(now().getTime() / 1000),
    });
  }

  return {
    async validate(authorizationHeader) {
      try {
        return await validate(authorizationHeader);
      } catch (error) {
        // Unreachable by design; a check that cannot complete denies.
        return tokenFailure("token-malformed", `the token could not be checked: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}

function signatureVerifies(signingInput: string, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify("RSA-SHA256", Buffer.from(signingInput, "ascii"), key, signature);
  } catch {
    return false;
  }
}

function fixedKeys(list: readonly JsonWebKey[]): JwksCache {
  const keys: Map<string, KeyObject> = signingKeysOf({ keys: list });
  if (keys.size === 0) throw new ConfigError("ENTRA_ISSUER", "none of the given signing keys is a usable RS256 key with a kid");
  return {
    async keyFor(kid): Promise<KeyLookup> {
      const key = keys.get(kid);
      return key ? { ok: true, key } : { ok: false, reason: "unknown-kid", message: "the token's signing key (kid) is not one of the configured keys" };
    },
  };
}
