import { afterEach, describe, expect, it } from "vitest";
import { ComputeClients } from "../../../src/azure/compute-client";
import { startDeallocate, startDiskFromSnapshot, startSwapOsDisk, startVm } from "../../../src/azure/disk-restore";
import { pollOperation } from "../../../src/azure/long-operations";
import { deleteSnapshot } from "../../../src/azure/snapshot-cleanup";
import { startSnapshot } from "../../../src/azure/snapshots";
import { pollProbe, startProbe } from "../../../src/azure/sweep-probes";
import { startRestart, startRunCommand } from "../../../src/azure/vm-operations";
import type { OperationProgress, OperationRef } from "../../../src/domain/operation";
import { restoreDiskPlan } from "../../../src/domain/disk-restore";
import { vmRef } from "../../../src/domain/resource-id";
import { snapshotRequest } from "../../../src/domain/snapshot-plan";
import { type AzureSimulator, startAzureSimulator, VARIANT_AXES, type VariantChoices } from "../../../local/simulator";
import { echoRuntime, scenario, script, SUB } from "../../local/simulator/fixtures";

// Every response variant the specs allow for the operations the app starts, through the app's own code
// (src/azure) and the real SDK: each operation ends as Azure says it did, with its result read.

let sim: AzureSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function start(fixed: Partial<VariantChoices>, agentReadyAfterPolls = 0) {
  sim = await startAzureSimulator({ scenario: scenario(), guestRuntime: echoRuntime(), variants: { fixed }, agentReadyAfterPolls });
  return { sim, clients: new ComputeClients(sim.tokenCredential, { armEndpoint: sim.armEndpoint, caCertPem: sim.caCertPem }) };
}

async function toEnd(clients: ComputeClients, ref: OperationRef): Promise<Exclude<OperationProgress, { status: "running" }>> {
  let current = ref;
  for (let i = 0; i < 20; i++) {
    const progress = await pollOperation(clients, current);
    if (progress.status !== "running") return progress;
    current = progress.operation;
  }
  throw new Error(`${ref.kind} still running after 20 polls`);
}

const VM1 = vmRef(SUB, "rg-app", "vm1");
const lines = script("probe", "Write-Output probe");

describe("POST actions in every variant (200 at once, 202 with Azure-AsyncOperation and/or Location)", () => {
  it.each(VARIANT_AXES["vm.runCommand"])("runCommand %s: the script's output is read", async (variant) => {
    const { sim, clients } = await start({ "vm.runCommand": variant });
    const ref = await startRunCommand(clients, VM1, { name: "probe", text: lines.join("\n"), parameters: { Set: "X=1" } });
    const end = await toEnd(clients, ref);
    expect(end).toMatchObject({ status: "succeeded" });
    expect(JSON.parse((end as { stdout: string }).stdout)).toEqual({ firstLine: "# rdp-medic-script: probe", parameters: { Set: "X=1" } });
    expect(sim.requestLog.byOperation("vm.runCommand")[0]?.variants).toContain(`vm.runCommand=${variant}`);
    expect(sim.getVm(VM1.id)?.runCommandInProgress).toBe(false);
  });

  it.each(VARIANT_AXES["vm.restart"])("restart %s: the operation ends succeeded", async (variant) => {
    const { sim, clients } = await start({ "vm.restart": variant });
    const end = await toEnd(clients, await startRestart(clients, VM1));
    expect(end).toEqual({ status: "succeeded" });
    const accepted = sim.requestLog.byOperation("vm.restart")[0];
    expect(accepted?.status).toBe(variant === "200" ? 200 : 202);
    expect(accepted?.variants).toContain(`vm.restart=${variant}`);
  });

  it.each(VARIANT_AXES["vm.deallocate"])("deallocate %s, then start in the same variant", async (variant) => {
    const { sim, clients } = await start({ "vm.deallocate": variant, "vm.start": variant });
    expect(await toEnd(clients, await startDeallocate(clients, VM1))).toEqual({ status: "succeeded" });
    expect(sim.getVm(VM1.id)?.powerState).toBe("deallocated");
    expect(await toEnd(clients, await startVm(clients, VM1))).toEqual({ status: "succeeded" });
    expect(sim.getVm(VM1.id)?.powerState).toBe("running");
  });
});

describe("the sweep's probe path in every runCommand variant", () => {
  it.each(VARIANT_AXES["vm.runCommand"])("%s: started and polled to the end (or finished at once), output read", async (variant) => {
    const { sim, clients } = await start({ "vm.runCommand": variant });
    const started = await startProbe(clients, sim.armEndpoint, VM1, { name: "probe", lines, parameters: {} });
    let end;
    if (variant === "200") {
      // Nothing to poll: the output came with the answer (and never goes through the sweep's history as state).
      expect(started.kind).toBe("finished");
      end = (started as { progress: unknown }).progress;
    } else {
      expect(started.kind).toBe("started");
      for (let i = 0; i < 10; i++) {
        end = await pollProbe(clients, sim.armEndpoint, VM1, (started as { op: string }).op);
        if (end.status !== "running") break;
      }
    }
    expect(end).toMatchObject({ status: "succeeded" });
    expect(JSON.parse((end as { stdout: string }).stdout).firstLine).toBe("# rdp-medic-script: probe");
  });
});

describe("disk and snapshot PUT in every variant, with and without a final body", () => {
  const cases = VARIANT_AXES["snapshot.put"].flatMap((put) => VARIANT_AXES.finalBody.map((finalBody) => [put, finalBody] as const));

  it.each(cases)("snapshot then disk, %s with a final %s body", async (put, finalBody) => {
    const { sim, clients } = await start({ "snapshot.put": put, "disk.put": put, finalBody });
    const request = snapshotRequest({
      vm: VM1,
      runId: "run-1",
      location: "westeurope",
      osDiskId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/disks/vm1-osdisk`,
      now: new Date(),
      retentionDays: 7,
    });
    expect(await toEnd(clients, await startSnapshot(clients, request))).toMatchObject({ status: "succeeded" });
    const snapshotId = `/subscriptions/${SUB}/resourceGroups/${request.resourceGroup}/providers/Microsoft.Compute/snapshots/${request.name}`;
    expect(sim.getSnapshot(snapshotId)?.provisioningState).toBe("Succeeded");

    const plan = restoreDiskPlan(VM1, "run-1", new Date());
    const ref = await startDiskFromSnapshot(clients, plan, {
      snapshotId,
      currentOsDiskId: sim.getVm(VM1.id)!.osDiskId,
      location: "westeurope",
    });
    expect(await toEnd(clients, ref)).toMatchObject({ status: "succeeded" });
    expect(sim.getDisk(plan.id)?.provisioningState).toBe("Succeeded");
  });
});

describe("VM PATCH (the OS-disk swap) in every variant, with and without a final body", () => {
  const cases = VARIANT_AXES["vm.update"].flatMap((update) => VARIANT_AXES.finalBody.map((finalBody) => [update, finalBody] as const));

  it.each(cases)("%s with a final %s body: the swap is reported as it happened", async (update, finalBody) => {
    const { sim, clients } = await start({ "vm.update": update, finalBody });
    const plan = restoreDiskPlan(VM1, "run-2", new Date());
    const osDiskId = sim.getVm(VM1.id)!.osDiskId;
    // A disk to swap to: a copy of the OS disk (the simulator's disks are copied from disks or snapshots).
    const created = await toEnd(clients, await startDiskFromSnapshot(clients, plan, { snapshotId: osDiskId, currentOsDiskId: osDiskId, location: "westeurope" }));
    expect(created.status).toBe("succeeded");
    await toEnd(clients, await startDeallocate(clients, VM1));
    const end = await toEnd(clients, await startSwapOsDisk(clients, VM1, plan));
    expect(end).toMatchObject({ status: "succeeded" });
    expect(sim.getVm(VM1.id)?.osDiskId.toLowerCase()).toBe(plan.id.toLowerCase());
  });
});

describe("snapshot DELETE in every variant", () => {
  it.each(VARIANT_AXES["snapshot.delete"])("%s: accepted", async (variant) => {
    const { sim, clients } = await start({ "snapshot.delete": variant });
    const request = snapshotRequest({
      vm: VM1,
      runId: "run-3",
      location: "westeurope",
      osDiskId: sim.getVm(VM1.id)!.osDiskId,
      now: new Date(),
      retentionDays: 7,
    });
    await toEnd(clients, await startSnapshot(clients, request));
    expect(await deleteSnapshot(clients, { subscriptionId: SUB, resourceGroup: request.resourceGroup, name: request.name, id: "" } as never)).toEqual({
      outcome: "accepted",
    });
    expect(sim.listSnapshots()).toHaveLength(0);
    expect(sim.requestLog.byOperation("snapshot.delete")[0]?.status).toBe(variant === "200" ? 200 : variant === "204" ? 204 : 202);
  });
});
