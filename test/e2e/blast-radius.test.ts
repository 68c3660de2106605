import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import type { OfflineApp } from "../../local/offline/offline-app";
import { alertFor, settle, startScenario } from "./harness";

const VMS = ["rdsh-1", "rdsh-2", "rdsh-3", "rdsh-4", "rdsh-5", "rdsh-6"];
let app: OfflineApp;

beforeAll(async () => {
  app = await startScenario(VMS.map((name) => ({ name, preset: "demo-broken" })), { MAX_CONCURRENT_REMEDIATIONS: "2" }, "model");
});
afterAll(async () => app?.stop());

describe("blast radius", () => {
  it("six broken VMs at once: all repaired, never more than two changing at the same time", async () => {
    const answers = await Promise.all(VMS.map((name) => app.post("alerts", alertFor(name))));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    await settle(app, 6);

    const reports = app.host.listInstances().map((i) => i.output as RunReport);
    expect(reports.map((r) => r.verdict)).toEqual(VMS.map(() => "remediated"));

    // A VM is "changing" from its first state-changing request (after the snapshot) to its verify.
    const log = app.sim.requestLog.entries();
    const windows = VMS.map((name) => {
      const own = log.filter((e) => e.vmId?.endsWith(`/${name}`));
      const first = own.find((e) => e.stateChanging && e.operation !== "snapshot.put")!;
      const last = [...own].reverse().find((e) => e.script === "verify")!;
      return { name, from: first.seq, to: last.seq };
    });
    let peak = 0;
    for (const w of windows) {
      const overlapping = windows.filter((o) => o.from <= w.from && o.to >= w.from).length;
      peak = Math.max(peak, overlapping);
    }
    expect(peak).toBe(2);
    // Runs that found no free slot waited durably (they asked the semaphore again later), not failed.
    const waited = app.host.listInstances({}, { showHistory: true }).filter((i) =>
      (i.history ?? []).filter((e) => (e as { EventType: number; Name?: string }).EventType === 14).length > 2,
    );
    expect(waited.length).toBeGreaterThan(0);
  });
});
