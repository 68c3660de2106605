import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OfflineApp } from "../../local/offline/offline-app";
import type { RunReport } from "../../src/domain/run";
import { alertFor, runIdOf, settle, startScenario } from "./harness";

// RESTART_WITH_USERS=force: the policy restarts whoever is signed in; the report says so.
let app: OfflineApp;

beforeAll(async () => {
  app = await startScenario([{ name: "busy", preset: "users-signed-in-broken" }], { RESTART_WITH_USERS: "force" });
});
afterAll(async () => app?.stop());

describe("RESTART_WITH_USERS=force", () => {
  it("repairs and restarts without approval, and the report names the policy and the users", async () => {
    const runId = runIdOf(await app.post("alerts", alertFor("busy")));
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("remediated");
    expect(report.restart).toMatchObject({ mode: "force", users: { active: 3, disconnected: 1 } });
    expect(report.restart?.detail).toContain("RESTART_WITH_USERS=force");
    expect(report.steps.map((s) => s.step.kind)).toEqual(["set-licensing-mode", "set-license-servers", "restart"]);
  });
});
