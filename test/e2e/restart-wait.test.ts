import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OfflineApp } from "../../local/offline/offline-app";
import type { RunReport } from "../../src/domain/run";
import { alertFor, requestsFor, runIdOf, settle, startScenario, vmId } from "./harness";

// RESTART_WITH_USERS=wait: a broken host with users signed in is changed and restarted only in the window.
let app: OfflineApp;
let opens: Date;

const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;

beforeAll(async () => {
  // A daily window opening three hours from now (the host's clock starts at the real time), two hours long.
  opens = new Date(Math.ceil((Date.now() + 3 * 3_600_000) / 60_000) * 60_000);
  const closes = new Date(opens.getTime() + 2 * 3_600_000);
  app = await startScenario([{ name: "busy", preset: "users-signed-in-broken" }, { name: "empty", preset: "demo-broken" }], {
    RESTART_WITH_USERS: "wait",
    MAINTENANCE_WINDOW: `${hhmm(opens)}-${hhmm(closes)}`,
  });
});
afterAll(async () => app?.stop());

const changes = (name: string) =>
  requestsFor(app.sim.requestLog.entries(), vmId(name)).filter((e) => e.stateChanging && e.operation !== "snapshot.put" && !(e.operation === "vm.runCommand" && e.script === "probe"));

describe("RESTART_WITH_USERS=wait", () => {
  it("with nobody signed in the repair does not wait", async () => {
    const runId = runIdOf(await app.post("alerts", alertFor("empty")));
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("remediated");
    expect(report.restart?.mode).toBe("no-users");
  });

  it("with users signed in nothing changes before the window; then the repair and the restart happen in it", async () => {
    const runId = runIdOf(await app.post("alerts", alertFor("busy")));
    await settle(app, 2);
    const waiting = app.host.getStatus(runId)!;
    expect(waiting.runtimeStatus).toBe("Running");
    expect((waiting.customStatus as { step: string }).step).toBe("waiting-for-maintenance-window");
    expect(changes("busy")).toEqual([]);

    await settle(app, 3);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("remediated");
    expect(report.restart).toMatchObject({ mode: "wait", users: { active: 3, disconnected: 1 }, window: { startMinute: opens.getUTCHours() * 60 + opens.getUTCMinutes() } });
    const firstChange = report.steps[0]!;
    expect(Date.parse(firstChange.startedAt)).toBeGreaterThanOrEqual(opens.getTime());
    const restart = report.steps.find((s) => s.step.kind === "restart")!;
    expect(Date.parse(restart.startedAt)).toBeLessThan(opens.getTime() + 2 * 3_600_000);
  });
});
