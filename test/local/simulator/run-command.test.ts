import { describe, expect, it } from "vitest";
import { echoRuntime, LICENSING_KEY, script, vmId } from "./fixtures";
import { FAST, harnessPerTest } from "./harness";

const CONFLICT = "Run command extension execution is in progress. Please wait for completion before invoking a run command.";

function stream(result: { value?: { code?: string; message?: string }[] }, name: "StdOut" | "StdErr"): string | undefined {
  return result.value?.find((v) => v.code?.startsWith(`ComponentStatus/${name}`))?.message;
}

describe("simulator: action Run Command through the real SDK poller", () => {
  const start = harnessPerTest();

  it("runs the script with its parameters and returns StdOut and StdErr from the Location result", async () => {
    const h = await start();
    const sim = h.sim;
    const result = await h.compute.virtualMachines.runCommand(
      "rg-app",
      "vm1",
      { commandId: "RunPowerShellScript", script: script("set-licensing-mode"), parameters: [{ name: "Set", value: "LicensingMode=4" }, { name: "Err", value: "warning: x" }] },
      FAST,
    );
    expect(JSON.parse(stream(result, "StdOut") ?? "")).toEqual({
      firstLine: "# rdp-medic-script: set-licensing-mode",
      parameters: { Set: "LicensingMode=4", Err: "warning: x" },
    });
    expect(stream(result, "StdErr")).toBe("warning: x");
    expect(sim.getGuest(vmId("vm1"))?.registry[LICENSING_KEY]?.LicensingMode).toEqual({ type: "REG_DWORD", value: 4 });
    const post = sim.requestLog.byOperation("vm.runCommand")[0];
    expect(post).toMatchObject({ status: 202, category: "action", script: "set-licensing-mode", stateChanging: true, vmId: vmId("vm1").toLowerCase() });
  });

  it("classifies probe and verify as read-only", async () => {
    const h = await start();
    const sim = h.sim;
    for (const name of ["probe", "verify"]) {
      await h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script(name) }, FAST);
    }
    expect(sim.requestLog.byOperation("vm.runCommand").map((e) => [e.script, e.stateChanging])).toEqual([
      ["probe", false],
      ["verify", false],
    ]);
  });

  it("keeps only the last 4096 bytes of output, starting on a whole character", async () => {
    const { compute } = await start({ guestRuntime: echoRuntime({ stdoutPadding: "é".repeat(5000) }) });
    const result = await compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("probe") }, FAST);
    const out = stream(result, "StdOut") ?? "";
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(out)).toBeGreaterThan(4090);
    expect(out.startsWith("é")).toBe(true);
    expect(out.endsWith('"parameters":{}}')).toBe(true);
  });

  it("answers 409 Conflict while another Run Command runs on the VM, and accepts one again afterwards", async () => {
    const h = await start();
    const sim = h.sim;
    const first = h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("probe") }, FAST);
    await first.submitted();
    const second = h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("probe") }, FAST);
    await expect(second.submitted()).rejects.toMatchObject({ statusCode: 409, code: "Conflict", message: CONFLICT });
    await expect(second).rejects.toMatchObject({ statusCode: 409 });
    expect(sim.getVm(vmId("vm1"))?.runCommandInProgress).toBe(true);
    expect(stream(await first, "StdOut")).toContain("probe");
    expect(sim.getVm(vmId("vm1"))?.runCommandInProgress).toBe(false);
    await h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("verify") }, FAST);
  });

  it("answers 409 OperationNotAllowed on a deallocated VM", async () => {
    const h = await start();
    const poller = h.compute.virtualMachines.runCommand("rg-app", "vm2", { commandId: "RunPowerShellScript", script: script("probe") }, FAST);
    await expect(poller).rejects.toMatchObject({
      statusCode: 409,
      code: "OperationNotAllowed",
      message: "The operation requires the VM to be running (or set to run).",
    });
  });

  it("ends the LRO Failed when the VM agent is not Ready, without running the script", async () => {
    const h = await start();
    const sim = h.sim;
    const before = sim.getGuest(vmId("vm3", "rg-legacy"));
    const failure = await h.compute.virtualMachines
      .runCommand("rg-legacy", "vm3", { commandId: "RunPowerShellScript", script: script("set-license-servers"), parameters: [{ name: "Set", value: "LicensingMode=2" }] }, FAST)
      .then(() => undefined, (e: unknown) => e as Error & { statusCode?: number });
    expect(failure?.message).toMatch(/^The long-running operation has failed\. VMAgentStatusCommunicationError\. VM 'vm3' has not reported status/);
    expect(failure?.statusCode).toBeUndefined();
    expect(sim.getGuest(vmId("vm3", "rg-legacy"))).toEqual(before);
  });

  it("answers 404 for an unknown commandId and 501 for a built-in the simulator does not run", async () => {
    const h = await start();
    await expect(h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "NoSuchCommand" }, FAST)).rejects.toMatchObject({
      statusCode: 404,
      message: "The entity was not found in this Azure location.",
    });
    await expect(h.compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "IPConfig" }, FAST)).rejects.toMatchObject({
      statusCode: 501,
      code: "NotImplementedInSimulator",
    });
  });

  it("keeps answering InProgress while the script still runs, however often it is polled", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { sim, compute } = await start({ guestRuntime: echoRuntime({ gate }), pollsUntilDone: 0, pollWaitForScriptMs: 0 });
    const poller = compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("probe") }, FAST);
    await poller.submitted();
    for (let i = 0; i < 3; i++) expect((await poller.poll()).status).toBe("running");
    open();
    expect(stream(await poller, "StdOut")).toContain("probe");
    const polls = sim.requestLog.byOperation("operation.poll").map((e) => e.lroStatus);
    expect(polls.slice(0, 3)).toEqual(["InProgress", "InProgress", "InProgress"]);
    expect(polls.at(-1)).toBe("Succeeded");
  });

  it("by default a poll that arrives while the script runs is answered when the script ends", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    // The script ends a moment after the poll has arrived (the simulator reads its clock on arrival).
    let polling = false;
    let scheduled = false;
    const clock = () => {
      if (polling && !scheduled) {
        scheduled = true;
        setTimeout(open, 200);
      }
      return new Date();
    };
    const { sim, compute } = await start({ guestRuntime: echoRuntime({ gate }), pollsUntilDone: 0, clock });
    const poller = compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("probe") }, FAST);
    await poller.submitted();
    polling = true;
    expect((await poller.poll()).status).toBe("succeeded");
    expect(sim.requestLog.byOperation("operation.poll").map((e) => e.lroStatus)).toEqual(["Succeeded"]);
  });

  it("ends the LRO Failed when the guest runtime throws", async () => {
    const { compute } = await start({ guestRuntime: echoRuntime({ fail: true }) });
    await expect(
      compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script("probe") }, FAST),
    ).rejects.toThrow(/VMExtensionProvisioningError\. Run Command failed in the guest runtime: runtime exploded/);
  });
});
