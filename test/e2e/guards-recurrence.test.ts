import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import { loadPreset } from "../../local/guest/presets";
import type { OfflineApp } from "../../local/offline/offline-app";
import { alertFor, requestsFor, runIdOf, settle, startScenario, vmId } from "./harness";

let app: OfflineApp;
beforeAll(async () => {
  app = await startScenario([{ name: "rdsh-flip", preset: "demo-broken" }], { COOLDOWN_MINUTES: "0", RECURRENCE_LIMIT: "3", RECURRENCE_WINDOW_DAYS: "7" }, "model");
});
afterAll(async () => app?.stop());

/** Something (a GPO-less image tool, say) keeps putting the bad values back. */
function breakAgain(): void {
  const id = vmId("rdsh-flip");
  app.sim.setGuest(id, { ...app.sim.getGuest(id)!, registry: loadPreset("demo-broken").registry });
}

async function alertRun(): Promise<RunReport> {
  const runId = runIdOf(await app.post("alerts", alertFor("rdsh-flip")));
  await settle(app);
  return app.host.getStatus(runId)!.output as RunReport;
}

describe("recurrence breaker", () => {
  it("after the same fix three times in the window, the fourth run stops at needs-human and changes nothing", async () => {
    for (let i = 0; i < 3; i++) {
      if (i > 0) breakAgain();
      expect((await alertRun()).verdict).toBe("remediated");
    }
    breakAgain();
    const mark = app.sim.requestLog.entries().length;
    const fourth = await alertRun();
    expect(fourth.verdict).toBe("needs-human");
    expect(fourth.guard).toBe("recurrence");
    expect(fourth.reason).toContain("something keeps undoing the fix");
    const after = requestsFor(app.sim.requestLog.entries().slice(mark), vmId("rdsh-flip"));
    expect(after.filter((e) => e.stateChanging && e.operation !== "snapshot.put")).toEqual([]);
  });
});
