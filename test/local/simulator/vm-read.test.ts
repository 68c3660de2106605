import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AzureSimulator } from "../../../local/simulator";
import { computeClient, rawRequest, startHarness } from "./harness";
import type { ComputeManagementClient } from "@azure/arm-compute";
import { SUB, OTHER_SUB } from "./fixtures";

describe("simulator: reading VMs through the real ComputeManagementClient", () => {
  let sim: AzureSimulator;
  let compute: ComputeManagementClient;
  beforeAll(async () => {
    ({ sim, compute } = await startHarness({ listPageSize: 1 }));
  });
  afterAll(async () => sim.stop());

  it("gets a VM with its instance view, OS disk and tags", async () => {
    const vm = await compute.virtualMachines.get("rg-app", "vm1", { expand: "instanceView" });
    expect(vm.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1`);
    expect(vm.location).toBe("westeurope");
    expect(vm.tags).toEqual({ env: "test" });
    expect(vm.storageProfile?.osDisk?.managedDisk?.id).toBe(`/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/disks/vm1-osdisk`);
    expect(vm.storageProfile?.osDisk?.osType).toBe("Windows");
    const codes = vm.instanceView?.statuses?.map((s) => s.code);
    expect(codes).toContain("PowerState/running");
    expect(vm.instanceView?.vmAgent?.statuses?.[0]?.displayStatus).toBe("Ready");
    expect(vm.instanceView?.computerName).toBe("VM1");
  });

  it("shows an unmanaged OS disk as a VHD and an unready agent as Not Ready", async () => {
    const vm = await compute.virtualMachines.get("rg-legacy", "vm3", { expand: "instanceView" });
    expect(vm.storageProfile?.osDisk?.managedDisk).toBeUndefined();
    expect(vm.storageProfile?.osDisk?.vhd?.uri).toMatch(/^https:\/\/.+\.blob\.core\.windows\.net\/vhds\/vm3-os\.vhd$/);
    const view = await compute.virtualMachines.instanceView("rg-legacy", "vm3");
    expect(view.vmAgent?.statuses?.[0]).toMatchObject({ code: "ProvisioningState/Unavailable", displayStatus: "Not Ready" });
  });

  it("reports a deallocated VM's power state without an agent", async () => {
    const view = await compute.virtualMachines.instanceView("rg-app", "vm2");
    expect(view.statuses?.map((s) => s.code)).toContain("PowerState/deallocated");
    expect(view.vmAgent).toBeUndefined();
  });

  it("answers ARM's 404 ResourceNotFound for an unknown VM and ResourceGroupNotFound for an unknown group", async () => {
    await expect(compute.virtualMachines.get("rg-app", "nope")).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    await expect(compute.virtualMachines.get("rg-missing", "vm1")).rejects.toMatchObject({ statusCode: 404, code: "ResourceGroupNotFound" });
    await expect(computeClient(sim, OTHER_SUB).virtualMachines.get("rg-app", "vm1")).rejects.toMatchObject({
      statusCode: 404,
      code: "SubscriptionNotFound",
    });
  });

  it("lists VMs by group and by subscription across pages (nextLink)", async () => {
    const inGroup = [];
    for await (const vm of compute.virtualMachines.list("rg-app")) inGroup.push(vm.name);
    expect(inGroup).toEqual(["vm1", "vm2"]);
    const all = [];
    for await (const vm of compute.virtualMachines.listAll()) all.push(vm.name);
    expect(all.sort()).toEqual(["vm1", "vm2", "vm3"]);
    const pages = sim.requestLog.entries().filter((e) => e.operation === "vm.listAll");
    expect(pages).toHaveLength(3);
  });

  it("matches paths case-insensitively and puts standard ARM headers on answers", async () => {
    const token = await sim.tokenCredential.getToken("https://management.azure.com/.default");
    const res = await rawRequest(sim, "GET", `/SUBSCRIPTIONS/${SUB}/resourcegroups/RG-APP/providers/microsoft.compute/VIRTUALMACHINES/VM1?api-version=2026-03-01`, { token: token.token });
    expect(res.status).toBe(200);
    expect((res.body as { name: string }).name).toBe("vm1");
    expect(res.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers["x-ms-ratelimit-remaining-subscription-reads"]).toMatch(/^\d+$/);
    const missing = await rawRequest(sim, "GET", `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1`, { token: token.token });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { code: "MissingApiVersionParameter" } });
  });
});
