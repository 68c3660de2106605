import { request } from "node:https";
import { describe, expect, it } from "vitest";
import { SUB } from "./fixtures";
import { armToken, rawRequest, harnessPerTest } from "./harness";

const VM1 = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1`;

function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

describe("simulator: LRO wire format", () => {
  const start = harnessPerTest();

  it("POST action: 202 without body, Azure-AsyncOperation + Location(monitor=true) + Retry-After; status then monitor answers", async () => {
    const h = await start({ retryAfterSeconds: 3 });
    const sim = h.sim;
    const token = await armToken(sim);
    const accepted = await rawRequest(sim, "POST", `${VM1}/restart?api-version=2026-03-01`, { token });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toBeUndefined();
    expect(accepted.headers["retry-after"]).toBe("3");
    const status = accepted.headers["azure-asyncoperation"] as string;
    const location = accepted.headers.location as string;
    expect(status).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:\\d+/subscriptions/${SUB}/providers/Microsoft\\.Compute/locations/westeurope/operations/[0-9a-f-]{36}\\?p=[0-9a-f-]{36}&api-version=2026-03-01$`));
    expect(location).toBe(status.replace("&api-version", "&monitor=true&api-version"));

    const monitorEarly = await rawRequest(sim, "GET", pathOf(location), { token });
    expect(monitorEarly.status).toBe(202);
    expect(monitorEarly.headers["retry-after"]).toBe("3");
    const done = await rawRequest(sim, "GET", pathOf(status), { token });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: "Succeeded", name: expect.any(String), startTime: expect.any(String), endTime: expect.any(String) });
    const monitorDone = await rawRequest(sim, "GET", pathOf(location), { token });
    expect(monitorDone.status).toBe(200);
  });

  it("puts the Host the client used into the async URLs", async () => {
    const h = await start();
    const sim = h.sim;
    const token = await armToken(sim);
    const port = new URL(sim.armEndpoint).port;
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request(
        `${sim!.armEndpoint}${VM1}/restart?api-version=2026-03-01`,
        { method: "POST", ca: sim!.caCertPem, servername: "localhost", headers: { host: `localhost:${port}`, authorization: `Bearer ${token}` } },
        (res) => {
          res.resume();
          resolve(res.headers);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(headers["azure-asyncoperation"]).toMatch(new RegExp(`^https://localhost:${port}/subscriptions/`));
  });

  it("snapshot PUT: 202 with provisioningState Updating and DiskOperations URLs; PATCH VM: 200 Updating with Azure-AsyncOperation only", async () => {
    const h = await start();
    const sim = h.sim;
    const token = await armToken(sim);
    const put = await rawRequest(sim, "PUT", `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/snapshots/s1?api-version=2025-01-02`, {
      token,
      body: { location: "westeurope", properties: { creationData: { createOption: "Copy", sourceResourceId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/disks/vm1-osdisk` } } },
    });
    expect(put.status).toBe(202);
    expect(put.body).toMatchObject({ name: "s1", properties: { provisioningState: "Updating" } });
    expect(put.headers["azure-asyncoperation"]).toContain("/DiskOperations/");
    expect(put.headers.location).toContain("monitor=true");

    const patch = await rawRequest(sim, "PATCH", `${VM1}?api-version=2026-03-01`, { token, body: { tags: { a: "b" } } });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ tags: { a: "b" }, properties: { provisioningState: "Updating" } });
    expect(patch.headers["azure-asyncoperation"]).toContain("/operations/");
    expect(patch.headers.location).toBeUndefined();
  });

  it("answers 501 NotImplementedInSimulator for endpoints it does not emulate", async () => {
    const h = await start();
    const sim = h.sim;
    const res = await rawRequest(sim, "DELETE", `${VM1}?api-version=2026-03-01`, { token: await armToken(sim) });
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({ error: { code: "NotImplementedInSimulator" } });
  });
});
