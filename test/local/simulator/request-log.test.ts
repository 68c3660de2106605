import { describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../../local/simulator";
import { script, SUB, vmId } from "./fixtures";
import { FAST, startHarness } from "./harness";

const SNAPSHOT_SOURCE = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/disks/vm1-osdisk`;

/** Sequence number at which the VM's snapshot PUT was reported Succeeded, if it was. */
function snapshotDoneSeq(entries: RequestLogEntry[], vm: string): number | undefined {
  return entries.find((e) => e.pollOf === "snapshot.put" && e.lroStatus === "Succeeded" && e.vmId === vm)?.seq;
}

describe("simulator: request log", () => {
  it("records a remediation-shaped sequence in order, with categories, operations, scripts and LRO statuses", async () => {
    const { sim, compute } = await startHarness({ agentReadyAfterPolls: 0 });
    try {
      const run = (name: string) => compute.virtualMachines.runCommand("rg-app", "vm1", { commandId: "RunPowerShellScript", script: script(name) }, FAST);
      await compute.virtualMachines.get("rg-app", "vm1", { expand: "instanceView" });
      await compute.snapshots.createOrUpdate(
        "rg-app", "pre-fix",
        { location: "westeurope", incremental: true, creationData: { createOption: "Copy", sourceResourceId: SNAPSHOT_SOURCE } },
        FAST,
      );
      await run("probe");
      await run("set-licensing-mode");
      await compute.virtualMachines.restart("rg-app", "vm1", FAST);
      await compute.virtualMachines.instanceView("rg-app", "vm1");
      await run("verify");

      const entries = sim.requestLog.entries();
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(entries.every((e) => !Number.isNaN(Date.parse(e.time)))).toBe(true);
      const vm = vmId("vm1").toLowerCase();
      const summary = entries
        .filter((e) => e.operation !== "operation.poll" && e.operation !== "operation.result" && e.operation !== "snapshot.get")
        .map((e) => [e.operation, e.category, e.script ?? "-", e.stateChanging]);
      expect(summary).toEqual([
        ["vm.get", "read", "-", false],
        ["snapshot.put", "write", "-", true],
        ["vm.runCommand", "action", "probe", false],
        ["vm.runCommand", "action", "set-licensing-mode", true],
        ["vm.restart", "action", "-", true],
        ["vm.instanceView", "read", "-", false],
        ["vm.runCommand", "action", "verify", false],
      ]);
      const firstChange = entries.find((e) => e.vmId === vm && e.stateChanging && (e.operation === "vm.runCommand" || e.operation === "vm.restart"));
      const snapshotDone = snapshotDoneSeq(entries, vm);
      expect(snapshotDone).toBeDefined();
      expect(snapshotDone).toBeLessThan(firstChange?.seq ?? 0);
      const polls = entries.filter((e) => e.category === "poll");
      expect(polls.every((e) => e.operationId !== undefined && e.pollOf !== undefined && e.lroStatus !== undefined)).toBe(true);
      expect(polls.filter((e) => e.pollOf === "vm.runCommand" && e.operation === "operation.result").map((e) => e.script)).toEqual([
        "probe",
        "set-licensing-mode",
        "verify",
      ]);
      expect(entries.every((e) => e.path === e.path.toLowerCase() && !e.path.includes("?"))).toBe(true);
    } finally {
      await sim.stop();
    }
  });

  it("clear() empties the log; numbering continues", async () => {
    const { sim, compute } = await startHarness();
    try {
      await compute.virtualMachines.get("rg-app", "vm1");
      sim.requestLog.clear();
      await compute.virtualMachines.get("rg-app", "vm1");
      expect(sim.requestLog.entries().map((e) => e.seq)).toEqual([2]);
    } finally {
      await sim.stop();
    }
  });
});
