/** Splits an Authorization header's bearer token into its JWS compact parts, refusing anything unusual. */
import { tokenFailure, type TokenFailure } from "./token-result";

/** Entra access tokens are a few KB; anything far larger is refused before it is decoded. */
export const MAX_TOKEN_BYTES = 16 * 1024;

export interface CompactJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The ASCII text the signature covers: base64url(header) "." base64url(payload). */
  signingInput: string;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function bearerToken(authorization: string | null): { ok: true; token: string } | TokenFailure {
  const value = authorization?.trim() ?? "";
  if (value === "") return tokenFailure("token-missing", "the request has no Authorization header; a Bearer token is required");
  const space = value.indexOf(" ");
  const scheme = space < 0 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") {
    return tokenFailure("token-missing", "the Authorization header does not carry a Bearer token");
  }
  const token = value.slice(scheme.length).trim();
  if (token === "") return tokenFailure("token-missing", "the Authorization header's Bearer token is empty");
  if (token.length > MAX_TOKEN_BYTES) return tokenFailure("token-malformed", `the token is over ${MAX_TOKEN_BYTES} bytes`);
  return { ok: true, token };
}

export function decodeCompactJwt(token: string): { ok: true; jwt: CompactJwt } | TokenFailure {
  const parts = token.split(".");
  if (parts.length !== 3) return tokenFailure("token-malformed", `the token has ${parts.length} segments, not 3 (header.payload.signature)`);
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  for (const [name, part] of [["header", headerPart], ["payload", payloadPart], ["signature", signaturePart]] as const) {
    // Length 1 mod 4 cannot come from any byte string; Buffer would silently drop the stray character.
    if (!BASE64URL.test(part) || part.length % 4 === 1) return tokenFailure("token-malformed", `the token's ${name} is not base64url`);
  }
  const header = jsonObject(headerPart);
  if (!header) return tokenFailure("token-malformed", "the token's header is not a JSON object");
  const payload = jsonObject(payloadPart);
  if (!payload) return tokenFailure("token-malformed", "the token's payload is not a JSON object");
  return {
    ok: true,
    jwt: { header, payload, signingInput: `${headerPart}.${payloadPart}`, signature: Buffer.from(signaturePart, "base64url") },
  };
}

function jsonObject(part: string): Record<string, unknown> | undefined {
  if (part === "") return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
