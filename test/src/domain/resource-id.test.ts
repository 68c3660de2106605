import { describe, expect, it } from "vitest";
import { instanceIdForVm, isRunId, parseVmId } from "../../../src/domain/resource-id";
import { isInScope, parseScope } from "../../../src/domain/scope";

const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
const id = `/subscriptions/${SUB}/resourceGroups/RG-RDSH/providers/Microsoft.Compute/virtualMachines/RDSH-01`;

describe("VM resource IDs", () => {
  it("normalise case so the same VM is one key", () => {
    const a = parseVmId(id);
    const b = parseVmId(id.toLowerCase() + "/");
    expect(a).toEqual(b);
    expect(a.id).toBe(id.toLowerCase());
    expect(instanceIdForVm(a)).toBe(instanceIdForVm(b));
  });

  it("different VMs get different instance IDs that are valid durable IDs", () => {
    const a = instanceIdForVm(parseVmId(id));
    const b = instanceIdForVm(parseVmId(id.replace("RDSH-01", "RDSH-02")));
    expect(a).not.toBe(b);
    for (const runId of [a, b]) {
      expect(isRunId(runId)).toBe(true);
      expect(runId.length).toBeLessThanOrEqual(100);
      expect(runId).not.toMatch(/[\\/#?]/);
    }
  });

  it("the instance ID of a VM is pinned: a run in flight must be found again by the next deployment", () => {
    // rdpmedic-<name>-<first 16 hex of sha256(lower-cased resource ID)>; changing the derivation would lose every
    // run in flight (approvals waiting for days) and let a second run start beside it.
    expect(instanceIdForVm(parseVmId(id))).toBe("rdpmedic-rdsh-01-1c3b1cb1d3cdf3c9");
  });

  it("two VMs with the same name in different resource groups and subscriptions are three runs", () => {
    const other = "0a9b8c7d-6e5f-4a3b-8c1d-2e3f4a5b6c7d";
    const ids = [
      id,
      id.replace("RG-RDSH", "rg-other"),
      id.replace(SUB, other),
    ].map((v) => instanceIdForVm(parseVmId(v)));
    expect(ids).toEqual(["rdpmedic-rdsh-01-1c3b1cb1d3cdf3c9", "rdpmedic-rdsh-01-8d16258a15306102", "rdpmedic-rdsh-01-cb98ba14b38bc9c1"]);
  });

  it.each([
    "",
    "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
    `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa`,
    `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/extensions/x`,
    `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm;rm`,
    `/subscriptions/${SUB}/resourceGroups/r g/providers/Microsoft.Compute/virtualMachines/vm`,
  ])("rejects %j", (value) => {
    expect(() => parseVmId(value)).toThrow(expect.objectContaining({ code: "vm-id-invalid" }));
  });

  it("rejects non-strings", () => {
    expect(() => parseVmId(42)).toThrow(expect.objectContaining({ code: "vm-id-invalid" }));
  });
});

describe("scopes", () => {
  const vm = parseVmId(id);
  it("a subscription scope covers its resource groups", () => {
    expect(isInScope(vm, [parseScope(`/subscriptions/${SUB.toUpperCase()}`)])).toBe(true);
  });
  it("a resource-group scope covers only that group", () => {
    expect(isInScope(vm, [parseScope(`/subscriptions/${SUB}/resourceGroups/rg-rdsh`)])).toBe(true);
    expect(isInScope(vm, [parseScope(`/subscriptions/${SUB}/resourceGroups/rg-other`)])).toBe(false);
  });
  it("another subscription is out of scope", () => {
    expect(isInScope(vm, [parseScope("/subscriptions/00000000-0000-0000-0000-000000000000")])).toBe(false);
  });
});
