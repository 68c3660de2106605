import { restorePoller } from "@azure/arm-compute";
import { describe, expect, it } from "vitest";
import type { Scenario } from "../../../local/simulator";
import { guest, LICENSING_KEY, scenario, script, SUB, vmId } from "./fixtures";
import { computeClient, FAST, harnessPerTest } from "./harness";

const DISK1 = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/disks/vm1-osdisk`;

function snapshotInput(location = "westeurope", source = DISK1) {
  return {
    location,
    incremental: true,
    creationData: { createOption: "Copy" as const, sourceResourceId: source },
    tags: { "rdp-medic-run": "run-1", "created-by": "rdp-medic" },
  };
}

describe("simulator: snapshots and disks", () => {
  const start = harnessPerTest();

  it("creates a snapshot through the SDK: 202 Updating, DiskOperations polls, final GET Succeeded with tags", async () => {
    const h = await start();
    const sim = h.sim;
    const snapshot = await h.compute.snapshots.createOrUpdate("rg-app", "snap-1", snapshotInput(), FAST);
    expect(snapshot).toMatchObject({
      name: "snap-1",
      location: "westeurope",
      provisioningState: "Succeeded",
      incremental: true,
      tags: { "rdp-medic-run": "run-1", "created-by": "rdp-medic" },
      creationData: { createOption: "Copy", sourceResourceId: DISK1 },
    });
    const entries = sim.requestLog.entries();
    expect(entries.map((e) => [e.method, e.operation, e.status])).toEqual([
      ["PUT", "snapshot.put", 202],
      ["GET", "operation.poll", 200],
      ["GET", "operation.poll", 200],
      ["GET", "snapshot.get", 200],
    ]);
    expect(entries[1]?.path).toMatch(/\/providers\/microsoft\.compute\/locations\/westeurope\/diskoperations\/[0-9a-f-]{36}$/);
    expect(entries[0]?.vmId).toBe(vmId("vm1").toLowerCase());
    expect(sim.getSnapshot(`/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/snapshots/snap-1`)?.guest.computerName).toBe("VM1");
  });

  it("refuses a snapshot whose location is not the disk's region, and one of a missing disk", async () => {
    const h = await start();
    const sim = h.sim;
    await expect(h.compute.snapshots.createOrUpdate("rg-app", "snap-x", snapshotInput("eastus"), FAST)).rejects.toMatchObject({
      statusCode: 400,
      code: "InvalidParameter",
    });
    await expect(
      h.compute.snapshots.createOrUpdate("rg-app", "snap-y", snapshotInput("westeurope", DISK1.replace("vm1-osdisk", "gone")), FAST),
    ).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
    expect(sim.listSnapshots()).toEqual([]);
  });

  it("refuses to snapshot an ephemeral OS disk", async () => {
    const s: Scenario = scenario();
    s.vms.push({
      subscriptionId: SUB, resourceGroup: "rg-app", name: "vm9", location: "westeurope", powerState: "running", agentReady: true,
      osDisk: { name: "vm9-os", managed: true, ephemeral: true }, guest: guest("VM9"),
    });
    const { compute } = await start({ scenario: s });
    const source = DISK1.replace("vm1-osdisk", "vm9-os");
    await expect(compute.snapshots.createOrUpdate("rg-app", "s9", snapshotInput("westeurope", source), FAST)).rejects.toMatchObject({
      statusCode: 409,
      code: "OperationNotAllowed",
    });
  });

  it("resumes a serialized snapshot poller from another client, one poll per call", async () => {
    const h = await start({ pollsUntilDone: 2 });
    const sim = h.sim;
    const started = h.compute.snapshots.createOrUpdate("rg-app", "snap-2", snapshotInput(), FAST);
    await started.submitted();
    let saved = await started.serialize();

    const later = computeClient(sim);
    const first = restorePoller(later, saved, later.snapshots.createOrUpdate, FAST);
    expect((await first.poll()).status).toBe("running");
    saved = await first.serialize();

    const latest = computeClient(sim);
    const second = restorePoller(latest, saved, latest.snapshots.createOrUpdate, FAST);
    const snapshot = await second.pollUntilDone();
    expect(snapshot).toMatchObject({ name: "snap-2", provisioningState: "Succeeded", tags: { "rdp-medic-run": "run-1" } });
    const statuses = sim.requestLog.byOperation("operation.poll").map((e) => e.lroStatus);
    expect(statuses).toEqual(["InProgress", "InProgress", "Succeeded"]);
  });

  it("lists and deletes snapshots; deleting a missing one answers 204", async () => {
    const h = await start();
    const sim = h.sim;
    await h.compute.snapshots.createOrUpdate("rg-app", "snap-a", snapshotInput(), FAST);
    await h.compute.snapshots.createOrUpdate("rg-app", "snap-b", snapshotInput(), FAST);
    const names = [];
    for await (const s of h.compute.snapshots.listByResourceGroup("rg-app")) names.push(s.name);
    expect(names).toEqual(["snap-a", "snap-b"]);
    await h.compute.snapshots.delete("rg-app", "snap-a", FAST);
    const all = [];
    for await (const s of h.compute.snapshots.list()) all.push(s.name);
    expect(all).toEqual(["snap-b"]);
    await h.compute.snapshots.delete("rg-app", "snap-a", FAST);
    expect(sim.requestLog.byOperation("snapshot.delete").map((e) => e.status)).toEqual([202, 204]);
  });

  it("rolls back: disk from snapshot, OS-disk swap only while deallocated, start brings the old guest back", async () => {
    const h = await start({ agentReadyAfterPolls: 0 });
    const sim = h.sim;
    const snapshot = await h.compute.snapshots.createOrUpdate("rg-app", "before-fix", snapshotInput(), FAST);
    await h.compute.virtualMachines.runCommand(
      "rg-app", "vm1",
      { commandId: "RunPowerShellScript", script: script("set-licensing-mode"), parameters: [{ name: "Set", value: "LicensingMode=2" }] },
      FAST,
    );
    expect(sim.getGuest(vmId("vm1"))?.registry[LICENSING_KEY]?.LicensingMode?.value).toBe(2);

    const disk = await h.compute.disks.createOrUpdate(
      "rg-app", "vm1-osdisk-restored",
      { location: "westeurope", sku: { name: "Premium_LRS" }, osType: "Windows", hyperVGeneration: "V2", creationData: { createOption: "Copy", sourceResourceId: snapshot.id } },
      FAST,
    );
    expect(disk).toMatchObject({ provisioningState: "Succeeded", diskState: "Unattached" });

    const swap = { storageProfile: { osDisk: { createOption: "FromImage", managedDisk: { id: disk.id as string }, name: disk.name as string } } };
    await expect(h.compute.virtualMachines.update("rg-app", "vm1", swap, FAST)).rejects.toMatchObject({ statusCode: 409, code: "OperationNotAllowed" });
    await h.compute.virtualMachines.deallocate("rg-app", "vm1", FAST);
    const updated = await h.compute.virtualMachines.update("rg-app", "vm1", swap, FAST);
    expect(updated.storageProfile?.osDisk?.managedDisk?.id).toBe(disk.id);
    expect(updated.provisioningState).toBe("Succeeded");
    await h.compute.virtualMachines.start("rg-app", "vm1", FAST);

    expect(sim.getGuest(vmId("vm1"))?.registry[LICENSING_KEY]?.LicensingMode?.value).toBe(5);
    expect(sim.getDisk(DISK1)?.attachedTo).toBeUndefined();
    expect(sim.getDisk(DISK1)?.guest.registry[LICENSING_KEY]?.LicensingMode?.value).toBe(2);
    await expect(h.compute.disks.delete("rg-app", "vm1-osdisk-restored", FAST)).rejects.toMatchObject({ statusCode: 409 });
  });
});
