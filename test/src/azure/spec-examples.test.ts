import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ComputeClients } from "../../../src/azure/compute-client";
import { findByComputerName } from "./app-tour";
import { checkRestoredDisk, startDeallocate, startDiskFromSnapshot, startSwapOsDisk, startVm } from "../../../src/azure/disk-restore";
import { SymptomLogs } from "../../../src/azure/logs";
import { pollOperation } from "../../../src/azure/long-operations";
import { ResourceGraphTargets } from "../../../src/azure/resource-graph";
import { deleteSnapshot, listSnapshots } from "../../../src/azure/snapshot-cleanup";
import { startSnapshot } from "../../../src/azure/snapshots";
import { startRestart, startRunCommand } from "../../../src/azure/vm-operations";
import { readVmStatus } from "../../../src/azure/vm-reader";
import { restoreDiskPlan } from "../../../src/domain/disk-restore";
import type { OperationProgress, OperationRef } from "../../../src/domain/operation";
import { vmRef } from "../../../src/domain/resource-id";
import { parseScope } from "../../../src/domain/scope";
import { snapshotRequest } from "../../../src/domain/snapshot-plan";
import { matchRoute } from "../../../local/simulator/routes";
import { example, type Fixture, manifest, type ReplayServer, type Route, replayCredential, type SpecExample, startReplayServer } from "../../fixtures/azure-specs/replay-server";

// Microsoft's own REST API examples (test/fixtures/azure-specs, with their source and api-version) answer the real
// SDK clients, and the app's src/azure code must read each one right: the values asserted here come from the
// examples. The api-versions the SDKs send must be the ones the fixtures stand for.

const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
const VM = vmRef(SUB, "rg-rdsh", "rdsh-01");
const SUB_PATH = `^/subscriptions/${SUB}`;
const RG_PATH = `${SUB_PATH}/resourceGroups/rg-rdsh/providers/Microsoft\\.Compute`;

let fixtures: Fixture[];
const ex: Record<string, SpecExample> = {};
let server: ReplayServer;
let clients: ComputeClients;
let restartAnswer: "200" | "202" = "202";
let deleteAnswer: "200" | "202" | "204" = "202";

const ok = (file: string, status = "200") => ex[file]!.responses[status]!;

beforeAll(async () => {
  fixtures = await manifest();
  for (const f of fixtures) ex[f.file] = await example(f.file);
  const vmGet = ok("compute/2025-04-01/VirtualMachine_Get.json").body as Record<string, any>;
  const instanceView = ok("compute/2025-04-01/VirtualMachine_Get_InstanceView.json").body;
  const runCommand = ex["compute/2025-04-01/VirtualMachineRunCommand.json"]!;
  const restart = ex["compute/2025-11-01/VirtualMachine_Restart_MaximumSet_Gen.json"]!;
  const start = ex["compute/2025-11-01/VirtualMachine_Start_MaximumSet_Gen.json"]!;
  const deallocate = ex["compute/2025-04-01/VirtualMachine_Deallocate_MaximumSet_Gen.json"]!;
  const snapshotDelete = ex["disks/2025-01-02/Snapshot_Delete.json"]!;
  const rgFirst = ok("resourcegraph/2024-04-01/ResourcesFirstPageQuery.json").body as { $skipToken: string };
  const rgNext = ok("resourcegraph/2024-04-01/ResourcesNextPageQuery.json").body as { $skipToken: string };
  const accepted = (e: SpecExample): Route["answer"] => () => ({ status: 202, headers: { Location: server.here(e.responses["202"]!.headers!.location ?? e.responses["202"]!.headers!.Location!) } });
  const routes: Route[] = [
    { method: "GET", path: new RegExp(`${RG_PATH}/virtualMachines/[^/]+$`, "i"), answer: (r) => ({ status: 200, body: r.query.get("$expand") === "instanceView" ? { ...vmGet, properties: { ...vmGet.properties, instanceView } } : vmGet }) },
    { method: "GET", path: new RegExp(`${RG_PATH}/virtualMachines$`, "i"), answer: () => ({ status: 200, body: ok("compute/2025-04-01/VirtualMachine_List_MinimumSet_Gen.json").body }) },
    { method: "GET", path: new RegExp(`${SUB_PATH}/providers/Microsoft\\.Compute/virtualMachines$`, "i"), answer: () => ({ status: 200, body: ok("compute/2025-04-01/VirtualMachine_ListAll_MinimumSet_Gen.json").body }) },
    { method: "PATCH", path: new RegExp(`${RG_PATH}/virtualMachines/[^/]+$`, "i"), answer: () => ({ status: 200, body: ok("compute/2025-04-01/VirtualMachine_Update_DetachDataDiskUsingToBeDetachedProperty.json").body }) },
    { method: "POST", path: /\/runCommand$/i, answer: () => ({ status: 202, headers: { Location: server.here(runCommand.responses["202"]!.headers!.Location!) } }) },
    { method: "GET", path: /\/operations\/operationId&monitor=true/i, answer: () => ({ status: 200, body: runCommand.responses["200"]!.body }) },
    { method: "POST", path: /\/restart$/i, answer: (r) => (restartAnswer === "200" ? { status: 200 } : accepted(restart)(r)) },
    { method: "POST", path: /\/start$/i, answer: accepted(start) },
    { method: "POST", path: /\/deallocate$/i, answer: accepted(deallocate) },
    { method: "GET", path: /^\/operationstatus$/, answer: () => ({ status: 200 }) },
    { method: "PUT", path: new RegExp(`${RG_PATH}/snapshots/[^/]+$`, "i"), answer: () => ({ status: 202, body: ok("disks/2025-01-02/Snapshot_Create_FromAnExistingSnapshot.json", "202").body }) },
    { method: "GET", path: new RegExp(`${RG_PATH}/snapshots/[^/]+$`, "i"), answer: () => ({ status: 200, body: ok("disks/2025-01-02/Snapshot_GetIncrementalSnapshot.json").body }) },
    { method: "GET", path: new RegExp(`${RG_PATH}/snapshots$`, "i"), answer: () => ({ status: 200, body: ok("disks/2025-01-02/Snapshot_ListByResourceGroup.json").body }) },
    { method: "GET", path: new RegExp(`${SUB_PATH}/providers/Microsoft\\.Compute/snapshots$`, "i"), answer: () => ({ status: 200, body: ok("disks/2025-01-02/Snapshot_ListBySubscription.json").body }) },
    { method: "DELETE", path: new RegExp(`${RG_PATH}/snapshots/[^/]+$`, "i"), answer: () => (deleteAnswer === "202" ? { status: 202, headers: { Location: server.here(snapshotDelete.responses["202"]!.headers!.Location!) } } : { status: Number(deleteAnswer) }) },
    { method: "PUT", path: new RegExp(`${RG_PATH}/disks/[^/]+$`, "i"), answer: () => ({ status: 202, body: ok("disks/2025-01-02/Disk_Create_ByCopyingASnapshot.json", "202").body }) },
    { method: "GET", path: new RegExp(`${RG_PATH}/disks/[^/]+$`, "i"), answer: () => ({ status: 200, body: ok("disks/2025-01-02/Disk_Get.json").body }) },
    {
      method: "POST",
      path: /^\/providers\/Microsoft\.ResourceGraph\/resources$/i,
      answer: (r) => {
        const token = (r.body as { options?: { $skipToken?: string } }).options?.$skipToken;
        const file = token === undefined ? "ResourcesFirstPageQuery" : token === rgFirst.$skipToken ? "ResourcesNextPageQuery" : token === rgNext.$skipToken ? "ResourcesBasicQuery" : "none";
        return file === "none" ? { status: 400 } : { status: 200, body: ok(`resourcegraph/2024-04-01/${file}.json`).body };
      },
    },
    { method: "POST", path: /^\/v1\/workspaces\/[^/]+\/query$/i, answer: () => ({ status: 200, body: ok("loganalytics/v1/oms-post-example.json").body }) },
  ];
  server = await startReplayServer(routes);
  clients = new ComputeClients(replayCredential, { armEndpoint: server.endpoint, caCertPem: server.caPem });
});
afterAll(async () => server?.stop());

async function toEnd(ref: OperationRef): Promise<Exclude<OperationProgress, { status: "running" }>> {
  let current = ref;
  for (let i = 0; i < 10; i++) {
    const p = await pollOperation(clients, current);
    if (p.status !== "running") return p;
    current = p.operation;
  }
  throw new Error("still running");
}

describe("Compute examples, read by the app", () => {
  it("VirtualMachines_Get with the instance view (VirtualMachine_Get + VirtualMachine_Get_InstanceView)", async () => {
    const status = await readVmStatus(clients.forSubscription(SUB), VM);
    expect(status).toMatchObject({
      location: "West US",
      computerName: "myVM",
      osType: "Windows",
      powerState: "running",
      agentReady: true,
      agentStatusTime: "2019-10-14T23:11:22.000Z",
      osDisk: { name: "myOsDisk", managedDiskId: "/subscriptions/{subscription-id}/resourcegroups/myresourcegroup/providers/microsoft.compute/disks/myosdisk", ephemeral: false },
      tags: { myTag1: "tagValue1" },
    });
    expect(status?.provisioningError).toBeUndefined();
  });

  it("VirtualMachines_RunCommand: 202 with Location, then the statuses: StdOut and StdErr read", async () => {
    const end = await toEnd(await startRunCommand(clients, VM, { name: "probe", text: "# rdp-medic-script: probe\nWrite-Output x", parameters: {} }));
    expect(end).toEqual({ status: "succeeded", stdout: "This is a sample script with parameters value1 value2", stderr: "" });
  });

  it("VirtualMachines_Restart, Start, Deallocate: 202 with a Location that answers 200, and 200 at once", async () => {
    expect(await toEnd(await startRestart(clients, VM))).toEqual({ status: "succeeded" });
    expect(await toEnd(await startVm(clients, VM))).toEqual({ status: "succeeded" });
    expect(await toEnd(await startDeallocate(clients, VM))).toEqual({ status: "succeeded" });
    restartAnswer = "200";
    try {
      expect(await toEnd(await startRestart(clients, VM))).toEqual({ status: "succeeded" });
    } finally {
      restartAnswer = "202";
    }
    expect(server.requests.filter((r) => r.path === "/operationstatus")).toHaveLength(3);
  });

  it("VirtualMachines_Update (the OS-disk swap): 200 done at once, the VM's ID read", async () => {
    const plan = restoreDiskPlan(VM, "run-spec", new Date("2026-01-01T00:00:00Z"));
    const end = await toEnd(await startSwapOsDisk(clients, VM, plan));
    expect(end).toEqual({ status: "succeeded", resourceId: "/subscriptions/{subscription-id}/resourcegroups/myresourcegroup/providers/microsoft.compute/virtualmachines/myvm" });
    // The patch keeps the create option the example's VM has, and names only the new disk.
    const patch = server.requests.filter((r) => r.method === "PATCH").at(-1)!.body as { properties: { storageProfile: { osDisk: Record<string, unknown> } } };
    expect(patch.properties.storageProfile.osDisk).toEqual({ createOption: "FromImage", managedDisk: { id: plan.id }, name: plan.name });
  });

  it("VirtualMachines_List and ListAll: the alert's VM lookup finds the examples' VMs", async () => {
    const byGroup = await findByComputerName(clients, [parseScope(`/subscriptions/${SUB}/resourceGroups/rg-rdsh`)], ["{virtualMachineName}"]);
    expect(byGroup.get("{virtualmachinename}")?.map((v) => v.id)).toEqual(["/subscriptions/{subscriptionid}/resourcegroups/rgcompute/providers/microsoft.compute/virtualmachines/{virtualmachinename}"]);
    const all = await findByComputerName(clients, [parseScope(`/subscriptions/${SUB}`)], ["{virtualMachineName}"]);
    expect(all.get("{virtualmachinename}")?.[0]?.resourceGroup).toBe("{resourcegroupname}");
  });
});

describe("Disk and snapshot examples, read by the app", () => {
  it("Snapshots_CreateOrUpdate: 202 with the body (provisioningState Updating, no header), polled on the resource until Snapshots_Get says Succeeded", async () => {
    const request = snapshotRequest({ vm: VM, runId: "run-spec", location: "westeurope", osDiskId: "/subscriptions/x/resourceGroups/rg-rdsh/providers/Microsoft.Compute/disks/os", now: new Date(), retentionDays: 7 });
    const end = await toEnd(await startSnapshot(clients, request));
    expect(end).toEqual({ status: "succeeded", resourceId: "/subscriptions/{subscriptionid}/resourcegroups/myresourcegroup/providers/microsoft.compute/snapshots/myincrementalsnapshot" });
  });

  it("Disks_Get and Disks_CreateOrUpdate: the restored disk copies the OS disk's SKU and generation, names no security type, and is checked against the VM's", async () => {
    const plan = restoreDiskPlan(VM, "run-spec", new Date("2026-01-01T00:00:00Z"));
    const osDisk = "/subscriptions/x/resourceGroups/rg-rdsh/providers/Microsoft.Compute/disks/os";
    const end = await toEnd(await startDiskFromSnapshot(clients, plan, { snapshotId: "/snap", currentOsDiskId: osDisk, location: "westeurope" }));
    expect(end).toEqual({ status: "succeeded", resourceId: "/subscriptions/{subscriptionid}/resourcegroups/myresourcegroup/providers/microsoft.compute/disks/mymanageddisk" });
    const put = server.requests.filter((r) => r.method === "PUT" && /\/disks\//.test(r.path)).at(-1)!.body as Record<string, any>;
    expect(put.sku).toEqual({ name: "Standard_LRS" });
    expect(put.properties.hyperVGeneration).toBe("V1");
    expect(put.properties.securityProfile).toBeUndefined();
    // Disk_Get is a Trusted Launch disk; the same one on both sides fits.
    await expect(checkRestoredDisk(clients, plan, osDisk)).resolves.toBeUndefined();
  });

  it("Snapshots_ListByResourceGroup and Snapshots_List: names, tags and creation times", async () => {
    const byGroup = await listSnapshots(clients, parseScope(`/subscriptions/${SUB}/resourceGroups/rg-rdsh`));
    expect(byGroup).toEqual([
      {
        id: "/subscriptions/{subscriptionId}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/snapshots/mySnapshot",
        name: "mySnapshot",
        tags: { department: "Development", project: "Snapshots" },
        timeCreated: "2016-12-28T04:41:35.927Z",
      },
    ]);
    const all = await listSnapshots(clients, parseScope(`/subscriptions/${SUB}`));
    expect(all.map((s) => [s.name, s.timeCreated])).toEqual([
      ["mySnapshot1", "2016-12-28T04:47:30.663Z"],
      ["mySnapshot2", "2016-12-28T04:47:30.324Z"],
    ]);
  });

  it.each(["202", "200", "204"] as const)("Snapshots_Delete %s: accepted", async (answer) => {
    deleteAnswer = answer;
    try {
      expect(await deleteSnapshot(clients, { subscriptionId: SUB, resourceGroup: "rg-rdsh", name: "rdpmedic-x" } as never)).toEqual({ outcome: "accepted" });
    } finally {
      deleteAnswer = "202";
    }
  });
});

describe("Resource Graph and Log Analytics examples, read by the app", () => {
  it("Resources: first page, next page by $skipToken, last page: every row's id", async () => {
    const listing = await new ResourceGraphTargets(replayCredential, { armEndpoint: server.endpoint, caCertPem: server.caPem }).listWindowsVms([parseScope(`/subscriptions/${SUB}`)]);
    expect(listing.requests).toBe(3);
    const ids = ["ResourcesFirstPageQuery", "ResourcesNextPageQuery", "ResourcesBasicQuery"].flatMap((f) =>
      (ok(`resourcegraph/2024-04-01/${f}.json`).body as { data: Array<{ id: string }> }).data.map((d) => d.id.toLowerCase()),
    );
    expect(listing.vms.map((v) => v.vmId)).toEqual(ids);
    expect(listing.vms[6]?.tags).toEqual({ tag1: "Value1" });
    const sentTokens = server.requests.filter((r) => r.path.includes("ResourceGraph")).map((r) => (r.body as { options: { $skipToken?: string } }).options.$skipToken);
    expect(sentTokens).toEqual([undefined, "eyAibm8iOiAibHVjayIsICJidXQiOiAibmljZSIsICJ0cnkiOiAiISIgfQ==", "eyAibm8yIjogImx1Y2syIiwgImJ1dDIiOiAibmljZTIiLCAidHJ5MiI6ICIhIiB9"]);
  });

  it("Query (workspace): a table without the app's columns is an answer, not an error", async () => {
    const logs = new SymptomLogs(replayCredential, { logsEndpoint: `${server.endpoint}/v1`, caCertPem: server.caPem });
    const counts = await logs.countByVm(["63613592-b6f7-4c3d-a390-22ba13102111"], 24);
    expect(counts).toEqual({ counts: new Map(), problems: [], requests: 1 });
    const sent = server.requests.filter((r) => r.path.startsWith("/v1/")).at(-1)!;
    expect(sent.path).toBe("/v1/workspaces/63613592-b6f7-4c3d-a390-22ba13102111/query");
    expect((sent.body as { timespan: string }).timespan).toBe("PT24H");
  });
});

describe("the fixtures move with the SDKs", () => {
  it("every request the SDKs sent carries the api-version its fixtures stand for", () => {
    const checked = new Set<string>();
    for (const request of server.requests) {
      const url = new URL(`https://replay${request.path}?${request.query.toString()}`);
      const operation = matchRoute(request.method, request.path, url)?.operation;
      if (operation === undefined || operation === "operation.poll" || operation === "operation.result") continue;
      const fixture = fixtures.find((f) => f.operations.includes(operation));
      expect(fixture, `a fixture for ${operation}`).toBeDefined();
      const sent = operation.startsWith("logs.") ? request.path.split("/")[1] : request.query.get("api-version");
      expect(sent, `${operation}: the SDK sends api-version ${sent}; refresh test/fixtures/azure-specs from the specs of that version`).toBe(fixture!.sdkApiVersion);
      checked.add(operation);
    }
    expect([...checked].sort()).toEqual(
      ["disk.get", "disk.put", "logs.query", "resourceGraph.query", "snapshot.delete", "snapshot.get", "snapshot.list", "snapshot.listAll", "snapshot.put", "vm.deallocate", "vm.get", "vm.list", "vm.listAll", "vm.restart", "vm.runCommand", "vm.start", "vm.update"],
    );
  });

  it("every fixture says where it came from", () => {
    for (const f of fixtures) {
      expect(f.source).toMatch(/^specification\/.+\/examples\/.+\.json$/);
      expect(f.source).toContain(f.exampleApiVersion);
      expect(f.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});
