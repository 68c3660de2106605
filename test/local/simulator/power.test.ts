import { describe, expect, it } from "vitest";
import { script, vmId } from "./fixtures";
import { FAST, harnessPerTest } from "./harness";

describe("simulator: restart, start, deallocate, powerOff", () => {
  const start = harnessPerTest();

  it("restarts: the LRO succeeds, the guest reboots, the agent is Not Ready, then Ready with a later status time", async () => {
    const clockTimes = ["2025-01-01T10:00:00.000Z"];
    let now = new Date(clockTimes[0] as string);
    const h = await start({ clock: () => now, agentReadyAfterPolls: 2 });
    const sim = h.sim;
    now = new Date("2025-01-01T10:05:00.000Z");
    await h.compute.virtualMachines.restart("rg-app", "vm1", FAST);
    expect(h.runtime.reboots).toBe(1);
    expect(sim.getGuest(vmId("vm1"))?.bootTime).toBe("2025-01-01T10:05:00.000Z");

    const agentOf = async () => (await h.compute.virtualMachines.instanceView("rg-app", "vm1")).vmAgent?.statuses?.[0];
    expect((await agentOf())?.displayStatus).toBe("Not Ready");
    now = new Date("2025-01-01T10:06:00.000Z");
    expect((await agentOf())?.displayStatus).toBe("Not Ready");
    now = new Date("2025-01-01T10:07:00.000Z");
    const ready = await agentOf();
    expect(ready).toMatchObject({ code: "ProvisioningState/succeeded", displayStatus: "Ready" });
    expect(ready?.time?.toISOString()).toBe("2025-01-01T10:07:00.000Z");
    expect(ready!.time!.getTime()).toBeGreaterThan(Date.parse("2025-01-01T10:05:00.000Z"));

    const polls = sim.requestLog.entries().filter((e) => e.pollOf === "vm.restart");
    expect(polls.map((e) => [e.operation, e.lroStatus])).toEqual([
      ["operation.poll", "InProgress"],
      ["operation.poll", "Succeeded"],
      ["operation.result", "Succeeded"],
    ]);
    expect(polls.every((e) => e.status === 200)).toBe(true);
  });

  it("refuses a Run Command while the agent is still Not Ready after a restart", async () => {
    const h = await start({ agentReadyAfterPolls: 1 });
    await h.compute.virtualMachines.restart("rg-app", "vm1", FAST);
    await expect(
      h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("verify") }, FAST),
    ).rejects.toThrow(/VMAgentStatusCommunicationError/);
    await h.compute.virtualMachines.instanceView("rg-app", "vm1");
    await h.compute.virtualMachines.instanceView("rg-app", "vm1");
    await h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("verify") }, FAST);
  });

  it("answers 409 OperationNotAllowed to a restart of a deallocated VM", async () => {
    const h = await start();
    await expect(h.compute.virtualMachines.restart("rg-app", "vm2", FAST)).rejects.toMatchObject({
      statusCode: 409,
      code: "OperationNotAllowed",
      message: "Operation 'restart' is not allowed on VM 'vm2' since the VM is deallocated.",
    });
    expect(h.runtime.reboots).toBe(0);
  });

  it("deallocates and starts: power state follows, start boots the guest", async () => {
    const h = await start({ agentReadyAfterPolls: 0 });
    const sim = h.sim;
    await h.compute.virtualMachines.deallocate("rg-app", "vm1", FAST);
    expect(sim.getVm(vmId("vm1"))).toMatchObject({ powerState: "deallocated", agentReady: false });
    await h.compute.virtualMachines.start("rg-app", "vm1", FAST);
    expect(sim.getVm(vmId("vm1"))).toMatchObject({ powerState: "running", agentReady: true });
    expect(h.runtime.reboots).toBe(1);
    await h.compute.virtualMachines.powerOff("rg-app", "vm1", FAST);
    const view = await h.compute.virtualMachines.instanceView("rg-app", "vm1");
    expect(view.statuses?.map((s) => s.code)).toContain("PowerState/stopped");
  });

  it("agentNeverReady: after the restart the agent stays Not Ready however often it is read", async () => {
    const h = await start({ agentReadyAfterPolls: 1 });
    const sim = h.sim;
    sim.addFault({ match: { operation: "vm.restart", vmName: "vm1" }, effect: { agentNeverReady: true }, times: 1 });
    await h.compute.virtualMachines.restart("rg-app", "vm1", FAST);
    for (let i = 0; i < 5; i++) {
      expect((await h.compute.virtualMachines.instanceView("rg-app", "vm1")).vmAgent?.statuses?.[0]?.displayStatus).toBe("Not Ready");
    }
    await h.compute.virtualMachines.restart("rg-app", "vm1", FAST);
    await h.compute.virtualMachines.instanceView("rg-app", "vm1");
    expect((await h.compute.virtualMachines.instanceView("rg-app", "vm1")).vmAgent?.statuses?.[0]?.displayStatus).toBe("Ready");
  });

  it("vmWontStart: the start LRO fails with VMStartTimedOut and the VM is left stopped", async () => {
    const h = await start();
    const sim = h.sim;
    sim.addFault({ match: { operation: "vm.start" }, effect: { vmWontStart: true } });
    await expect(h.compute.virtualMachines.start("rg-app", "vm2", FAST)).rejects.toThrow(
      /^The long-running operation has failed\. VMStartTimedOut\. VM 'vm2' did not start/,
    );
    expect(sim.getVm(vmId("vm2"))?.powerState).toBe("stopped");
    expect(h.runtime.reboots).toBe(0);
  });
});
