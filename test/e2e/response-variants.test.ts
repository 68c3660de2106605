import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OfflineApp } from "../../local/offline/offline-app";
import { VARIANT_AXES, type VariantAxis, type VariantChoices } from "../../local/simulator";
import type { RunReport } from "../../src/domain/run";
import { alertFor, runIdOf, settle, startScenario, vmId } from "./harness";

// Every response the specs allow for the operations of a remediation, at least once, through the real app: each
// broken VM meets Azure answering one way (200 at once or 202, Location and/or Azure-AsyncOperation, a snapshot
// done in its first answer or polled through its body, transitional power states, an agent that still reports its
// Ready from before the restart, whole-second status times), and each is repaired. The OS-disk restore's operations
// meet theirs in os-disk-restore-trusted-launch.test.ts.

const AXES: VariantAxis[] = ["vm.runCommand", "vm.restart", "snapshot.put", "finalBody", "power", "agent", "agentTime"];
const VMS = 5;

/** VM i takes value i (wrapping) of each axis; a stale Ready agent goes with restarts Azure answers 202 (it cannot end at once). */
function variantsOf(i: number): Partial<VariantChoices> {
  const pick = <A extends VariantAxis>(axis: A, n: number) => VARIANT_AXES[axis][n % VARIANT_AXES[axis].length] as VariantChoices[A];
  return {
    "vm.runCommand": pick("vm.runCommand", i),
    "vm.restart": pick("vm.restart", i),
    "snapshot.put": pick("snapshot.put", i),
    finalBody: pick("finalBody", i),
    power: pick("power", i + 1),
    agent: pick("vm.restart", i) === "200" ? "not-ready-first" : pick("agent", i),
    agentTime: pick("agentTime", Math.floor(i / 2)),
  };
}

const names = Array.from({ length: VMS }, (_, i) => `rdsh-var-${i}`);
let app: OfflineApp;
const reports = new Map<string, RunReport>();

beforeAll(async () => {
  app = await startScenario(
    names.map((name, i) => ({ name, preset: "demo-broken", variants: variantsOf(i) })),
    {},
    "model",
  );
  const runs = new Map<string, string>();
  for (const name of names) runs.set(name, runIdOf(await app.post("alerts", alertFor(name))));
  await settle(app, 2);
  for (const [name, runId] of runs) reports.set(name, app.host.getStatus(runId)?.output as RunReport);
}, 240_000);
afterAll(async () => app?.stop());

describe("a remediation through every response variant Azure may give", () => {
  it.each(names)("%s is repaired and verified", (name) => {
    const report = reports.get(name);
    expect(report?.verdict, report?.reason).toBe("remediated");
    expect(report?.steps.map((s) => `${s.step.kind}:${s.status}`)).toEqual(["set-licensing-mode:done", "set-license-servers:done", "restart:done"]);
    expect(report?.verify?.ok).toBe(true);
  });

  it("met every value of every axis at least once (as the request log shows)", () => {
    const used = new Set(app.sim.requestLog.entries().flatMap((e) => e.variants ?? []));
    for (const axis of AXES) {
      for (const value of VARIANT_AXES[axis]) expect(used, `${axis}=${value}`).toContain(`${axis}=${value}`);
    }
  });

  it("took the snapshot before any change on each VM, whichever answer said it was done", () => {
    for (const name of names) {
      const log = app.sim.requestLog.entries().filter((e) => e.vmId === vmId(name));
      const done = log.find((e) => e.lroStatus === "Succeeded" && (e.pollOf ?? e.operation) === "snapshot.put");
      const firstChange = log.find((e) => e.stateChanging && e.operation !== "snapshot.put");
      expect(done, name).toBeDefined();
      expect(done!.seq, name).toBeLessThan(firstChange!.seq);
    }
  });

  it("waited for the agent's Ready from after the restart, not the stale one from before it", () => {
    for (const name of names) {
      const log = app.sim.requestLog.entries().filter((e) => e.vmId === vmId(name));
      const restartEnd = log.find((e) => e.lroStatus === "Succeeded" && (e.pollOf ?? e.operation) === "vm.restart");
      const verify = log.find((e) => e.operation === "vm.runCommand" && e.script === "verify");
      expect(restartEnd && verify && restartEnd.seq < verify.seq, name).toBe(true);
      // A stale Ready read after the restart ended did not start the verification.
      const staleReads = log.filter((e) => (e.variants ?? []).includes("agent=stale-ready"));
      for (const read of staleReads) expect(read.seq).toBeLessThan(verify!.seq);
      // The verification's Run Command was accepted: the agent really was Ready.
      expect(verify!.status === 200 || verify!.status === 202, name).toBe(true);
    }
  });
});
