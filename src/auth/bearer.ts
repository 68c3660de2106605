/** Takes the bearer token out of an Authorization header, refusing anything unusual before it is decoded. */
import { tokenFailure, type TokenFailure } from "./token-result";

/** Entra access tokens are a few KB; anything far larger is refused before it is decoded. */
export const MAX_TOKEN_BYTES = 16 * 1024;

/** A JWS in compact form: three base64url segments. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function bearerToken(authorization: string | null): { ok: true; token: string } | TokenFailure {
  const value = authorization?.trim() ?? "";
  if (value === "") return tokenFailure("token-missing", "the request has no Authorization header; a Bearer token is required");
  if (value.length > MAX_TOKEN_BYTES + 64) return tokenFailure("token-malformed", `the token is over ${MAX_TOKEN_BYTES} bytes`);
  const space = value.indexOf(" ");
  const scheme = space < 0 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") {
    return tokenFailure("token-missing", "the Authorization header does not carry a Bearer token");
  }
  const token = value.slice(scheme.length).trim();
  if (token === "") return tokenFailure("token-missing", "the Authorization header's Bearer token is empty");
  if (token.length > MAX_TOKEN_BYTES) return tokenFailure("token-malformed", `the token is over ${MAX_TOKEN_BYTES} bytes`);
  // A base64url segment of length 1 mod 4 cannot come from any byte string.
  if (!COMPACT_JWS.test(token) || token.split(".").some((part) => part.length % 4 === 1)) {
    return tokenFailure("token-malformed", "the token is not a JWS in compact form (three base64url segments: header.payload.signature)");
  }
  return { ok: true, token };
}
