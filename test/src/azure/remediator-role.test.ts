import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AzureSimulator, startAzureSimulator } from "../../../local/simulator";
import type { DeployedFacts } from "../../../local/simulator/deployment";
import { deployedRole } from "../../e2e/harness";
import { echoRuntime, scenario, SUB } from "../../local/simulator/fixtures";
import { appTour } from "./app-tour";

// The remediator role of the shipped infrastructure (compiled by the Bicep CLI) against every Azure call the app
// makes: with the role the whole tour succeeds; without any one of its actions, something the app does is refused
// with ARM's 403 naming that action. An action whose removal breaks nothing does not belong in the role.

const APP_CLIENT_ID = "0c0ffee0-0000-4000-8000-0000000000aa";
const SCOPE = `/subscriptions/${SUB}/resourceGroups/rg-app`;

/**
 * Actions the role may hold that no call of the app needs, with why (none today: the role was trimmed to what the
 * tour needs; an action listed here is reported for the infrastructure to drop).
 */
const SURPLUS: Record<string, string> = {};

let role: DeployedFacts | undefined;
beforeAll(() => {
  role = deployedRole(true);
});

let sim: AzureSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** Every Azure call the app makes, as the app's identity holding `actions` at the VM's resource group. */
async function tour(actions: readonly string[]): Promise<void> {
  sim = await startAzureSimulator({
    scenario: scenario(),
    guestRuntime: echoRuntime(),
    agentReadyAfterPolls: 0,
    rbac: { principalClientId: APP_CLIENT_ID, assignments: [{ scope: SCOPE, actions }] },
  });
  try {
    await appTour(sim, sim.credentialFor(APP_CLIENT_ID), SCOPE);
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    if (String(e.message).includes(": ")) throw error;
    throw new Error(`${String(e.code ?? "Error")}: ${String(e.message)}`);
  }
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
