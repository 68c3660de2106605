import { afterEach, describe, expect, it } from "vitest";
import { readVmStatus } from "../../../src/azure/vm-reader";
import { vmRef } from "../../../src/domain/resource-id";
import { type AzureSimulator, startAzureSimulator } from "../../../local/simulator";
import { echoRuntime, scenario, SUB } from "../../local/simulator/fixtures";
import { computeClient, FAST } from "../../local/simulator/harness";

// The instance view as Azure gives it, read by the app: transitional power states and a failed provisioning state.

let sim: AzureSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const VM1 = vmRef(SUB, "rg-app", "vm1");

describe("readVmStatus", () => {
  it("reads a transitional power state as such (not running), and a failed provisioning state with its code", async () => {
    sim = await startAzureSimulator({ scenario: scenario(), guestRuntime: echoRuntime(), pollsUntilDone: 3, variants: { fixed: { power: "transitional", "vm.deallocate": "202-both" } } });
    const compute = computeClient(sim);
    const poller = compute.virtualMachines.deallocate("rg-app", "vm1", FAST);
    await poller.submitted();
    expect((await readVmStatus(compute, VM1))?.powerState).toBe("deallocating");
    await poller;
    expect((await readVmStatus(compute, VM1))?.powerState).toBe("deallocated");
    sim.addFault({ match: { operation: "vm.start" }, effect: { vmWontStart: true }, times: 1 });
    await expect(compute.virtualMachines.start("rg-app", "vm1", FAST)).rejects.toThrow(/VMStartTimedOut/);
    const status = await readVmStatus(compute, VM1);
    expect(status?.powerState).toBe("stopped");
    expect(status?.provisioningError).toMatch(/^VMStartTimedOut: VM 'vm1' did not start in the allotted time/);
    await compute.virtualMachines.start("rg-app", "vm1", FAST);
    expect((await readVmStatus(compute, VM1))?.provisioningError).toBeUndefined();
  });
});
