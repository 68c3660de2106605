/**
 * The VM directory behind Computer-dimension alerts, through the real Compute SDK against the simulator: listed
 * only in the allowed scopes, at most once per TTL however many alerts ask, bounded in size.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureSimulator, type AzureSimulator, type ScenarioVm } from "../../../local/simulator";
import { ComputeClients } from "../../../src/azure/compute-client";
import { createVmDirectory, VmDirectoryTooLarge } from "../../../src/azure/vm-directory";
import { parseScope } from "../../../src/domain/scope";
import { echoRuntime, guest } from "../../local/simulator/fixtures";

const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
const OTHER = "0a9b8c7d-6e5f-4a3b-8c1d-2e3f4a5b6c7d";

function vm(name: string, computer: string, extra: Partial<ScenarioVm> = {}): ScenarioVm {
  return {
    subscriptionId: SUB,
    resourceGroup: "rg-a",
    name,
    location: "westeurope",
    powerState: "running",
    agentReady: true,
    osDisk: { name: `${name}-os`, managed: true },
    guest: guest(computer),
    ...extra,
  };
}

let sim: AzureSimulator;
let clients: ComputeClients;
beforeAll(async () => {
  sim = await startAzureSimulator({
    scenario: {
      vms: [
        vm("vm-a1", "HOST-A1"),
        vm("vm-a2", "HOST-TWIN"),
        vm("vm-b1", "HOST-TWIN", { resourceGroup: "rg-b" }),
        // Same VM name, other resource group and other subscription: names alone never pick one of them.
        vm("rdsh-01", "RDSH-01"),
        vm("rdsh-01", "RDSH-01", { resourceGroup: "rg-b" }),
        vm("rdsh-01", "RDSH-01", { subscriptionId: OTHER, resourceGroup: "rg-x" }),
        vm("outside", "HOST-OUT", { subscriptionId: OTHER, resourceGroup: "rg-x" }),
      ],
    },
    guestRuntime: echoRuntime(),
  });
  clients = new ComputeClients(sim.tokenCredential, { armEndpoint: sim.armEndpoint, caCertPem: sim.caCertPem });
});
afterAll(async () => sim?.stop());

const lists = () => sim.requestLog.entries().filter((e) => e.operation === "vm.list" || e.operation === "vm.listAll").length;
const scopes = [parseScope(`/subscriptions/${SUB}`)];

describe("the VM directory", () => {
  it("finds VMs by VM name and computer name in the allowed scopes only; ambiguity stays ambiguous", async () => {
    const directory = createVmDirectory(clients, scopes);
    const found = await directory.find(["host-a1", "HOST-TWIN", "host-out", "rdsh-01", "nobody"]);
    expect(found.get("host-a1")!.map((v) => v.name)).toEqual(["vm-a1"]);
    expect(found.get("host-twin")!.map((v) => v.name).sort()).toEqual(["vm-a2", "vm-b1"]);
    expect(found.get("host-out")).toEqual([]);
    // Two in scope share the name (rg-a, rg-b); the third is in another subscription, outside.
    expect(found.get("rdsh-01")!.map((v) => v.resourceGroup).sort()).toEqual(["rg-a", "rg-b"]);
    expect(found.get("nobody")).toEqual([]);
  });

  it("lists once per TTL however many alerts ask, concurrently or one after another, then lists again", async () => {
    let now = 1_000_000;
    const directory = createVmDirectory(clients, scopes, { ttlMs: 60_000, now: () => now });
    const before = lists();
    await Promise.all(Array.from({ length: 20 }, () => directory.find(["host-a1"])));
    expect(lists() - before).toBe(1);
    now += 59_000;
    await directory.find(["host-twin"]);
    expect(lists() - before).toBe(1);
    now += 2_000;
    await directory.find(["host-twin"]);
    expect(lists() - before).toBe(2);
  });

  it("refuses to hold more than maxVms: name lookups are refused instead of the app holding the fleet in memory", async () => {
    const directory = createVmDirectory(clients, scopes, { maxVms: 4 });
    await expect(directory.find(["host-a1"])).rejects.toBeInstanceOf(VmDirectoryTooLarge);
    const roomy = createVmDirectory(clients, scopes, { maxVms: 5 });
    expect((await roomy.find(["host-a1"])).get("host-a1")).toHaveLength(1);
  });

  it("asks nothing when no name is asked for", async () => {
    const before = lists();
    expect((await createVmDirectory(clients, scopes).find([])).size).toBe(0);
    expect(lists()).toBe(before);
  });
});
