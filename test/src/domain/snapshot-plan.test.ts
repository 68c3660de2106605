import { describe, expect, it } from "vitest";
import { parseVmId } from "../../../src/domain/resource-id";
import { SNAPSHOT_TAGS, snapshotId, snapshotRequest } from "../../../src/domain/snapshot-plan";
import { isOptedOut, preflightProblem, type VmStatus } from "../../../src/domain/vm-status";

const vm = parseVmId("/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM1");

describe("snapshot request", () => {
  it("is tagged with run, VM, creator and expiry, named for the VM and time", () => {
    const now = new Date("2026-11-25T03:04:05.678Z");
    const request = snapshotRequest({ vm, runId: "rdpmedic-vm1-0123456789abcdef", location: "westeurope", osDiskId: "/disk", now, retentionDays: 7 });
    expect(request.name).toBe("rdpmedic-vm1-20261125t030405z");
    expect(request.tags[SNAPSHOT_TAGS.run]).toBe("rdpmedic-vm1-0123456789abcdef");
    expect(request.tags[SNAPSHOT_TAGS.vm]).toBe(vm.id);
    expect(request.tags[SNAPSHOT_TAGS.expires]).toBe("2026-12-02T03:04:05.678Z");
    expect(request.tags[SNAPSHOT_TAGS.createdBy]).toBe("rdp-medic");
    expect(snapshotId(request)).toBe(`/subscriptions/${vm.subscriptionId}/resourcegroups/rg/providers/microsoft.compute/snapshots/${request.name}`);
  });
});

describe("preflight", () => {
  const healthy: VmStatus = {
    vm,
    location: "westeurope",
    computerName: "VM1",
    osType: "Windows",
    powerState: "running",
    agentReady: true,
    agentStatusTime: undefined,
    osDisk: { name: "os", managedDiskId: "/disk", ephemeral: false },
    tags: {},
  };
  it.each([
    [{}, undefined],
    [{ powerState: "deallocated" }, "vm-not-running"],
    [{ agentReady: false }, "agent-not-ready"],
    [{ osType: "Linux" }, "not-windows"],
    [{ osDisk: { name: "os", managedDiskId: undefined, ephemeral: false } }, "unmanaged-os-disk"],
    [{ osDisk: { name: "os", managedDiskId: "/disk", ephemeral: true } }, "ephemeral-os-disk"],
  ])("%j -> %s", (override, code) => {
    expect(preflightProblem({ ...healthy, ...(override as Partial<VmStatus>) })?.code).toBe(code);
  });
  it("opt-out tag compares names case-insensitively and needs a true value", () => {
    expect(isOptedOut({ ...healthy, tags: { "RDP-Medic-Opt-Out": "True" } }, "rdp-medic-opt-out")).toBe(true);
    expect(isOptedOut({ ...healthy, tags: { "rdp-medic-opt-out": "false" } }, "rdp-medic-opt-out")).toBe(false);
  });
});
