/**
 * Nothing is lost while a run waits: an alert that arrives while a dry run or an approval wait holds the VM is kept
 * by that run and acted on when it ends, so a stateful alert (which fires once) never has to fire again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import type { RunRecord } from "../../src/domain/run-record";
import { logAlertFor } from "../../local/offline/alert-payload";
import type { OfflineApp } from "../../local/offline/offline-app";
import { runIdOf, settle, startScenario, vmId } from "./harness";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

let app: OfflineApp;
let hook: WebhookReceiver;

beforeAll(async () => {
  hook = await startWebhookReceiver();
  app = await startScenario(
    [
      { name: "rdsh-dry", preset: "demo-broken" },
      { name: "rdsh-wait", preset: "no-cals-visible" },
      { name: "rdsh-rej", preset: "no-cals-visible" },
    ],
    { NO_CALS_ACTION: "remove-rdsh-role", APPROVAL_TIMEOUT_HOURS: "4", NOTIFY_WEBHOOK_URL: hook.url },
    "model",
  );
});
afterAll(async () => {
  await app?.stop();
  await hook?.close();
});

/** A stateful alert: one firing, one alert ID. */
function firing(name: string, alertId: string): unknown {
  const alert = logAlertFor([vmId(name)]) as { data: { essentials: Record<string, unknown> } };
  alert.data.essentials.alertId = `/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/providers/Microsoft.AlertsManagement/alerts/${alertId}`;
  return alert;
}

function stateOf(response: { json: unknown }): string {
  return (response.json as { runs: Array<{ state: string }> }).runs[0]!.state;
}

async function ledger(name: string): Promise<RunRecord[]> {
  return ((await app.get(`remediations?vm=${encodeURIComponent(vmId(name))}`)).json as { runs: RunRecord[] }).runs;
}

describe("an alert during a dry run", () => {
  it("is queued on the dry run, and when the dry run ends the real run starts from it and repairs the VM", async () => {
    const dry = await app.post("remediations", { vmId: vmId("rdsh-dry"), dryRun: true });
    const runId = runIdOf(dry);
    const alert = await app.post("alerts", firing("rdsh-dry", "a-dry-1"));
    expect(alert.status).toBe(202);
    expect(stateOf(alert)).toBe("queued");
    expect(runIdOf(alert)).toBe(runId);
    await settle(app);

    // The same instance went on as the alert's run (continue-as-new): its report now is the repair.
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("remediated");
    expect(report.trigger).toMatchObject({ kind: "alert", alertId: expect.stringContaining("a-dry-1") });

    const runs = await ledger("rdsh-dry");
    expect(runs.map((r) => r.verdict)).toEqual(["remediated", "dry-run"]);
    expect(runs[1]!.pendingAlerts?.map((a) => a.alertId)).toEqual([expect.stringContaining("a-dry-1")]);
    expect(runs[1]!.reason).toContain("start the next run for this VM");
  });
});

describe("alerts during an approval wait", () => {
  it("are queued once each; nobody decides in time, and a new run starts from them and asks again", async () => {
    const first = await app.post("alerts", firing("rdsh-wait", "a-wait-1"));
    const runId = runIdOf(first);
    await settle(app, 1);
    expect(app.host.getStatus(runId)!.customStatus).toMatchObject({ step: "awaiting-approval" });

    const second = await app.post("alerts", firing("rdsh-wait", "a-wait-2"));
    expect(stateOf(second)).toBe("queued");
    await settle(app, 1);
    expect(app.host.getStatus(runId)!.customStatus).toMatchObject({ pendingAlerts: [expect.stringMatching(/^[0-9a-f]{16}$/)] });
    // The same alert again (a stateless rule re-posting, a retried delivery) is not raised a second time.
    const events = () => app.host.history(runId).filter((e) => (e as { Name?: string }).Name === "alert").length;
    const before = events();
    expect(stateOf(await app.post("alerts", firing("rdsh-wait", "a-wait-2")))).toBe("queued");
    await settle(app, 0.5);
    expect(events()).toBe(before);

    const approvalsBefore = hook.received.filter((n) => n.reason === "approval-needed" && n.vmId === vmId("rdsh-wait")).length;
    await settle(app, 4);
    const runs = await ledger("rdsh-wait");
    expect(runs.map((r) => r.verdict)).toEqual(["needs-human"]);
    expect(runs[0]!.reason).toContain("no approval within 4 h");
    expect(runs[0]!.pendingAlerts?.map((a) => a.alertId)).toEqual([expect.stringContaining("a-wait-2")]);
    // The alert's run waits for a person again, and says so.
    await settle(app, 1);
    const status = app.host.getStatus(runId)!;
    expect(status.runtimeStatus).toBe("Running");
    expect(status.customStatus).toMatchObject({ step: "awaiting-approval" });
    expect((status.input as { trigger: { alertId: string } }).trigger.alertId).toContain("a-wait-2");
    expect(hook.received.filter((n) => n.reason === "approval-needed" && n.vmId === vmId("rdsh-wait")).length).toBe(approvalsBefore + 1);
  });

  it("a person's rejection answers the alerts that came meanwhile: kept in the report, no new run", async () => {
    const runId = runIdOf(await app.post("alerts", firing("rdsh-rej", "a-rej-1")));
    await settle(app, 1);
    expect(stateOf(await app.post("alerts", firing("rdsh-rej", "a-rej-2")))).toBe("queued");
    expect((await app.post(`remediations/${runId}/reject`, { comment: "CALs are on order" })).status).toBe(202);
    await settle(app, 1);
    const status = app.host.getStatus(runId)!;
    expect(status.runtimeStatus).toBe("Completed");
    const report = status.output as RunReport;
    expect(report.verdict).toBe("rejected");
    expect(report.pendingAlerts?.map((a) => a.alertId)).toEqual([expect.stringContaining("a-rej-2")]);
    expect(report.followedBy).toBeUndefined();
    expect(report.reason).toContain("answered by this run");
  });
});
