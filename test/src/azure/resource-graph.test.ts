import { afterEach, describe, expect, it } from "vitest";
import { quotaOf, ResourceGraphTargets } from "../../../src/azure/resource-graph";
import { parseScope } from "../../../src/domain/scope";
import { type AzureSimulator, type Scenario, type ScenarioVm, startAzureSimulator } from "../../../local/simulator";
import { echoRuntime, guest } from "../../local/simulator/fixtures";
import { armToken, rawRequest } from "../../local/simulator/harness";

// Resource Graph's own limits, as the simulator gives them when a scenario asks: a quota per caller and window
// (headers on every answer, 429 RateLimiting without Retry-After once spent) and a result truncated without a
// $skipToken. The app pages, waits for the quota, and refuses a truncated listing.

const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";

function fleet(count: number, resourceGraph: Scenario["resourceGraph"], groups = ["rg-a"]): Scenario {
  const vm = (i: number): ScenarioVm => ({
    subscriptionId: SUB,
    resourceGroup: groups[i % groups.length]!,
    name: `vm-${String(i).padStart(4, "0")}`,
    location: "westeurope",
    powerState: "running",
    agentReady: true,
    osDisk: { name: `vm-${i}-os`, managed: true },
    guest: guest(`VM${i}`),
  });
  return { vms: Array.from({ length: count }, (_, i) => vm(i)), ...(resourceGraph ? { resourceGraph } : {}) };
}

let sim: AzureSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function targets(scenario: Scenario) {
  sim = await startAzureSimulator({ scenario, guestRuntime: echoRuntime() });
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    await new Promise((resolve) => setTimeout(resolve, ms));
  };
  return { sim, waits, rg: new ResourceGraphTargets(sim.tokenCredential, { armEndpoint: sim.armEndpoint, caCertPem: sim.caCertPem }, { sleep }) };
}

describe("Resource Graph's quota, 429s and truncation", () => {
  it("every answer carries the quota headers, which the app reads", async () => {
    const { sim } = await targets(fleet(3, { quota: { queries: 15, windowSeconds: 5 } }));
    const token = await armToken(sim);
    const body = { subscriptions: [SUB], query: "Resources | where type =~ 'microsoft.compute/virtualmachines' | project id" };
    const answer = await rawRequest(sim, "POST", "/providers/Microsoft.ResourceGraph/resources?api-version=2024-04-01", { token, body });
    expect(answer.headers["x-ms-user-quota-remaining"]).toBe("14");
    expect(answer.headers["x-ms-user-quota-resets-after"]).toBe("00:00:05");
    expect(quotaOf({ get: (name) => answer.headers[name] })).toEqual({ remaining: 14, resetsAfterMs: 5000 });
  });

  it("quotaOf reads hh:mm:ss(.fraction); without the headers, or with another shape, it waits a second", () => {
    const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] });
    expect(quotaOf(headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "01:02:03.25" }))).toEqual({ remaining: 0, resetsAfterMs: 3_723_250 });
    expect(quotaOf(headers({ "x-ms-user-quota-resets-after": "00:00:01.5" }))).toEqual({ remaining: undefined, resetsAfterMs: 1500 });
    expect(quotaOf(headers({ "x-ms-user-quota-resets-after": "00:00:01" }))).toEqual({ remaining: undefined, resetsAfterMs: 1000 });
    for (const odd of ["x00:00:05", "00:00:05x", "00:00:05.", "5"]) expect(quotaOf(headers({ "x-ms-user-quota-resets-after": odd })).resetsAfterMs).toBe(1000);
    expect(quotaOf(undefined)).toEqual({ remaining: undefined, resetsAfterMs: 1000 });
  });

  it("waits for the quota to reset before the next page when it is spent: 2,001 VMs, three pages, two queries per second", async () => {
    const { sim, waits, rg } = await targets(fleet(2001, { quota: { queries: 2, windowSeconds: 1 } }));
    const listing = await rg.listWindowsVms([parseScope(`/subscriptions/${SUB}`)]);
    expect(listing.vms).toHaveLength(2001);
    expect(new Set(listing.vms.map((v) => v.vmId)).size).toBe(2001);
    const answers = sim.requestLog.byOperation("resourceGraph.query").map((e) => e.status);
    expect(answers).toEqual([200, 200, 200]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(1000);
  }, 30_000);

  it("after a 429 RateLimiting (no Retry-After), waits for x-ms-user-quota-resets-after and tries the page again", async () => {
    const { sim, waits, rg } = await targets(fleet(4, { quota: { queries: 1, windowSeconds: 1 } }, ["rg-a", "rg-b"]));
    const listing = await rg.listWindowsVms([parseScope(`/subscriptions/${SUB}/resourceGroups/rg-a`), parseScope(`/subscriptions/${SUB}/resourceGroups/rg-b`)]);
    expect(listing.vms.map((v) => v.vmId.split("/").pop()).sort()).toEqual(["vm-0000", "vm-0001", "vm-0002", "vm-0003"]);
    expect(sim.requestLog.byOperation("resourceGraph.query").map((e) => e.status)).toEqual([200, 429, 200]);
    expect(waits).toEqual([1000]);
    expect(listing.requests).toBe(3);
  }, 30_000);

  it("refuses a listing Resource Graph truncated without a $skipToken: the sweep would leave VMs out", async () => {
    const { rg } = await targets(fleet(25, { truncateAfterRows: 10 }));
    await expect(rg.listWindowsVms([parseScope(`/subscriptions/${SUB}`)])).rejects.toMatchObject({
      code: "resource-graph-truncated",
      message: expect.stringContaining("after 10 VMs and gave no $skipToken to go on (totalRecords 25)"),
    });
  });
});
