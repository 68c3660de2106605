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
