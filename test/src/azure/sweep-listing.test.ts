import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator, type Scenario, type ScenarioVm } from "../../../local/simulator";
import { SymptomLogs } from "../../../src/azure/logs";
import { ResourceGraphTargets } from "../../../src/azure/resource-graph";
import { parseScope } from "../../../src/domain/scope";
import { echoRuntime, guest } from "../../local/simulator/fixtures";

const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
const OTHER = "0a9b8c7d-6e5f-4a3b-8c1d-2e3f4a5b6c7d";
const WS1 = "11111111-aaaa-4bbb-8ccc-000000000001";
const WS2 = "11111111-aaaa-4bbb-8ccc-000000000002";
const NOW = new Date("2025-03-10T09:00:00Z");
const PROVIDER = "Microsoft-Windows-TerminalServices-RemoteConnectionManager";
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

function vm(name: string, extra: Partial<ScenarioVm> = {}): ScenarioVm {
  return {
    subscriptionId: SUB,
    resourceGroup: "rg-a",
    name,
    location: "westeurope",
    powerState: "running",
    agentReady: true,
    osDisk: { name: `${name}-os`, managed: true },
    guest: guest(name.toUpperCase().slice(0, 15)),
    ...extra,
  };
}

const fleet: Scenario = {
  vms: [
    ...Array.from({ length: 2100 }, (_, i) => vm(`a-${String(i).padStart(4, "0")}`, { tags: i % 2 === 0 ? { env: "prod" } : {} })),
    ...Array.from({ length: 30 }, (_, i) => vm(`b-${i}`, { resourceGroup: "rg-b", powerState: i < 5 ? "deallocated" : "running" })),
    vm("elsewhere", { subscriptionId: OTHER, resourceGroup: "rg-x" }),
    vm("noisy", {
      resourceGroup: "rg-b",
      workspaceId: WS1,
      guest: guest("NOISY", [
        { log: "System", provider: PROVIDER, id: 1128, time: hoursAgo(1), message: "grace over" },
        { log: "System", provider: PROVIDER, id: 1128, time: hoursAgo(2), message: "grace over" },
        { log: "System", provider: PROVIDER, id: 1004, time: hoursAgo(2), message: "not a licensing symptom we count" },
        { log: "System", provider: PROVIDER, id: 1130, time: hoursAgo(30), message: "outside the window" },
      ]),
    }),
    vm("quiet", {
      resourceGroup: "rg-b",
      workspaceId: WS2,
      guest: guest("QUIET", [{ log: "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin", provider: PROVIDER, id: 1069, time: hoursAgo(5), message: "no server" }]),
    }),
  ],
};

let sim: AzureSimulator;
beforeAll(async () => {
  sim = await startAzureSimulator({ scenario: fleet, guestRuntime: echoRuntime(), clock: () => NOW });
});
afterAll(async () => sim?.stop());

describe("ResourceGraphTargets against the simulator's Resource Graph", () => {
  it("lists a subscription's 2,133 VMs in three pages of at most 1,000: one request per 1,000 VMs", async () => {
    sim.requestLog.clear();
    const targets = new ResourceGraphTargets(sim.tokenCredential, { armEndpoint: sim.armEndpoint, caCertPem: sim.caCertPem });
    const listing = await targets.listWindowsVms([parseScope(`/subscriptions/${SUB}`)]);
    expect(listing.vms).toHaveLength(2132);
    expect(listing.requests).toBe(3);
    const calls = sim.requestLog.byOperation("resourceGraph.query");
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
    expect(new Set(listing.vms.map((v) => v.vmId)).size).toBe(2132);
    expect(listing.vms.every((v) => v.vmId === v.vmId.toLowerCase() && v.osType === "Windows")).toBe(true);
    const off = listing.vms.filter((v) => v.powerState === "deallocated").map((v) => v.vmId.split("/").pop());
    expect(off).toEqual(["b-0", "b-1", "b-2", "b-3", "b-4"]);
    expect(listing.vms.find((v) => v.vmId.endsWith("/a-0000"))?.tags).toEqual({ env: "prod" });
  });

  it("a resource-group scope lists only that group, and scopes add up", async () => {
    const targets = new ResourceGraphTargets(sim.tokenCredential, { armEndpoint: sim.armEndpoint, caCertPem: sim.caCertPem });
    const listing = await targets.listWindowsVms([parseScope(`/subscriptions/${SUB}/resourceGroups/RG-B`), parseScope(`/subscriptions/${OTHER}`)]);
    expect(listing.requests).toBe(2);
    expect(listing.vms).toHaveLength(33);
    expect(listing.vms.filter((v) => v.vmId.includes("/resourcegroups/rg-a/"))).toEqual([]);
    expect(listing.vms.some((v) => v.vmId.endsWith("/elsewhere"))).toBe(true);
  });
});

describe("SymptomLogs against the simulator's Log Analytics", () => {
  it("counts the licensing events per VM over the workspaces, in the lookback window only", async () => {
    const logs = new SymptomLogs(sim.tokenCredential, { logsEndpoint: sim.logsEndpoint, caCertPem: sim.caCertPem });
    const result = await logs.countByVm([WS1, WS2], 24);
    expect(result.problems).toEqual([]);
    expect(result.requests).toBe(2);
    const id = (rg: string, name: string) => `/subscriptions/${SUB}/resourcegroups/${rg}/providers/microsoft.compute/virtualmachines/${name}`;
    expect(result.counts).toEqual(new Map([[id("rg-b", "noisy"), 2], [id("rg-b", "quiet"), 1]]));
    const queries = sim.requestLog.byOperation("logs.query");
    expect(queries.at(-1)?.path).toBe(`/v1/workspaces/${WS2}/query`);
  });

  it("a workspace that does not exist is reported, and the others still count", async () => {
    const logs = new SymptomLogs(sim.tokenCredential, { logsEndpoint: sim.logsEndpoint, caCertPem: sim.caCertPem });
    const missing = "22222222-aaaa-4bbb-8ccc-000000000009";
    const result = await logs.countByVm([missing, WS1], 24);
    expect(result.problems).toEqual([expect.objectContaining({ workspaceId: missing, code: "WorkspaceNotFoundError" })]);
    expect([...result.counts.values()]).toEqual([2]);
  });
});
