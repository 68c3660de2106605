/** Where a tenant publishes its signing keys, and which key-set URLs this app will fetch from. */
import { ConfigError } from "../errors";

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
