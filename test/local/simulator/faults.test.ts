import { describe, expect, it } from "vitest";
import { LICENSING_KEY, script, vmId } from "./fixtures";
import { FAST, harnessPerTest } from "./harness";

describe("simulator: fault injection and the SDK's retries", () => {
  const start = harnessPerTest();

  it("429 with Retry-After is retried by the SDK and then succeeds", async () => {
    const h = await start();
    const sim = h.sim;
    sim.addFault({ match: { operation: "vm.get" }, effect: { status: 429, retryAfterSeconds: 0 }, times: 2 });
    const vm = await h.compute.virtualMachines.get("rg-app", "vm1");
    expect(vm.name).toBe("vm1");
    expect(sim.requestLog.byOperation("vm.get").map((e) => [e.status, e.fault])).toEqual([
      [429, "status 429"],
      [429, "status 429"],
      [200, undefined],
    ]);
  });

  it("500 and a reset connection are retried with backoff", async () => {
    const h = await start();
    const sim = h.sim;
    sim.addFault({ match: { operation: "vm.instanceView" }, effect: { status: 500 }, times: 1 });
    sim.addFault({ match: { operation: "vm.instanceView" }, effect: { reset: true }, times: 1 });
    const view = await h.compute.virtualMachines.instanceView("rg-app", "vm1");
    expect(view.computerName).toBe("VM1");
    expect(sim.requestLog.byOperation("vm.instanceView").map((e) => e.status)).toEqual([500, 0, 200]);
  });

  it("a 429 without retries left reaches the caller as RestError TooManyRequests", async () => {
    const h = await start();
    const sim = h.sim;
    sim.addFault({ match: { operation: "vm.get" }, effect: { status: 429, retryAfterSeconds: 0 } });
    await expect(h.compute.virtualMachines.get("rg-app", "vm1")).rejects.toMatchObject({ statusCode: 429, code: "TooManyRequests" });
    expect(sim.requestLog.byOperation("vm.get")).toHaveLength(4);
  });

  it("faults match by VM and script; polls of a matched operation can fail too", async () => {
    const h = await start();
    const sim = h.sim;
    sim.addFault({ match: { operation: "vm.runCommand", script: "set-license-servers" }, effect: { lroFailed: { code: "VMExtensionHandlerNonTransientError", message: "Handler crashed." } } });
    sim.addFault({ match: { operation: "operation.poll", script: "probe" }, effect: { status: 503, retryAfterSeconds: 0 }, times: 1 });
    const probe = await h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("probe") }, FAST);
    expect(probe.value?.[0]?.message).toContain("probe");
    await expect(
      h.compute.virtualMachines.runCommand(
        "rg-app", "vm1",
        { commandId: "RunPowerShellScript", script: script("set-license-servers"), parameters: [{ name: "Set", value: "LicensingMode=9" }] },
        FAST,
      ),
    ).rejects.toThrow("The long-running operation has failed. VMExtensionHandlerNonTransientError. Handler crashed.");
    expect(sim.getGuest(vmId("vm1"))?.registry[LICENSING_KEY]?.LicensingMode?.value).toBe(5);
    const polls = sim.requestLog.byOperation("operation.poll").filter((e) => e.script === "probe");
    expect(polls[0]).toMatchObject({ status: 503, fault: "status 503" });
  });

  it("neverFinishes keeps the LRO InProgress and the Run Command lock held; clearFaults does not release it", async () => {
    const h = await start();
    const sim = h.sim;
    sim.addFault({ match: { operation: "vm.runCommand", vmName: "VM1" }, effect: { neverFinishes: true }, times: 1 });
    const hung = h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("probe") }, FAST);
    await hung.submitted();
    for (let i = 0; i < 4; i++) expect((await hung.poll()).status).toBe("running");
    sim.clearFaults();
    await expect(
      h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("probe") }, FAST),
    ).rejects.toMatchObject({ statusCode: 409, code: "Conflict" });
  });

  it("rules with times run out; removeFault drops a rule", async () => {
    const h = await start();
    const sim = h.sim;
    const id = sim.addFault({ match: { method: "GET" }, effect: { status: 500 } });
    sim.removeFault(id);
    sim.addFault({ match: { operation: "vm.get", vmName: "vm2" }, effect: { status: 500 }, times: 1 });
    await h.compute.virtualMachines.get("rg-app", "vm1");
    await h.compute.virtualMachines.get("rg-app", "vm2");
    expect(sim.requestLog.entries().map((e) => e.status)).toEqual([200, 500, 200]);
  });
});
