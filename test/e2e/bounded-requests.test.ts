/**
 * Bounded requests through the real HTTP routes: every way of naming a VM counts toward the per-alert cap before
 * any lookup; the VM directory behind Computer lookups is listed once however many alerts ask; bodies are JSON,
 * sent as JSON, with each key once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OfflineApp } from "../../local/offline/offline-app";
import { alertFor, startScenario, vmId } from "./harness";

let app: OfflineApp;
beforeAll(async () => {
  app = await startScenario(
    [
      { name: "rdsh-a", preset: "healthy" },
      { name: "rdsh-b", preset: "healthy" },
    ],
    {},
    "model",
  );
});
afterAll(async () => app?.stop());

const armRequests = () => app.sim.requestLog.entries().length;
const lists = () => app.sim.requestLog.entries().filter((e) => e.operation === "vm.list" || e.operation === "vm.listAll").length;
const code = (r: { json: unknown }) => (r.json as { error?: { code?: string } }).error?.code;

function byComputer(names: string[]): unknown {
  const alert = alertFor("rdsh-a") as { data: { alertContext: { condition: { allOf: unknown[] } } } };
  alert.data.alertContext.condition.allOf = names.map((value) => ({ dimensions: [{ name: "Computer", value }] }));
  return alert;
}

function raw(path: string, body: string, contentType: string, as = app.callers.operator) {
  return app.host.invokeRoute("POST", `${app.host.origin}/api/${path}`, { headers: { "content-type": contentType, ...app.credentialsFor(as) }, body });
}

describe("the per-alert cap", () => {
  it("120 VMs named by Computer dimension: 400 too-many-targets, with no Azure request at all", async () => {
    const before = armRequests();
    const response = await app.post("alerts", byComputer(Array.from({ length: 120 }, (_, i) => `host-${i}`)));
    expect(response.status).toBe(400);
    expect(code(response)).toBe("too-many-targets");
    expect(armRequests()).toBe(before);
  });

  it("Computer lookups list the VMs once for many alerts in a minute", async () => {
    const before = lists();
    for (let i = 0; i < 5; i++) {
      const response = await app.post("alerts", byComputer(["rdsh-a"]));
      expect(response.status, response.body).toBe(202);
    }
    expect(lists() - before).toBe(1);
  });
});

describe("JSON, sent as JSON, each key once", () => {
  it("a body sent as text/plain is refused (415) and starts nothing", async () => {
    const before = app.host.listInstances().length;
    for (const [path, body] of [
      ["remediations", JSON.stringify({ vmId: vmId("rdsh-b"), dryRun: true })],
      ["alerts", JSON.stringify(alertFor("rdsh-b"))],
    ] as const) {
      const response = await raw(path, body, "text/plain", path === "alerts" ? app.callers.actionGroup : app.callers.operator);
      expect(response.status, path).toBe(415);
      expect(code(response)).toBe("content-type-unsupported");
    }
    expect(app.host.listInstances().length).toBe(before);
  });

  it('{"dryRun":true,"dryRun":false} is refused, never taken as a real run', async () => {
    const before = app.host.listInstances().length;
    const response = await raw("remediations", `{"vmId":"${vmId("rdsh-b")}","dryRun":true,"dryRun":false}`, "application/json");
    expect(response.status).toBe(400);
    expect(code(response)).toBe("duplicate-key");
    expect(app.host.listInstances().length).toBe(before);
  });
});
