import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { ArmError } from "./errors";
import { headerValue } from "./http";

/**
 * Bearer tokens. The simulator's managed-identity endpoint (or its in-process credential) issues tokens
 * for a resource; ARM and Logs accept only tokens they issued, for their audience, not yet expired (real time:
 * token lifetimes are the client's business and do not follow a virtual clock).
 */

export const ARM_AUDIENCES = ["https://management.azure.com", "https://management.core.windows.net"];
export const LOGS_AUDIENCES = ["https://api.loganalytics.io"];

const TOKEN_LIFETIME_MS = 24 * 3600 * 1000;

interface IssuedToken {
  resource: string;
  expiresOnMs: number;
  /** The managed identity the token was issued to (its client ID); undefined for the in-process test credential. */
  clientId?: string;
}

/** Who called: the identity a request's token was issued to. */
export interface Principal {
  /** undefined: the simulator's own test credential (tests and stand-ins for other clients), which may do anything. */
  clientId: string | undefined;
}

export interface AccessTokenLike {
  token: string;
  expiresOnTimestamp: number;
}

/** A TokenCredential (structurally, as @azure/core-auth defines it) that gets tokens straight from the simulator. */
export interface SimulatorTokenCredential {
  getToken(scopes: string | string[]): Promise<AccessTokenLike>;
}

export class TokenIssuer {
  private readonly tokens = new Map<string, IssuedToken>();

  issue(resource: string, clientId?: string): AccessTokenLike {
    const expiresOnMs = Date.now() + TOKEN_LIFETIME_MS;
    const token = entraShapedToken(normaliseResource(resource), expiresOnMs);
    this.tokens.set(token, { resource: normaliseResource(resource), expiresOnMs, ...(clientId === undefined ? {} : { clientId: clientId.toLowerCase() }) });
    return { token, expiresOnTimestamp: expiresOnMs };
  }

  /** Tokens issued in-process: to a managed identity's client ID, or (none) to the unrestricted test driver. */
  credential(clientId?: string): SimulatorTokenCredential {
    return {
      getToken: async (scopes) => {
        const scope = Array.isArray(scopes) ? scopes[0] : scopes;
        if (!scope) throw new Error("getToken needs a scope");
        return this.issue(scope, clientId);
      },
    };
  }

  /** Throws the 401 that ARM (or Logs) answers when the Authorization header is missing or not acceptable. */
  authorize(headers: IncomingHttpHeaders, audiences: string[]): Principal {
    const header = headerValue(headers, "authorization");
    if (!header) throw unauthorized("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized("AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    const issued = this.tokens.get(match[1] as string);
    if (!issued) throw unauthorized("InvalidAuthenticationToken", "The access token is invalid.");
    const now = Date.now();
    if (issued.expiresOnMs <= now) {
      throw unauthorized(
        "ExpiredAuthenticationToken",
        `The access token expiry UTC time '${new Date(issued.expiresOnMs).toISOString()}' is earlier than current UTC time '${new Date(now).toISOString()}'.`,
      );
    }
    if (!audiences.includes(issued.resource)) {
      const allowed = audiences.flatMap((a) => [`'${a}/'`, `'${a}'`]).join(",");
      throw unauthorized(
        "InvalidAuthenticationTokenAudience",
        `The access token has been obtained for wrong audience or resource '${issued.resource}'. It should exactly match with one of the allowed audiences ${allowed}.`,
      );
    }
    return { clientId: issued.clientId };
  }
}

/** The simulated tenant of the managed identity. */
export const SIMULATED_TENANT_ID = "5e3b2f4a-0000-4000-8000-00000000a1b2";

/**
 * Tokens shaped like Entra ID access tokens (a JWT with issuer, audience and lifetime) so that other local
 * stand-ins that check those claims (Azurite's basic OAuth) accept them too. The signature is random: ARM and
 * Logs here accept only tokens this issuer handed out.
 */
function entraShapedToken(audience: string, expiresOnMs: number): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const issuedAt = Math.floor(Date.now() / 1000);
  const claims = {
    aud: audience,
    iss: `https://sts.windows.net/${SIMULATED_TENANT_ID}/`,
    iat: issuedAt,
    nbf: issuedAt - 60,
    exp: Math.floor(expiresOnMs / 1000),
    tid: SIMULATED_TENANT_ID,
    jti: randomBytes(12).toString("base64url"),
    idtyp: "app",
    ver: "1.0",
  };
  return `${encode({ alg: "RS256", typ: "JWT" })}.${encode(claims)}.${randomBytes(32).toString("base64url")}`;
}

/** "https://management.azure.com/.default" and "https://management.azure.com/" name the same resource. */
export function normaliseResource(resourceOrScope: string): string {
  return resourceOrScope.replace(/\/\.default$/, "").replace(/\/+$/, "").toLowerCase();
}

function unauthorized(code: string, message: string): ArmError {
  return new ArmError(401, code, message, {
    headers: {
      "WWW-Authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
    },
  });
}
