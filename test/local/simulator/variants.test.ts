import { describe, expect, it } from "vitest";
import { validateScenario, VARIANT_AXES } from "../../../local/simulator";
import { VariantPicker } from "../../../local/simulator/variants";
import { scenario, script, SUB } from "./fixtures";
import { armToken, FAST, harnessPerTest, rawRequest } from "./harness";

const VM1 = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1`;
const path = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe("simulator: response variants on the wire", () => {
  const start = harnessPerTest();

  it("POST 202-location: Location only; 202-async: Azure-AsyncOperation only; 200: the Run Command's result at once", async () => {
    const h = await start({ agentReadyAfterPolls: 0, variants: { fixed: { "vm.restart": "202-location", "vm.start": "202-async", "vm.runCommand": "200" } } });
    const token = await armToken(h.sim);
    const restart = await rawRequest(h.sim, "POST", `${VM1}/restart?api-version=2026-03-01`, { token });
    expect(restart.status).toBe(202);
    expect(restart.headers.location).toMatch(/monitor=true/);
    expect(restart.headers["azure-asyncoperation"]).toBeUndefined();
    const run = await rawRequest(h.sim, "POST", `${VM1}/runCommand?api-version=2026-03-01`, {
      token,
      body: { commandId: "RunPowerShellScript", script: script("probe", "x") },
    });
    expect(run.status).toBe(200);
    expect(run.headers.location).toBeUndefined();
    expect((run.body as { value: Array<{ code: string }> }).value.map((v) => v.code)).toEqual(["ComponentStatus/StdOut/succeeded", "ComponentStatus/StdErr/succeeded"]);
    expect(h.sim.requestLog.byOperation("vm.runCommand")[0]).toMatchObject({ status: 200, lroStatus: "Succeeded", variants: ["vm.runCommand=200"] });
    await h.compute.virtualMachines.deallocate("rg-app", "vm1", FAST);
    const started = await rawRequest(h.sim, "POST", `${VM1}/start?api-version=2026-03-01`, { token });
    expect(started.headers["azure-asyncoperation"]).toBeDefined();
    expect(started.headers.location).toBeUndefined();
  });

  it("an answer that cannot be given (200 for an operation that fails) falls back to 202 and says so", async () => {
    const h = await start({ variants: { fixed: { "vm.restart": "200" } } });
    h.sim.addFault({ match: { operation: "vm.restart" }, effect: { lroFailed: { code: "InternalExecutionError", message: "boom" } }, times: 1 });
    const token = await armToken(h.sim);
    const answer = await rawRequest(h.sim, "POST", `${VM1}/restart?api-version=2026-03-01`, { token });
    expect(answer.status).toBe(202);
    expect(h.sim.requestLog.byOperation("vm.restart")[0]?.variants).toContain("vm.restart=202-both");
  });

  it("PATCH 200-both with an empty final body: the Location answers 200 with nothing", async () => {
    const h = await start({ variants: { fixed: { "vm.update": "200-both", finalBody: "empty" } } });
    const token = await armToken(h.sim);
    const patch = await rawRequest(h.sim, "PATCH", `${VM1}?api-version=2026-03-01`, { token, body: { tags: { a: "b" } } });
    expect(patch.status).toBe(200);
    expect((patch.body as { properties: { provisioningState: string } }).properties.provisioningState).toBe("Updating");
    const location = patch.headers.location as string;
    expect(patch.headers["azure-asyncoperation"]).toBeDefined();
    await rawRequest(h.sim, "GET", path(patch.headers["azure-asyncoperation"] as string), { token });
    const end = await rawRequest(h.sim, "GET", path(location), { token });
    expect(end.status).toBe(200);
    expect(end.body).toBeUndefined();
  });

  it("snapshot PUT 200-body: no polling header; reads of the snapshot report the operation until it is done", async () => {
    const h = await start({ variants: { fixed: { "snapshot.put": "200-body" } } });
    const token = await armToken(h.sim);
    const put = await rawRequest(h.sim, "PUT", `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/snapshots/s1?api-version=2025-01-02`, {
      token,
      body: { location: "westeurope", properties: { creationData: { createOption: "Copy", sourceResourceId: `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/disks/vm1-osdisk` } } },
    });
    expect(put.status).toBe(200);
    expect(put.headers.location).toBeUndefined();
    expect(put.headers["azure-asyncoperation"]).toBeUndefined();
    const states: string[] = [];
    for (let i = 0; i < 3; i++) {
      const get = await rawRequest(h.sim, "GET", `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.Compute/snapshots/s1?api-version=2025-01-02`, { token });
      states.push((get.body as { properties: { provisioningState: string } }).properties.provisioningState);
    }
    expect(states).toEqual(["Updating", "Succeeded", "Succeeded"]);
    expect(h.sim.requestLog.byOperation("snapshot.get").map((e) => [e.pollOf, e.lroStatus])).toEqual([
      ["snapshot.put", "InProgress"],
      ["snapshot.put", "Succeeded"],
      [undefined, undefined],
    ]);
  });

  it("transitional power states while the operation runs; a failed one leaves ProvisioningState/failed/<code>", async () => {
    const h = await start({ variants: { fixed: { power: "transitional" } }, pollsUntilDone: 2 });
    const token = await armToken(h.sim);
    const accepted = await rawRequest(h.sim, "POST", `${VM1}/deallocate?api-version=2026-03-01`, { token });
    const power = async () => (await h.compute.virtualMachines.instanceView("rg-app", "vm1")).statuses?.find((s) => s.code?.startsWith("PowerState/"))?.code;
    expect(await power()).toBe("PowerState/deallocating");
    for (let i = 0; i < 3; i++) await rawRequest(h.sim, "GET", path(accepted.headers["azure-asyncoperation"] as string), { token });
    expect(await power()).toBe("PowerState/deallocated");
    h.sim.addFault({ match: { operation: "vm.start" }, effect: { vmWontStart: true }, times: 1 });
    await expect(h.compute.virtualMachines.start("rg-app", "vm1", FAST)).rejects.toThrow(/VMStartTimedOut/);
    const statuses = (await h.compute.virtualMachines.instanceView("rg-app", "vm1")).statuses;
    expect(statuses?.[0]).toMatchObject({ code: "ProvisioningState/failed/VMStartTimedOut", level: "Error", displayStatus: "Provisioning failed" });
  });

  it("stale-ready: after a restart the agent shows its Ready from before the boot, then Not Ready, then Ready; whole-second times", async () => {
    let now = new Date("2025-01-01T10:00:00.250Z");
    const h = await start({ clock: () => now, agentReadyAfterPolls: 1, variants: { fixed: { agent: "stale-ready", agentTime: "whole-seconds" } } });
    const token = await armToken(h.sim);
    await rawRequest(h.sim, "POST", `${VM1}/restart?api-version=2026-03-01`, { token });
    now = new Date("2025-01-01T10:00:03.700Z");
    const reads: Array<[string | undefined, string | undefined]> = [];
    for (let i = 0; i < 4; i++) {
      const view = await rawRequest(h.sim, "GET", `${VM1}/instanceView?api-version=2026-03-01`, { token });
      const agent = (view.body as { vmAgent: { statuses: Array<{ displayStatus: string; time: string }> } }).vmAgent.statuses[0];
      reads.push([agent?.displayStatus, agent?.time]);
    }
    expect(reads).toEqual([
      ["Ready", "2025-01-01T10:00:00+00:00"],
      ["Ready", "2025-01-01T10:00:00+00:00"],
      ["Not Ready", "2025-01-01T10:00:00+00:00"],
      ["Ready", "2025-01-01T10:00:03+00:00"],
    ]);
  });
});

describe("variant choice", () => {
  it("a seed picks one value per axis and VM, the same every time; a VM's own values and fixed ones win", () => {
    const perVm = new Map([["vm-b", { "vm.restart": "200" as const }]]);
    const a = new VariantPicker({ seed: 42 }, undefined, perVm);
    const b = new VariantPicker({ seed: 42 }, undefined, perVm);
    expect(a.choicesFor("vm-a")).toEqual(b.choicesFor("vm-a"));
    expect(a.pick("vm.restart", "vm-b")).toBe("200");
    const spread = new Set(Array.from({ length: 40 }, (_, i) => a.pick("snapshot.put", `vm-${i}`)));
    expect(spread.size).toBe(VARIANT_AXES["snapshot.put"].length);
    expect(new VariantPicker({ fixed: { "vm.restart": "202-async" } }, { seed: 1, fixed: { "vm.restart": "202-location" } }, new Map()).pick("vm.restart", "x")).toBe("202-location");
    expect(new VariantPicker(undefined, undefined, new Map()).choicesFor("x")["vm.restart"]).toBe("202-both");
  });

  it("a scenario's variants are validated: axis names, values, seed", () => {
    expect(validateScenario({ ...scenario(), variants: { seed: 3, agent: "stale-ready" } }).variants).toEqual({ seed: 3, agent: "stale-ready" });
    expect(() => validateScenario({ ...scenario(), variants: { agents: "x" } })).toThrow(/variants\.agents: is not a variant axis/);
    expect(() => validateScenario({ ...scenario(), variants: { "vm.restart": "201" } })).toThrow(/must be one of 202-both, 202-async, 202-location, 200/);
    const vm = { ...scenario().vms[0]!, variants: { seed: 1 } };
    expect(() => validateScenario({ vms: [vm] })).toThrow(/vms\[0\]\.variants\.seed: is not a variant axis/);
    expect(() => validateScenario({ ...scenario(), resourceGraph: { quota: { queries: 0, windowSeconds: 5 } } })).toThrow(/resourceGraph\.quota\.queries/);
  });
});
