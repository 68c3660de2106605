import { ComputeClients } from "../../../src/azure/compute-client";
import { checkRestoredDisk, startDeallocate, startDiskFromSnapshot, startSwapOsDisk, startVm } from "../../../src/azure/disk-restore";
import { SymptomLogs } from "../../../src/azure/logs";
import { pollOperation } from "../../../src/azure/long-operations";
import { ResourceGraphTargets } from "../../../src/azure/resource-graph";
import { deleteSnapshot, listSnapshots } from "../../../src/azure/snapshot-cleanup";
import { startSnapshot } from "../../../src/azure/snapshots";
import { createVmDirectory } from "../../../src/azure/vm-directory";
import type { VmRef } from "../../../src/domain/resource-id";
import { startRestart, startRunCommand } from "../../../src/azure/vm-operations";
import { readVmStatus } from "../../../src/azure/vm-reader";
import { restoreDiskPlan } from "../../../src/domain/disk-restore";
import type { OperationRef } from "../../../src/domain/operation";
import { parseScope, type Scope } from "../../../src/domain/scope";
import { snapshotRequest } from "../../../src/domain/snapshot-plan";
import type { AzureSimulator, SimulatorTokenCredential } from "../../../local/simulator";
import { script, SUB, WORKSPACE } from "../../local/simulator/fixtures";
import { parseVmId } from "../../../src/domain/resource-id";

/**
 * Every Azure call of the app, through its own src/azure code and the real SDK clients, against the simulator's
 * test scenario (test/local/simulator/fixtures): a remediation run of vm1 with its OS-disk restore, the snapshot
 * expiry's listing and deletion, a sweep's listing and symptom query, and an alert's VM lookup. Throws at the
 * first call Azure refuses.
 */
export async function appTour(sim: AzureSimulator, credential: SimulatorTokenCredential, scope: string): Promise<void> {
  const settings = { armEndpoint: sim.armEndpoint, caCertPem: sim.caCertPem };
  const clients = new ComputeClients(credential, settings);
  const vm = parseVmId(`/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1`);
  const status = await readVmStatus(clients.forSubscription(SUB), vm);
  const osDiskId = status!.osDisk.managedDiskId!;
  const request = snapshotRequest({ vm, runId: "tour", location: "westeurope", osDiskId, now: new Date(), retentionDays: 7 });
  await toEnd(clients, await startSnapshot(clients, request), "snapshot");
  const lines = script("probe", "Write-Output probe").join("\n");
  await toEnd(clients, await startRunCommand(clients, vm, { name: "probe", text: lines, parameters: {} }), "probe");
  await toEnd(clients, await startRestart(clients, vm), "restart");
  const plan = restoreDiskPlan(vm, "tour", new Date());
  const snapshotId = `/subscriptions/${SUB}/resourceGroups/${request.resourceGroup}/providers/Microsoft.Compute/snapshots/${request.name}`;
  await toEnd(clients, await startDiskFromSnapshot(clients, plan, { snapshotId, currentOsDiskId: osDiskId, location: "westeurope" }), "disk");
  await checkRestoredDisk(clients, plan, osDiskId);
  await toEnd(clients, await startDeallocate(clients, vm), "deallocate");
  await toEnd(clients, await startSwapOsDisk(clients, vm, plan), "swap");
  await toEnd(clients, await startVm(clients, vm), "start");
  const snapshots = await listSnapshots(clients, parseScope(scope));
  const deleted = await deleteSnapshot(clients, { subscriptionId: SUB, resourceGroup: request.resourceGroup, name: request.name } as never);
  if (deleted.outcome !== "accepted") throw new Error(`delete: ${JSON.stringify(deleted)}`);
  const listing = await new ResourceGraphTargets(credential, settings).listWindowsVms([parseScope(scope)]);
  if (listing.vms.length === 0) throw new Error("Resource Graph: no VM readable (Microsoft.Compute/virtualMachines/read)");
  const symptoms = await new SymptomLogs(credential, { logsEndpoint: sim.logsEndpoint, caCertPem: sim.caCertPem }).countByVm([WORKSPACE], 24);
  if (symptoms.problems.length > 0) throw new Error(`Logs: ${JSON.stringify(symptoms.problems)}`);
  const found = await findByComputerName(clients, [parseScope(scope)], ["VM1"]);
  if ((found.get("vm1") ?? []).length === 0 || snapshots.length === 0) throw new Error("lookup found nothing");
}

async function toEnd(clients: ComputeClients, ref: OperationRef, what: string): Promise<void> {
  let current = ref;
  for (let i = 0; i < 20; i++) {
    const progress = await pollOperation(clients, current);
    if (progress.status === "failed") throw new Error(`${what}: ${progress.code}: ${progress.message}`);
    if (progress.status === "succeeded") return;
    current = progress.operation;
  }
  throw new Error(`${what} did not end`);
}

/** The alert's VM lookup by computer name (vm-directory.ts), one listing per call. */
export function findByComputerName(clients: ComputeClients, scopes: readonly Scope[], names: readonly string[]): Promise<Map<string, VmRef[]>> {
  return createVmDirectory(clients, scopes).find(names);
}
