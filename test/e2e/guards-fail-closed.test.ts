/**
 * Guards fail closed (design rule 3): a run that changed its VM and could not write its record leaves a mark that
 * holds the next run until the record is written; a guard that cannot read the ledger holds; a well-formed alert
 * with long strings is always recorded. The ledger outage is real: the app's table is deleted from Azurite under
 * it (every write and read then fails with 404 TableNotFound) and created again.
 */
import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import type { RunRecord } from "../../src/domain/run-record";
import { loadPreset } from "../../local/guest/presets";
import { logAlertFor } from "../../local/offline/alert-payload";
import type { OfflineApp } from "../../local/offline/offline-app";
import { alertFor, requestsFor, runIdOf, settle, startScenario, vmId } from "./harness";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

let app: OfflineApp;
let hook: WebhookReceiver;
let table: TableClient;

beforeAll(async () => {
  hook = await startWebhookReceiver();
  app = await startScenario(
    [
      { name: "rdsh-long", preset: "demo-broken" },
      { name: "rdsh-lost", preset: "demo-broken" },
      { name: "rdsh-blind", preset: "demo-broken" },
    ],
    { COOLDOWN_MINUTES: "240", NOTIFY_WEBHOOK_URL: hook.url },
    "model",
  );
  table = new TableClient(app.tables.tableEndpoint, "RdpMedicRuns", app.tables.credential, { tlsOptions: { ca: app.tables.caPem } } as never);
});
afterAll(async () => {
  await app?.stop();
  await hook?.close();
});

async function reportOf(response: { json: unknown }): Promise<RunReport> {
  await settle(app);
  return app.host.getStatus(runIdOf(response))!.output as RunReport;
}

/** Something breaks the VM's licensing again (a GPO, an image tool): the next alert finds it broken. */
function breakAgain(name: string): void {
  const id = vmId(name);
  app.sim.setGuest(id, { ...app.sim.getGuest(id)!, registry: loadPreset("demo-broken").registry });
}

/** State-changing requests on the VM other than snapshots, from `mark` on. */
function changesSince(name: string, mark: number) {
  return requestsFor(app.sim.requestLog.entries().slice(mark), vmId(name)).filter((e) => e.stateChanging && e.operation !== "snapshot.put");
}

async function ledgerRuns(name: string): Promise<RunRecord[]> {
  const listed = await app.get(`remediations?vm=${encodeURIComponent(vmId(name))}`);
  expect(listed.status, listed.body).toBe(200);
  return (listed.json as { runs: RunRecord[] }).runs;
}

describe("a well-formed alert is always recorded", () => {
  it("an alert ID of 1,100 characters and a long rule name are bounded, recorded, and the cooldown then holds", async () => {
    const alert = logAlertFor([vmId("rdsh-long")]) as { data: { essentials: Record<string, unknown> } };
    const longId = `/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/providers/Microsoft.AlertsManagement/alerts/${"a".repeat(1000)}`;
    alert.data.essentials.alertId = longId;
    alert.data.essentials.alertRule = `rule-${"r".repeat(400)}`;
    const first = await reportOf(await app.post("alerts", alert));
    expect(first.verdict, first.reason).toBe("remediated");
    expect(first.reason).not.toContain("not recorded");

    breakAgain("rdsh-long");
    const mark = app.sim.requestLog.entries().length;
    const second = await reportOf(await app.post("alerts", alert));
    expect(second.verdict, second.reason).toBe("diagnosed-only");
    expect(second.guard).toBe("cooldown");
    expect(changesSince("rdsh-long", mark)).toEqual([]);

    const runs = await ledgerRuns("rdsh-long");
    expect(runs.map((r) => r.verdict)).toEqual(["diagnosed-only", "remediated"]);
    const alertId = runs[1]!.trigger.alertId!;
    expect(alertId.length).toBeLessThanOrEqual(512);
    expect(alertId.startsWith(longId.slice(0, 400))).toBe(true);
    expect(alertId).toMatch(/…#[0-9a-f]{16}$/);
    expect(runs[1]!.trigger.alertRule!.length).toBeLessThanOrEqual(260);
  });
});

describe("a change that could not be recorded holds the VM until it is", () => {
  it("the ledger goes away after the guards read it: the change is made, its record fails, the VM is marked", async () => {
    // Delete the table while the run verifies its fix: after its guards read the ledger, before it records.
    const runtime = app.guestRuntime;
    const runScript = runtime.runScript.bind(runtime);
    runtime.runScript = async (state, text, parameters, now) => {
      if (/^# rdp-medic-script: verify/.test(text)) await table.deleteTable();
      return runScript(state, text, parameters, now);
    };
    let report: RunReport;
    try {
      report = await reportOf(await app.post("alerts", alertFor("rdsh-lost")));
    } finally {
      runtime.runScript = runScript;
    }
    expect(report.verdict, report.reason).toBe("remediated");
    expect(report.steps.length).toBeGreaterThan(0);
    expect(report.reason).toContain("not recorded in the ledger");
    expect(report.reason).toContain("the next run for this VM changes nothing until this record is written");
    // One line, no stack trace, in the report and in what a person is told.
    expect(report.reason).not.toMatch(/\n|\s{2,}at\s|Stack:|\.js:\d+/);
    const told = hook.received.filter((n) => n.runId === report.runId);
    expect(told.map((n) => n.reason)).toEqual(["needs-human"]);
    expect(JSON.stringify(told)).not.toMatch(/\\n\s+at\s|Stack:|\.js:\d+/);
  });

  it("while the ledger is still away, the next run diagnoses and holds: needs-human, no change", async () => {
    breakAgain("rdsh-lost");
    const mark = app.sim.requestLog.entries().length;
    const report = await reportOf(await app.post("alerts", alertFor("rdsh-lost")));
    expect(report.verdict, report.reason).toBe("needs-human");
    expect(report.guard).toBe("unrecorded-run");
    expect(report.reason).toMatch(/changed this VM and its record could not be written/);
    expect(report.causes.length).toBeGreaterThan(0);
    expect(changesSince("rdsh-lost", mark)).toEqual([]);
  });

  it("a guard that cannot read the ledger holds too: a VM without a mark is diagnosed, not changed", async () => {
    const mark = app.sim.requestLog.entries().length;
    const report = await reportOf(await app.post("alerts", alertFor("rdsh-blind")));
    expect(report.verdict, report.reason).toBe("needs-human");
    expect(report.guard).toBe("ledger-unavailable");
    expect(changesSince("rdsh-blind", mark)).toEqual([]);
  });

  it("once the ledger is back, the next run writes the missing record first, and the cooldown then holds it", async () => {
    await table.createTable();
    const mark = app.sim.requestLog.entries().length;
    const report = await reportOf(await app.post("alerts", alertFor("rdsh-lost")));
    expect(report.verdict, report.reason).toBe("diagnosed-only");
    expect(report.guard).toBe("cooldown");
    expect(changesSince("rdsh-lost", mark)).toEqual([]);

    const runs = await ledgerRuns("rdsh-lost");
    expect(runs.map((r) => r.verdict)).toEqual(["diagnosed-only", "remediated"]);
    expect(runs[1]!.reason).toContain("recorded late, by the next run");
    expect(runs[1]!.steps.map((s) => s.status)).toEqual(["applied", "applied", "applied"]);

    // The mark is gone: a later run after the cooldown would be judged on the ledger alone.
    const again = await reportOf(await app.post("alerts", alertFor("rdsh-lost")));
    expect(again.guard).toBe("cooldown");
  });
});
