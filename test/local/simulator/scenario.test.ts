import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioFile, ScenarioError, startAzureSimulator, validateScenario } from "../../../local/simulator";
import { echoRuntime, scenario } from "./fixtures";
import { computeClient } from "./harness";

const EXAMPLE = resolve(__dirname, "../../../local/simulator/scenarios/two-vms.json");

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScenarioError) return err.field;
    throw err;
  }
  throw new Error("no ScenarioError");
}

function mutated(change: (s: Record<string, any>) => void): unknown {
  const s = structuredClone(scenario()) as unknown as Record<string, any>;
  change(s);
  return s;
}

describe("simulator scenarios", () => {
  it("accepts the test scenario and the example file", () => {
    expect(validateScenario(scenario()).vms).toHaveLength(3);
    const example = loadScenarioFile(EXAMPLE);
    expect(example.vms.map((v) => v.name)).toEqual(["rdsh-01", "rdsh-02"]);
    expect(example.workspaces?.[0]?.name).toBe("law-rdp-medic");
  });

  it.each([
    ["vms", (s: Record<string, any>) => delete s.vms],
    ["vms[0].subscriptionId", (s: Record<string, any>) => (s.vms[0].subscriptionId = "not-a-guid")],
    ["vms[1].powerState", (s: Record<string, any>) => (s.vms[1].powerState = "sleeping")],
    ["vms[0].agentReady", (s: Record<string, any>) => delete s.vms[0].agentReady],
    ["vms[0].osDisk.name", (s: Record<string, any>) => delete s.vms[0].osDisk.name],
    ["vms[2].osDisk.ephemeral", (s: Record<string, any>) => (s.vms[2].osDisk.ephemeral = true)],
    ["vms[0].workspaceId", (s: Record<string, any>) => (s.vms[0].workspaceId = "law-1")],
    ["vms[0].tags.env", (s: Record<string, any>) => (s.vms[0].tags.env = 1)],
    ["vms[1].name", (s: Record<string, any>) => (s.vms[1].name = "vm1")],
    ["vms[0].guest.bootTime", (s: Record<string, any>) => (s.vms[0].guest.bootTime = "yesterday")],
    ['vms[0].guest.registry["HKLM\\\\SYSTEM\\\\CurrentControlSet\\\\Control\\\\Terminal Server\\\\RCM\\\\Licensing Core"]["LicensingMode"].value',
      (s: Record<string, any>) => (s.vms[0].guest.registry["HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core"].LicensingMode.value = "4")],
    ["vms[0].guest.features.RDS-RD-Server", (s: Record<string, any>) => (s.vms[0].guest.features["RDS-RD-Server"] = "On")],
    ["vms[0].guest.events[1].id", (s: Record<string, any>) => (s.vms[0].guest.events[1].id = "1069")],
    ["vms[0].guest.listeningPorts[0]", (s: Record<string, any>) => (s.vms[0].guest.listeningPorts = [70000])],
    ["workspaces[0].workspaceId", (s: Record<string, any>) => (s.workspaces = [{ workspaceId: "x", subscriptionId: s.vms[0].subscriptionId, resourceGroup: "rg", name: "w" }])],
  ])("names the bad field %s", (field, change) => {
    expect(fieldOf(() => validateScenario(mutated(change)))).toBe(field);
  });

  it("loadScenarioFile names the file when it is not JSON or not valid", () => {
    const dir = mkdtempSync(join(tmpdir(), "sim-scenario-"));
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ vms: [");
    expect(() => loadScenarioFile(broken)).toThrow(/broken\.json is not valid JSON/);
    const invalid = join(dir, "invalid.json");
    writeFileSync(invalid, JSON.stringify(mutated((s) => (s.vms[0].location = ""))));
    expect(() => loadScenarioFile(invalid)).toThrow(/vms\[0\]\.location: must be a non-empty string \(in .*invalid\.json\)/);
    expect(() => loadScenarioFile(join(dir, "missing.json"))).toThrow(/cannot read/);
  });

  it("startAzureSimulator refuses an invalid scenario and serves the example file", async () => {
    await expect(startAzureSimulator({ scenario: mutated((s) => delete s.vms[0].guest) as never, guestRuntime: echoRuntime() })).rejects.toBeInstanceOf(ScenarioError);
    const sim = await startAzureSimulator({ scenario: loadScenarioFile(EXAMPLE), guestRuntime: echoRuntime() });
    try {
      const vm = await computeClient(sim, "11111111-2222-4333-8444-555555555555").virtualMachines.get("rg-rdsh", "rdsh-01");
      expect(vm.hardwareProfile?.vmSize).toBe("Standard_D4s_v5");
      expect(vm.tags).toEqual({ "rdp-medic": "enabled" });
    } finally {
      await sim.stop();
    }
  });
});
