import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ComputeClients } from "../../../src/azure/compute-client";
import { checkRestoredDisk, startDeallocate, startDiskFromSnapshot, startSwapOsDisk, startVm } from "../../../src/azure/disk-restore";
import { pollOperation } from "../../../src/azure/long-operations";
import { ResourceGraphTargets } from "../../../src/azure/resource-graph";
import { deleteSnapshot, listSnapshots } from "../../../src/azure/snapshot-cleanup";
import { startSnapshot } from "../../../src/azure/snapshots";
import { findVmsByComputerName } from "../../../src/azure/vm-directory";
import { startRestart, startRunCommand } from "../../../src/azure/vm-operations";
import { readVmStatus } from "../../../src/azure/vm-reader";
import { restoreDiskPlan } from "../../../src/domain/disk-restore";
import type { OperationRef } from "../../../src/domain/operation";
import { vmRef } from "../../../src/domain/resource-id";
import { parseScope } from "../../../src/domain/scope";
import { snapshotRequest } from "../../../src/domain/snapshot-plan";
import { type AzureSimulator, startAzureSimulator } from "../../../local/simulator";
import type { DeployedFacts } from "../../../local/simulator/deployment";
import { deployedRole } from "../../e2e/harness";
import { echoRuntime, scenario, script, SUB } from "../../local/simulator/fixtures";

// The remediator role of the shipped infrastructure (compiled by the Bicep CLI) against every Azure call the app
// makes: with the role the whole tour succeeds; without any one of its actions, something the app does is refused
// with ARM's 403 naming that action. An action whose removal breaks nothing does not belong in the role.

const APP_CLIENT_ID = "0c0ffee0-0000-4000-8000-0000000000aa";
const SCOPE = `/subscriptions/${SUB}/resourceGroups/rg-app`;
const VM1 = vmRef(SUB, "rg-app", "vm1");

/**
 * Actions the role holds that no call of the app needs, with why: reported for the infrastructure to drop them.
 * ARM authorizes a request by its URL and method, so the app's `GET vm?$expand=instanceView` needs only
 * virtualMachines/read; instanceView/read is for `GET vm/instanceView`, which the app never calls.
 */
const SURPLUS: Record<string, string> = {
  "Microsoft.Compute/virtualMachines/instanceView/read": "the app reads the instance view with GET vm?$expand=instanceView (virtualMachines/read)",
};

let role: DeployedFacts | undefined;
beforeAll(() => {
  role = deployedRole(true);
});

let sim: AzureSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

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

/** Every Azure call of a run (with its OS-disk restore), of a sweep's listing, of the snapshot expiry and of the alert's VM lookup. */
async function tour(actions: readonly string[]): Promise<void> {
  try {
    await tourSteps(actions);
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    if (String(e.message).includes(": ")) throw error;
    throw new Error(`${String(e.code ?? "Error")}: ${String(e.message)}`);
  }
}

async function tourSteps(actions: readonly string[]): Promise<void> {
  sim = await startAzureSimulator({
    scenario: scenario(),
    guestRuntime: echoRuntime(),
    agentReadyAfterPolls: 0,
    rbac: { principalClientId: APP_CLIENT_ID, assignments: [{ scope: SCOPE, actions }] },
  });
  const credential = sim.credentialFor(APP_CLIENT_ID);
  const settings = { armEndpoint: sim.armEndpoint, caCertPem: sim.caCertPem };
  const clients = new ComputeClients(credential, settings);
  const status = await readVmStatus(clients.forSubscription(SUB), VM1);
  const osDiskId = status!.osDisk.managedDiskId!;
  const request = snapshotRequest({ vm: VM1, runId: "tour", location: "westeurope", osDiskId, now: new Date(), retentionDays: 7 });
  await toEnd(clients, await startSnapshot(clients, request), "snapshot");
  const lines = script("probe", "Write-Output probe").join("\n");
  await toEnd(clients, await startRunCommand(clients, VM1, { name: "probe", text: lines, parameters: {} }), "probe");
  await toEnd(clients, await startRestart(clients, VM1), "restart");
  const plan = restoreDiskPlan(VM1, "tour", new Date());
  const snapshotId = `/subscriptions/${SUB}/resourceGroups/${request.resourceGroup}/providers/Microsoft.Compute/snapshots/${request.name}`;
  await toEnd(clients, await startDiskFromSnapshot(clients, plan, { snapshotId, currentOsDiskId: osDiskId, location: "westeurope" }), "disk");
  await checkRestoredDisk(clients, plan, osDiskId);
  await toEnd(clients, await startDeallocate(clients, VM1), "deallocate");
  await toEnd(clients, await startSwapOsDisk(clients, VM1, plan), "swap");
  await toEnd(clients, await startVm(clients, VM1), "start");
  const snapshots = await listSnapshots(clients, parseScope(SCOPE));
  const deleted = await deleteSnapshot(clients, { subscriptionId: SUB, resourceGroup: request.resourceGroup, name: request.name } as never);
  if (deleted.outcome !== "accepted") throw new Error(`delete: ${JSON.stringify(deleted)}`);
  const listing = await new ResourceGraphTargets(credential, settings).listWindowsVms([parseScope(SCOPE)]);
  if (listing.vms.length === 0) throw new Error("Resource Graph: no VM readable (Microsoft.Compute/virtualMachines/read)");
  const found = await findVmsByComputerName(clients, [parseScope(SCOPE)], ["VM1"]);
  if ((found.get("vm1") ?? []).length === 0 || snapshots.length === 0) throw new Error("lookup found nothing");
}

describe.skipIf(deployedRole(true) === undefined)("the deployed remediator role against every call the app makes", () => {
  it("with the role, every call of the tour is granted", async () => {
    await expect(tour(role!.remediatorActions)).resolves.toBeUndefined();
    expect(sim!.requestLog.entries().filter((e) => e.status === 403)).toEqual([]);
  });

  it("without any one of its actions, a call is refused with 403 naming it (or the action is surplus, listed with why)", async () => {
    const surplus: string[] = [];
    for (const action of role!.remediatorActions) {
      const without = role!.remediatorActions.filter((a) => a !== action);
      const error = await tour(without).then(
        () => undefined,
        (e: Error) => e,
      );
      if (error === undefined) surplus.push(action);
      else {
        expect(String(error.message), action).toMatch(/AuthorizationFailed|does not have (authorization|permission)|not readable/);
        expect(String(error.message), action).toContain(action);
      }
      await sim?.stop();
      sim = undefined;
    }
    expect(surplus.sort()).toEqual(Object.keys(SURPLUS).filter((a) => role!.remediatorActions.includes(a)).sort());
  }, 120_000);

  it("ARM's wording, action and scope in the 403", async () => {
    const without = role!.remediatorActions.filter((a) => a !== "Microsoft.Compute/virtualMachines/restart/action");
    const error = await tour(without).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^AuthorizationFailed: The client '${APP_CLIENT_ID}' with object id '[0-9a-f-]{36}' does not have authorization to perform action ` +
          `'Microsoft\\.Compute/virtualMachines/restart/action' over scope '/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft\\.Compute/virtualMachines/vm1' ` +
          "or the scope is invalid\\. If access was recently granted, please refresh your credentials\\.$",
      ),
    );
  });
});
