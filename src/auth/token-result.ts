/** What a bearer-token check answers. Codes are stable: HTTP answers and logs carry them. */

export type TokenFailureCode =
  | "token-missing"
  | "token-malformed"
  | "token-signature"
  | "token-audience"
  | "token-issuer"
  | "token-expired"
  | "token-not-yet-valid"
  | "token-role"
  | "jwks-unavailable";

/** The claims of a verified Microsoft Entra access token; the ones checked here are typed, the rest kept as they came. */
export interface EntraClaims {
  iss: string;
  aud: string | string[];
  exp: number;
  nbf?: number;
  roles?: string[];
  [claim: string]: unknown;
}

export type TokenFailure = { ok: false; code: TokenFailureCode; message: string };

export type TokenValidation = { ok: true; claims: EntraClaims } | TokenFailure;

export function tokenFailure(code: TokenFailureCode, message: string): TokenFailure {
  return { ok: false, code, message };
}

/** A value from the token, quoted and shortened for a message. */
export function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
