/**
 * Who is calling, for each kind of route: real tokens signed with a local key and served from a loopback key set,
 * through the real validator (jose) and the app's policy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROLES } from "../../../src/auth/policy";
import type { Config } from "../../../src/config";
import { authenticate, FUNCTION_KEY_CALLER } from "../../../src/functions/http-auth";
import { AUDIENCE, CLIENT_ID, ISSUER, bearer, claims, makeKey, signRs256, startKeyServer, type KeyServer, type TestKey } from "../auth/token-kit";

type AuthConfig = Pick<Config, "entraAuth" | "alertAuth" | "localDevelopmentAuth">;

let key: TestKey;
let server: KeyServer;
let entra: AuthConfig;
const OPERATOR_OID = "0f1e2d3c-4b5a-4968-8778-695a4b3c2d1e";

beforeAll(async () => {
  key = makeKey("key-1");
  server = await startKeyServer([key.publicJwk]);
  entra = { entraAuth: { audience: AUDIENCE, clientId: CLIENT_ID, issuer: ISSUER, jwksUri: server.url }, alertAuth: "entra", localDevelopmentAuth: false };
});
afterAll(async () => server?.close());

const now = () => Math.floor(Date.now() / 1000);
/** A person's delegated token: claims as Entra issues them for a user of the API. */
const personToken = (roles: string[], overrides: Record<string, unknown> = {}) =>
  signRs256(key, {
    ...claims({ iat: now() - 60, nbf: now() - 60, exp: now() + 3600, roles }),
    appid: undefined,
    oid: OPERATOR_OID.toUpperCase(),
    upn: "olivia@contoso.com",
    scp: "user_impersonation",
    ...overrides,
  });
const actionGroupToken = () => signRs256(key, claims({ iat: now() - 60, nbf: now() - 60, exp: now() + 3600 }));

function request(headers: Record<string, string> = {}) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { headers: { get: (name: string) => lower[name.toLowerCase()] ?? null } };
}

describe("a person's token on the human routes", () => {
  it("with the route's role: the caller is the token's object ID and user name", async () => {
    const result = await authenticate(request({ authorization: bearer(personToken(["Operator"])) }), ROLES.operator, entra);
    expect(result).toEqual({ ok: true, caller: { kind: "user", id: OPERATOR_OID, name: "olivia@contoso.com", roles: ["Operator"] } });
  });

  it("a v2 token for the client ID is accepted too", async () => {
    const result = await authenticate(request({ authorization: bearer(personToken(["Approver"], { aud: CLIENT_ID })) }), ROLES.approver, entra);
    expect(result.ok).toBe(true);
  });

  it("without the route's role: 403 insufficient_scope (an Operator cannot approve)", async () => {
    const result = await authenticate(request({ authorization: bearer(personToken(["Operator"])) }), ROLES.approver, entra);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.response.status).toBe(403);
    expect(result.response.headers).toMatchObject({ "WWW-Authenticate": 'Bearer error="insufficient_scope", error_description="token-role"' });
  });

  it("no token: 401 with a plain Bearer challenge", async () => {
    const result = await authenticate(request(), ROLES.operator, entra);
    expect(!result.ok && result.response.status).toBe(401);
    expect(!result.ok && result.response.headers).toMatchObject({ "WWW-Authenticate": "Bearer" });
    expect(!result.ok && result.response.jsonBody).toMatchObject({ error: { code: "token-missing" } });
  });

  it.each([
    [{ aud: "api://other" }, "token-audience"],
    [{ iss: "https://sts.windows.net/other/" }, "token-issuer"],
    [{ exp: 1_000_000 }, "token-expired"],
    [{ oid: undefined }, "token-malformed"],
    [{ oid: "not-a-guid" }, "token-malformed"],
    [{ upn: "olivia\u202e@contoso.com" }, "token-malformed"],
    [{ roles: "Operator" }, "token-malformed"],
  ])("invalid token %j: 401 naming %s", async (overrides, code) => {
    const result = await authenticate(request({ authorization: bearer(personToken(["Operator"], overrides)) }), ROLES.operator, entra);
    expect(!result.ok && result.response.status).toBe(401);
    expect(!result.ok && result.response.jsonBody).toMatchObject({ error: { code } });
  });
});

describe("one credential per purpose", () => {
  it("the action group's token opens POST /api/alerts and no human route", async () => {
    const token = bearer(actionGroupToken());
    const alerts = await authenticate(request({ authorization: token }), ROLES.alertSender, entra);
    expect(alerts).toMatchObject({ ok: true, caller: { kind: "app", roles: ["ActionGroupsSecureWebhook"] } });
    for (const role of [ROLES.operator, ROLES.approver]) {
      const result = await authenticate(request({ authorization: token }), role, entra);
      expect(!result.ok && result.response.status, role).toBe(403);
    }
  });

  it("a person's token, however many roles it has, does not open POST /api/alerts", async () => {
    const result = await authenticate(request({ authorization: bearer(personToken(["Operator", "Approver"])) }), ROLES.alertSender, entra);
    expect(!result.ok && result.response.status).toBe(403);
  });

  it("ALERT_AUTH=function-key: the alerts route trusts the host's key check, and the human routes still need a token", async () => {
    const keyed: AuthConfig = { ...entra, alertAuth: "function-key" };
    expect(await authenticate(request(), ROLES.alertSender, keyed)).toEqual({ ok: true, caller: FUNCTION_KEY_CALLER });
    const human = await authenticate(request({ "x-functions-key": "the-alert-key" }), ROLES.operator, keyed);
    expect(!human.ok && human.response.status).toBe(401);
  });
});

describe("deny by default", () => {
  it("without Entra settings every token-needing route answers 503 auth-not-configured, whatever is sent", async () => {
    const none: AuthConfig = { entraAuth: undefined, alertAuth: "entra", localDevelopmentAuth: false };
    for (const role of [ROLES.operator, ROLES.approver, ROLES.alertSender]) {
      for (const headers of [{}, { authorization: bearer(personToken(["Operator", "Approver"])) }, { "x-local-user": "alice" }] as Array<Record<string, string>>) {
        const result = await authenticate(request(headers), role, none);
        expect(!result.ok && result.response.status, `${role} ${JSON.stringify(headers)}`).toBe(503);
        expect(!result.ok && result.response.jsonBody).toMatchObject({ error: { code: "auth-not-configured" } });
      }
    }
  });

  it("signing keys unavailable: 503 with Retry-After, so the sender retries", async () => {
    const down = await startKeyServer([key.publicJwk]);
    down.mode = "error-500";
    try {
      const config: AuthConfig = { ...entra, entraAuth: { ...entra.entraAuth!, jwksUri: down.url } };
      const result = await authenticate(request({ authorization: bearer(personToken(["Operator"])) }), ROLES.operator, config);
      expect(!result.ok && result.response.status).toBe(503);
      expect(!result.ok && result.response.headers).toMatchObject({ "Retry-After": "30" });
    } finally {
      await down.close();
    }
  });
});

describe("LOCAL_DEVELOPMENT_AUTH", () => {
  const local: AuthConfig = { entraAuth: undefined, alertAuth: "function-key", localDevelopmentAuth: true };

  it("a request without a token acts as the identity it declares, with the roles it declares", async () => {
    expect(await authenticate(request({ "x-local-user": "alice" }), ROLES.approver, local)).toEqual({
      ok: true,
      caller: { kind: "local", id: "local:alice", name: "alice", roles: ["Operator", "Approver"] },
    });
    const operatorOnly = await authenticate(request({ "x-local-user": "bob", "x-local-roles": "Operator" }), ROLES.approver, local);
    expect(!operatorOnly.ok && operatorOnly.response.status).toBe(403);
    expect(await authenticate(request(), ROLES.operator, local)).toMatchObject({ ok: true, caller: { id: "local:local-developer" } });
  });

  it("declares neither a hostile name nor the alert sender's role", async () => {
    const badName = await authenticate(request({ "x-local-user": "alice\r\nadmin" }), ROLES.operator, local);
    expect(!badName.ok && badName.response.status).toBe(401);
    const role = await authenticate(request({ "x-local-roles": "ActionGroupsSecureWebhook" }), ROLES.operator, local);
    expect(!role.ok && role.response.status).toBe(401);
  });

  it("a token, when sent, is validated as always", async () => {
    const both: AuthConfig = { ...entra, localDevelopmentAuth: true };
    const garbage = await authenticate(request({ authorization: "Bearer x.y.z" }), ROLES.operator, both);
    expect(!garbage.ok && garbage.response.status).toBe(401);
    expect(await authenticate(request({ authorization: bearer(personToken(["Operator"])) }), ROLES.operator, both)).toMatchObject({ ok: true, caller: { kind: "user" } });
  });

  it("never opens POST /api/alerts under ALERT_AUTH=entra", async () => {
    const result = await authenticate(request({ "x-local-user": "alice" }), ROLES.alertSender, { ...entra, localDevelopmentAuth: true });
    expect(!result.ok && result.response.status).toBe(401);
  });
});
