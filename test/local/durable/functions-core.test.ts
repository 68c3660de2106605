import { functionRegistry, installFunctionsCore } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import { app } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { LocalDurableHost } from "../../../local/durable/host";

df.app.orchestration("PlanV1", function* () {
  return "v1";
});
df.app.orchestration("PlanV2", function* () {
  return "v2";
});
df.app.activity("Probe", { handler: () => "probed" });
app.http("Health", { route: "health", methods: ["GET"], handler: () => ({ body: "ok" }) });
df.app.client.http("Start", { route: "start", handler: async () => ({ status: 202 }) });

const hookLog: string[] = [];
app.hook.appStart(() => {
  hookLog.push("appStart");
});
app.hook.preInvocation((context) => {
  hookLog.push(`pre:${context.invocationContext.functionName}`);
});
app.hook.postInvocation((context) => {
  hookLog.push(`post:${context.invocationContext.functionName}:${(context.result as { body?: string } | undefined)?.body ?? ""}`);
});

describe("the @azure/functions-core stand-in", () => {
  it("captures registrations made through @azure/functions and durable-functions, by name and by trigger", () => {
    expect(installFunctionsCore()).toBe(functionRegistry);
    expect(functionRegistry.byTrigger("orchestrationTrigger").map((r) => r.name)).toEqual(["PlanV1", "PlanV2"]);
    expect(functionRegistry.byTrigger("activityTrigger").map((r) => r.name)).toEqual(["Probe"]);
    expect(functionRegistry.byTrigger("httpTrigger").map((r) => r.name)).toEqual(["Health", "Start"]);
    expect(functionRegistry.get("probe")?.name).toBe("Probe");
    expect(functionRegistry.programmingModel?.name).toBe("@azure/functions");
    const start = functionRegistry.require("Start");
    const bindingTypes = Object.values(start.metadata.bindings).map((b) => b.type);
    expect(bindingTypes).toEqual(["httpTrigger", "durableClient", "http"]);
  });

  it("refuses a second function with the same name, as the host does", () => {
    expect(() => df.app.activity("PROBE", { handler: () => 1 })).toThrow(/already registered/);
  });

  it("serves replacement code under the original name", () => {
    const redeployed = functionRegistry.withReplacements({ PlanV1: "PlanV2" });
    const plan = redeployed.require("PlanV1");
    expect(plan.name).toBe("PlanV1");
    expect(plan.callback).toBe(functionRegistry.require("PlanV2").callback);
    expect(redeployed.get("Probe")).toBe(functionRegistry.get("Probe"));
  });
});

describe("worker lifecycle around invocations", () => {
  it("runs the app's appStart hook once and its invocation hooks around each call", async () => {
    const host = await LocalDurableHost.start({ registry: functionRegistry });
    try {
      const response = await host.invokeRoute("GET", "/api/health");
      expect(response).toMatchObject({ status: 200, body: "ok" });
      expect(hookLog).toEqual(["appStart", "pre:Health", "post:Health:ok"]);
      expect(() => app.setup({})).toThrow(/can't be changed after app startup/);
    } finally {
      await host.close();
    }
  });
});
