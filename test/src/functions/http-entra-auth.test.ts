import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { EntraAuthSettings } from "../../../src/config";
import { checkEntraToken, createEntraGuard } from "../../../src/functions/http-entra-auth";
import { AUDIENCE, ISSUER, NOW, bearer, claims, makeKey, signRs256, startKeyServer, type KeyServer, type TestKey } from "../auth/token-kit";

const settings: EntraAuthSettings = { audience: AUDIENCE, issuer: ISSUER, requiredRole: "ActionGroupsSecureWebhook" };
const request = (authorization?: string) => ({
  headers: { get: (name: string) => (name.toLowerCase() === "authorization" && authorization !== undefined ? authorization : null) },
});

let key: TestKey;
let server: KeyServer | undefined;
beforeAll(() => {
  key = makeKey("key-1");
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function guard() {
  server = await startKeyServer([key.publicJwk]);
  const warnings: string[] = [];
  const check = createEntraGuard(settings, { jwksUri: server.url, now: () => NOW });
  return { check: (authorization?: string) => check(request(authorization), { warn: (m) => warnings.push(m) }), warnings };
}

describe("Entra token guard for HTTP triggers", () => {
  it("lets a valid token through", async () => {
    const { check, warnings } = await guard();
    expect(await check(bearer(signRs256(key, claims())))).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("no token: 401 with a plain Bearer challenge and the stable code, logged", async () => {
    const { check, warnings } = await guard();
    const response = await check();
    expect(response?.status).toBe(401);
    expect(response?.headers).toMatchObject({ "WWW-Authenticate": "Bearer" });
    expect(response?.jsonBody).toMatchObject({ error: { code: "token-missing" } });
    expect(warnings[0]).toContain("token-missing");
  });

  it.each([
    [{ aud: "api://other" }, "token-audience"],
    [{ iss: "https://sts.windows.net/other/" }, "token-issuer"],
    [{ exp: Math.floor(NOW.getTime() / 1000) - 3600 }, "token-expired"],
  ])("invalid token %j: 401 invalid_token naming %s", async (overrides, code) => {
    const { check } = await guard();
    const response = await check(bearer(signRs256(key, claims(overrides))));
    expect(response?.status).toBe(401);
    expect(response?.headers).toMatchObject({ "WWW-Authenticate": `Bearer error="invalid_token", error_description="${code}"` });
    expect(response?.jsonBody).toMatchObject({ error: { code } });
  });

  it("a valid token without the app role: 403 insufficient_scope", async () => {
    const { check } = await guard();
    const response = await check(bearer(signRs256(key, claims({ roles: [] }))));
    expect(response?.status).toBe(403);
    expect(response?.headers).toMatchObject({ "WWW-Authenticate": 'Bearer error="insufficient_scope", error_description="token-role"' });
  });

  it("signing keys unavailable: 503 with Retry-After, so the sender retries", async () => {
    const { check } = await guard();
    server!.mode = "error-500";
    const response = await check(bearer(signRs256(key, claims())));
    expect(response?.status).toBe(503);
    expect(response?.headers).toMatchObject({ "Retry-After": "30" });
    expect(response?.jsonBody).toMatchObject({ error: { code: "jwks-unavailable" } });
  });

  it("is off when the settings are absent: every request passes, no token needed", async () => {
    expect(await checkEntraToken(request(), { entraAuth: undefined })).toBeUndefined();
    expect(await checkEntraToken(request("Bearer garbage"), { entraAuth: undefined })).toBeUndefined();
  });

  it("with settings, the app's check refuses a missing token", async () => {
    const response = await checkEntraToken(request(), { entraAuth: settings });
    expect(response?.status).toBe(401);
  });
});
