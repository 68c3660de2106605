import { HttpRequest, InvocationContext } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { beforeAll, describe, expect, it } from "vitest";
import { handleAlert } from "../../../src/functions/http-alerts";

// appContext() reads process.env on first use, once per process; vitest runs each test file in its own.
beforeAll(() => {
  Object.assign(process.env, {
    ALLOWED_SCOPES: "/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/resourceGroups/rg-rdsh",
    LICENSE_SERVERS: "rdls01.contoso.com",
    ENTRA_AUDIENCE: "api://rdp-medic",
    ENTRA_ISSUER: "https://sts.windows.net/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/",
  });
});

describe("POST /api/alerts with ENTRA_AUDIENCE set", () => {
  it.each([
    [undefined, "token-missing", "Bearer"],
    ["Bearer not-a-jwt", "token-malformed", 'Bearer error="invalid_token", error_description="token-malformed"'],
  ])("Authorization %j: 401 %s before the body is read", async (authorization, code, challenge) => {
    let bodyRead = false;
    const request = new HttpRequest({
      method: "POST",
      url: "http://localhost:7071/api/alerts",
      headers: authorization ? { authorization } : {},
      body: { string: "this is not an alert" },
    });
    const text = request.text.bind(request);
    Object.defineProperty(request, "text", { value: () => ((bodyRead = true), text()) });
    const noClient = {} as DurableClient; // never reached: the request is refused first
    const response = await handleAlert(request, noClient, new InvocationContext({ functionName: "Alerts" }));
    expect(response.status).toBe(401);
    expect(response.headers).toMatchObject({ "WWW-Authenticate": challenge });
    expect(response.jsonBody).toMatchObject({ error: { code } });
    expect(bodyRead).toBe(false);
  });
});
