/** Test keys, locally signed tokens and a loopback key server that behaves like a tenant's discovery/v2.0/keys. */
import { TWIN_AUDIENCE, TWIN_CLIENT_ID, TWIN_ISSUER, TWIN_TENANT } from "../../../local/offline/entra-twin";

export {
  makeKey,
  signHs256WithPublicKey,
  signRs256,
  startKeyServer,
  unsigned,
  type KeyServer,
  type KeyServerMode,
  type TestKey,
} from "../../../local/offline/entra-twin";

export const TENANT = TWIN_TENANT;
export const ISSUER = TWIN_ISSUER;
export const AUDIENCE = TWIN_AUDIENCE;
export const CLIENT_ID = TWIN_CLIENT_ID;
/** The fixed "now" of the tests. */
export const NOW = new Date("2025-06-01T12:00:00Z");
export const NOW_S = Math.floor(NOW.getTime() / 1000);
/** The action group's service principal. */
export const ACTION_GROUP_OID = "7a1c9e52-3b4d-4f6a-8e2b-9c0d1e2f3a4b";

/** Claims an action group's token carries (v1 token for an Application ID URI audience). */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    aud: AUDIENCE,
    iss: ISSUER,
    iat: NOW_S - 60,
    nbf: NOW_S - 60,
    exp: NOW_S + 3600,
    appid: "00000000-0000-0000-0000-0000000000a9",
    oid: ACTION_GROUP_OID,
    tid: TENANT,
    roles: ["ActionGroupsSecureWebhook"],
    ...overrides,
  };
}

export const bearer = (token: string) => `Bearer ${token}`;
