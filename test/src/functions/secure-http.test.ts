/**
 * Every HTTP route of the app goes through the one door (secureHttp): the registration list of the real app, as
 * the Functions worker sees it, against what secureHttp registered. A route added with df.app.client.http or
 * app.http directly fails here.
 */
import { HttpRequest, InvocationContext } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { beforeAll, describe, expect, it } from "vitest";
import { functionRegistry, type Registration } from "../../../local/durable/functions-core";
import { ROLES } from "../../../src/auth/policy";
import type { Config } from "../../../src/config";
import { guarded, securedRegistrations } from "../../../src/functions/secure-http";

/** The roles each route must demand (README "HTTP API"): a route missing here is a route nobody reviewed. */
const EXPECTED_ROLES: Record<string, string> = {
  alerts: ROLES.alertSender,
  startremediation: ROLES.operator,
  listremediations: ROLES.operator,
  getremediation: ROLES.operator,
  approveremediation: ROLES.approver,
  rejectremediation: ROLES.approver,
  cancelremediation: ROLES.operator,
  startsweep: ROLES.operator,
  getsweep: ROLES.operator,
};

let http: Registration[];

beforeAll(async () => {
  Object.assign(process.env, {
    ALLOWED_SCOPES: "/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/resourceGroups/rg-rdsh",
    LICENSE_SERVERS: "rdls01.contoso.com",
    ALERT_AUTH: "function-key",
  });
  void functionRegistry;
  await import("../../../src/index.js");
  http = functionRegistry.byTrigger("httpTrigger");
});

describe("the registration list of the real app", () => {
  it("has HTTP routes, and every one was registered through secureHttp with the route, methods and level it serves", () => {
    expect(http.length).toBeGreaterThan(0);
    const secured = securedRegistrations();
    for (const registration of http) {
      const entry = secured.get(registration.name.toLowerCase());
      expect(entry, `${registration.name} is an HTTP route registered without secureHttp`).toBeDefined();
      expect(registration.trigger.route).toBe(entry!.route);
      expect((registration.trigger.methods as string[]).map((m) => m.toUpperCase())).toEqual(entry!.methods.map((m) => m.toUpperCase()));
      expect(registration.trigger.authLevel).toBe(entry!.authLevel);
    }
    expect(secured.size).toBe(http.length);
  });

  it("each route demands the role it should; only POST /api/alerts takes the alert sender's role", () => {
    const roles = Object.fromEntries([...securedRegistrations().values()].map((r) => [r.name.toLowerCase(), r.role]));
    expect(roles).toEqual(EXPECTED_ROLES);
  });

  it("no human route is left to a host key: all anonymous at the host, checked by the app; alerts use their own function key here", () => {
    for (const registration of http) {
      const expected = registration.name.toLowerCase() === "alerts" ? "function" : "anonymous";
      expect(registration.trigger.authLevel, registration.name).toBe(expected);
    }
  });
});

describe("the door itself", () => {
  const config = { entraAuth: undefined, alertAuth: "entra", localDevelopmentAuth: false } as unknown as Config;

  it("refuses before the handler runs and before a byte of the body is read", async () => {
    let bodyRead = false;
    let handled = false;
    const request = new HttpRequest({
      method: "POST",
      url: "http://localhost:7071/api/remediations",
      headers: { authorization: "Bearer not-a-jwt", "content-type": "application/json" },
      body: { string: '{"vmId":"x"}' },
    });
    const body = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(request), "body")!.get!.bind(request);
    Object.defineProperty(request, "body", { get: () => ((bodyRead = true), body()) });
    const handler = guarded(ROLES.operator, async () => ((handled = true), { status: 202 }), () => config);
    const response = await handler(request, {} as DurableClient, new InvocationContext({ functionName: "StartRemediation" }));
    expect(response.status).toBe(503);
    expect(handled).toBe(false);
    expect(bodyRead).toBe(false);
  });

  it("an error in a handler is a 500 without its stack; the stack stays in the log", async () => {
    const logged: string[] = [];
    const context = new InvocationContext({ functionName: "X", logHandler: (_level, ...args) => void logged.push(args.join(" ")) });
    const local = { entraAuth: undefined, alertAuth: "entra", localDevelopmentAuth: true } as unknown as Config;
    const handler = guarded(ROLES.operator, async () => {
      throw new Error("boom\n    at secret (/home/site/wwwroot/dist/index.js:1:2)");
    }, () => local);
    const response = await handler(new HttpRequest({ method: "GET", url: "http://localhost/api/x" }), {} as DurableClient, context);
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.jsonBody)).not.toMatch(/at secret|wwwroot|boom/);
    expect(logged.join("\n")).toContain("wwwroot");
  });
});
