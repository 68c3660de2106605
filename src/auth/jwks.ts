/** A tenant's signing keys: where they are published, and which of them can verify an RS256 token. */
import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { ConfigError } from "../errors";

/** Weaker RSA keys are ignored even if a key set lists them. */
export const MIN_RSA_BITS = 2048;

/**
 * The tenant's key set, from the issuer: https://sts.windows.net/<tenant>/ (v1 tokens) and
 * https://login.microsoftonline.com/<tenant>/v2.0 both publish at login.microsoftonline.com/<tenant>/discovery/v2.0/keys.
 * Other hosts (sovereign clouds, a local issuer) keep their own origin.
 */
export function jwksUriForIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError("ENTRA_ISSUER", `ENTRA_ISSUER is not a URL: "${issuer.slice(0, 120)}"`);
  }
  const tenant = url.pathname.split("/").find((segment) => segment !== "");
  if (!tenant) throw new ConfigError("ENTRA_ISSUER", `ENTRA_ISSUER names no tenant in its path: "${issuer.slice(0, 120)}"`);
  const origin = url.hostname.toLowerCase() === "sts.windows.net" ? "https://login.microsoftonline.com" : url.origin;
  return `${origin}/${tenant}/discovery/v2.0/keys`;
}

/** https, or http only to a loopback address (a local key server in tests). */
export function checkJwksUri(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError("ENTRA_ISSUER", `the signing-key URL is not a URL: "${value.slice(0, 120)}"`);
  }
  if (url.username || url.password) throw new ConfigError("ENTRA_ISSUER", "the signing-key URL must not carry credentials");
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return url;
  throw new ConfigError("ENTRA_ISSUER", `the signing-key URL must use https (http only to a loopback address), not ${url.protocol}//${url.host}`);
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * The usable keys of a JWKS document by kid: RSA, for signatures, RS256 if an alg is named, at least 2048 bits.
 * Other entries are skipped, not fatal: key sets may list keys for other uses.
 */
export function signingKeysOf(document: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = typeof document === "object" && document !== null ? (document as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(list)) throw new Error("the key set has no keys array");
  for (const entry of list as unknown[]) {
    if (typeof entry !== "object" || entry === null) continue;
    const jwk = entry as JsonWebKey;
    if (jwk.kty !== "RSA" || typeof jwk.kid !== "string" || jwk.kid === "") continue;
    if (jwk.use !== undefined && jwk.use !== "sig") continue;
    if (jwk.alg !== undefined && jwk.alg !== "RS256") continue;
    if (typeof jwk.n !== "string" || typeof jwk.e !== "string") continue;
    try {
      // Only the public parts: a key set must never make this verify with anything else.
      const key = createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" });
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) continue;
      keys.set(jwk.kid, key);
    } catch {
      continue;
    }
  }
  return keys;
}
