import type { TokenIssuer } from "../auth";
import type { SimRequest, SimResponse } from "../http";
import { headerValue } from "../http";

/**
 * The App Service managed-identity endpoint (api-version 2019-08-01) that ManagedIdentityCredential calls when
 * IDENTITY_ENDPOINT and IDENTITY_HEADER are set: GET ?api-version=2019-08-01&resource=... with X-IDENTITY-HEADER.
 */
/** The client ID answered for the system-assigned identity. */
export const SYSTEM_ASSIGNED_CLIENT_ID = "00000000-0000-4000-a000-00000000c11e";

export function msiToken(issuer: TokenIssuer, secret: string, req: SimRequest): SimResponse {
  if (headerValue(req.headers, "x-identity-header") !== secret) {
    return { status: 401, body: { statusCode: 401, message: "The X-IDENTITY-HEADER header is missing or does not match." } };
  }
  const resource = req.url.searchParams.get("resource");
  if (!resource) return { status: 400, body: { statusCode: 400, message: "The 'resource' query parameter is required." } };
  const apiVersion = req.url.searchParams.get("api-version");
  if (apiVersion !== "2019-08-01") {
    return { status: 400, body: { statusCode: 400, message: `Unsupported api-version '${apiVersion ?? ""}'; use 2019-08-01.` } };
  }
  // A user-assigned identity is asked for by client_id; the answer names the identity it is for.
  const clientId = req.url.searchParams.get("client_id") ?? SYSTEM_ASSIGNED_CLIENT_ID;
  const issued = issuer.issue(resource, clientId);
  return {
    status: 200,
    body: {
      access_token: issued.token,
      expires_on: String(Math.floor(issued.expiresOnTimestamp / 1000)),
      resource,
      token_type: "Bearer",
      client_id: clientId,
    },
  };
}
