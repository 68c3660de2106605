import { ComputeManagementClient } from "@azure/arm-compute";
import { ManagedIdentityCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AzureSimulator } from "../../../local/simulator";
import { SUB } from "./fixtures";
import { armToken, rawRequest, startHarness } from "./harness";

describe("simulator: TLS and managed-identity auth", () => {
  let sim: AzureSimulator;
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };
  beforeAll(async () => {
    ({ sim } = await startHarness());
    Object.assign(process.env, sim.msiEnvironment);
  });
  afterAll(async () => {
    for (const [name, value] of [["IDENTITY_ENDPOINT", saved.endpoint], ["IDENTITY_HEADER", saved.header]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sim.stop();
  });

  it("serves ARM to the real ManagedIdentityCredential through the App Service MSI endpoint", async () => {
    const credential = new ManagedIdentityCredential("0c0ffee0-0000-4000-8000-000000000001");
    const compute = new ComputeManagementClient(credential, SUB, { endpoint: sim.armEndpoint, tlsOptions: { ca: sim.caCertPem } });
    const vm = await compute.virtualMachines.get("rg-app", "vm1");
    expect(vm.name).toBe("vm1");
    const token = sim.requestLog.byOperation("msi.token");
    expect(token).toHaveLength(1);
    expect(token[0]).toMatchObject({ category: "token", status: 200, method: "GET", path: "/msi/token" });
    expect(sim.requestLog.entries().map((e) => e.operation)).toEqual(["msi.token", "vm.get"]);
  });

  it("refuses clients that do not trust its certificate (DEPTH_ZERO_SELF_SIGNED_CERT)", async () => {
    const untrusting = new ComputeManagementClient(sim.tokenCredential, SUB, { endpoint: sim.armEndpoint, retryOptions: { maxRetries: 0 } });
    await expect(untrusting.virtualMachines.get("rg-app", "vm1")).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
  });

  it("answers 401 with ARM error codes for a missing, unknown or wrong-audience token", async () => {
    const path = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2026-03-01`;
    const missing = await rawRequest(sim, "GET", path);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { code: "AuthenticationFailed" } });
    expect(missing.headers["www-authenticate"]).toMatch(/^Bearer /);
    const unknown = await rawRequest(sim, "GET", path, { token: "made-up" });
    expect(unknown.body).toMatchObject({ error: { code: "InvalidAuthenticationToken" } });
    const logsToken = (await sim.tokenCredential.getToken("https://api.loganalytics.io/.default")).token;
    const wrong = await rawRequest(sim, "GET", path, { token: logsToken });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: "InvalidAuthenticationTokenAudience" } });
    expect((await rawRequest(sim, "GET", path, { token: await armToken(sim) })).status).toBe(200);
  });

  it("the MSI endpoint insists on the X-IDENTITY-HEADER secret", async () => {
    const res = await fetch(`${sim.msiEndpoint}?api-version=2019-08-01&resource=https://management.azure.com`, { headers: { "X-IDENTITY-HEADER": "wrong" } });
    expect(res.status).toBe(401);
    const ok = await fetch(`${sim.msiEndpoint}?api-version=2019-08-01&resource=https://management.azure.com`, { headers: { "X-IDENTITY-HEADER": sim.msiHeader } });
    const body = (await ok.json()) as { access_token: string; expires_on: string; token_type: string };
    expect(body.token_type).toBe("Bearer");
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);
    const user = await fetch(`${sim.msiEndpoint}?api-version=2019-08-01&resource=https://management.azure.com&client_id=abc`, { headers: { "X-IDENTITY-HEADER": sim.msiHeader } });
    expect(((await user.json()) as { client_id: string }).client_id).toBe("abc");
  });
});
