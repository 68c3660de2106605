import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OfflineApp } from "../../local/offline/offline-app";
import { alertFor, settle, startScenario, vmId } from "./harness";

const VMS = Array.from({ length: 100 }, (_, i) => `rdsh-${String(i).padStart(3, "0")}`);
let app: OfflineApp;

beforeAll(async () => {
  app = await startScenario([...VMS, "rdsh-solo"].map((name) => ({ name, preset: "healthy" })), {}, "model");
});
afterAll(async () => app?.stop());

/** Posts every alert, `concurrency` at a time, as an action group firing in a storm would. */
async function storm(alerts: unknown[], concurrency = 50) {
  const answers: Array<{ status: number; json: unknown }> = [];
  for (let i = 0; i < alerts.length; i += concurrency) {
    answers.push(...(await Promise.all(alerts.slice(i, i + concurrency).map((a) => app.post("alerts", a)))));
  }
  return answers;
}

type Answer = { runs: Array<{ vmId: string; runId: string; state: string }> };

describe("alert storms", () => {
  it("1,000 alerts for one VM start exactly one run; every other answer points at it", async () => {
    const answers = await storm(Array.from({ length: 1000 }, () => alertFor("rdsh-solo")));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const runs = answers.map((a) => (a.json as Answer).runs[0]!);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(1);
    expect(runs.filter((r) => r.state === "started")).toHaveLength(1);
    expect(runs.filter((r) => r.state === "already-running")).toHaveLength(999);
  });

  it("1,000 alerts for 100 VMs start exactly 100 runs, one per VM", async () => {
    const alerts = Array.from({ length: 1000 }, (_, i) => alertFor(VMS[i % 100]!));
    const answers = await storm(alerts);
    const runs = answers.map((a) => (a.json as Answer).runs[0]!);
    expect(runs.filter((r) => r.state === "started")).toHaveLength(100);
    const byVm = new Map<string, Set<string>>();
    for (const r of runs) byVm.set(r.vmId, (byVm.get(r.vmId) ?? new Set()).add(r.runId));
    expect(byVm.size).toBe(100);
    expect([...byVm.values()].every((ids) => ids.size === 1)).toBe(true);

    await settle(app);
    const instances = app.host.listInstances();
    expect(instances).toHaveLength(101);
    expect(instances.every((i) => i.runtimeStatus === "Completed")).toBe(true);
    // Each VM was probed by exactly one run.
    const probes = app.sim.requestLog.entries().filter((e) => e.operation === "vm.runCommand" && e.script === "probe");
    expect(new Set(probes.map((e) => e.vmId)).size).toBe(101);
    expect(probes).toHaveLength(101);
    expect(probes.some((e) => e.vmId === vmId("rdsh-solo"))).toBe(true);
  });
});
