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

export type TokenFailure = { ok: false; code: TokenFailureCode; message: string };

/** A verified token's claims (signature, issuer, audience and lifetime checked); what they grant is policy.ts's. */
export type TokenValidation = { ok: true; claims: Record<string, unknown> } | TokenFailure;

export function tokenFailure(code: TokenFailureCode, message: string): TokenFailure {
  return { ok: false, code, message };
}

/** A value from the token, quoted and shortened for a message. */
export function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
