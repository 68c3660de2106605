/** The claim checks of an already verified token: issuer, audience, lifetime, and optionally an app role. */
import { quoted, tokenFailure, type EntraClaims, type TokenValidation } from "./token-result";

export interface ClaimExpectations {
  audience: string;
  issuer: string;
  requiredRole?: string;
  clockToleranceSeconds: number;
  nowSeconds: number;
}

export function checkClaims(payload: Record<string, unknown>, expected: ClaimExpectations): TokenValidation {
  const { iss, aud, exp, nbf, roles } = payload;
  if (iss !== expected.issuer) return tokenFailure("token-issuer", `the token's issuer ${quoted(iss)} is not the configured issuer`);
  const audiences = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(expected.audience)) {
    return tokenFailure("token-audience", `the token's audience ${quoted(aud)} is not the configured audience`);
  }
  if (typeof exp !== "number" || !Number.isFinite(exp)) return tokenFailure("token-malformed", "the token has no numeric exp");
  if (nbf !== undefined && (typeof nbf !== "number" || !Number.isFinite(nbf))) return tokenFailure("token-malformed", "the token's nbf is not a number");
  const tolerance = expected.clockToleranceSeconds;
  if (expected.nowSeconds - tolerance >= exp) {
    return tokenFailure("token-expired", `the token expired at ${isoTime(exp)} (clock tolerance ${tolerance} s)`);
  }
  if (nbf !== undefined && expected.nowSeconds + tolerance < nbf) {
    return tokenFailure("token-not-yet-valid", `the token is not valid before ${isoTime(nbf)} (clock tolerance ${tolerance} s)`);
  }
  if (roles !== undefined && (!Array.isArray(roles) || !roles.every((r) => typeof r === "string"))) {
    return tokenFailure("token-malformed", "the token's roles claim is not a list of strings");
  }
  if (expected.requiredRole !== undefined && !(roles as string[] | undefined)?.includes(expected.requiredRole)) {
    return tokenFailure("token-role", `the token does not carry the app role ${quoted(expected.requiredRole)}`);
  }
  return { ok: true, claims: payload as EntraClaims };
}

function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}
