import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getRegValue, KEYS } from "../../local/guest/guest-registry";
import { loadPreset, type PresetName } from "../../local/guest/presets";
import type { OfflineApp } from "../../local/offline/offline-app";
import type { RunReport } from "../../src/domain/run";
import type { RunRecord } from "../../src/domain/run-record";
import { alertFor, requestsFor, runIdOf, settle, startScenario, vmId } from "./harness";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// Session hosts whose licensing works, written differently from LICENSE_SERVERS=ls01.contoso.com / per user, and
// broken hosts with users signed in. Default settings: RESTART_WITH_USERS=approve, SWEEP_POLICY=report.
const WORKING: PresetName[] = [
  "healthy-by-ip",
  "healthy-short-name",
  "self-licensed-localhost",
  "licensing-role-local",
  "mode-per-device",
  "extra-dead-server",
  "other-working-server",
  "users-signed-in",
  "status-access-denied",
];
const WITH_USERS: PresetName[] = ["users-signed-in-broken", "sessions-unreadable"];

let app: OfflineApp;
let hook: WebhookReceiver;

beforeAll(async () => {
  hook = await startWebhookReceiver();
  app = await startScenario([...WORKING, ...WITH_USERS].map((preset) => ({ name: preset, preset })), { NOTIFY_WEBHOOK_URL: hook.url });
});
afterAll(async () => {
  await app?.stop();
  await hook?.close();
});

/** What a run did to the VM beyond reading it and snapshotting its disk: Run Commands other than the probe, restarts. */
function changes(name: string) {
  return requestsFor(app.sim.requestLog.entries(), vmId(name)).filter(
    (e) => e.stateChanging && e.operation !== "snapshot.put" && !(e.operation === "vm.runCommand" && e.script === "probe"),
  );
}

describe("fix what is broken, report what merely differs (alert runs)", () => {
  it.each(WORKING)("%s: licensing works, so no change and no restart", async (name) => {
    const runId = runIdOf(await app.post("alerts", alertFor(name)));
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(["healthy", "drift"], report.reason).toContain(report.verdict);
    expect(report.steps).toEqual([]);
    expect(changes(name)).toEqual([]);
    const guest = app.sim.getGuest(vmId(name))!;
    const original = loadPreset(name);
    for (const [key, value] of [[KEYS.licensingCore, "LicensingMode"], [KEYS.licenseServers, "SpecifiedLicenseServers"]] as const) {
      expect(getRegValue(guest, key, value)).toEqual(getRegValue(original, key, value));
    }
    if (report.verdict === "drift") {
      expect(report.reason).toMatch(/^RD licensing works; it differs from the policy, which is reported and not changed/);
      expect(report.causes.some((c) => c.effect === "drift")).toBe(true);
      expect(report.causes.some((c) => c.effect === "breaks")).toBe(false);
    }
  });

  it("the same spelling differences are named as the same machines", async () => {
    const runId = runIdOf(await app.post("remediations", { vmId: vmId("healthy-by-ip") }));
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict).toBe("drift");
    expect(report.causes.map((c) => c.code)).toContain("server-named-differently");
  });
});

describe("a restart is a decision: users signed in", () => {
  it("a broken host with users on waits for approval, the notification says how many, nothing changes before", async () => {
    const before = hook.received.length;
    const runId = runIdOf(await app.post("alerts", alertFor("users-signed-in-broken")));
    await settle(app);
    expect(app.host.getStatus(runId)?.runtimeStatus).toBe("Running");
    expect(changes("users-signed-in-broken")).toEqual([]);
    const asked = hook.received.slice(before).find((n) => n.reason === "approval-needed" && n.vmId === vmId("users-signed-in-broken"));
    const question = "Restarting VM-RDSH01 with 4 users (3 active, 1 disconnected) signed in needs approval";
    expect(asked?.text).toBe(question);
    expect(asked?.approvals).toEqual([{ kind: "restart-with-users", detail: question }]);
    expect(asked?.facts).toContainEqual({ name: "Approval for", value: question });

    const approver = app.callers.approver;
    const approved = await app.post(`remediations/${runId}/approve`, { comment: "users were warned" });
    expect(approved.status, approved.body).toBe(202);
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict, report.reason).toBe("remediated");
    expect(report.restart).toMatchObject({ mode: "approve", users: { active: 3, disconnected: 1 } });
    expect(report.approvals).toEqual([{ kind: "restart-with-users", detail: question }]);
    expect(report.decisions).toEqual([{ decision: "approved", by: { id: approver.oid, name: approver.upn! }, at: expect.any(String), comment: "users were warned" }]);
    expect(changes("users-signed-in-broken").some((e) => e.operation === "vm.restart")).toBe(true);

    // The team is told who approved what: the restart with the user count, and the approver from the token.
    const decided = hook.received.slice(before).find((n) => n.reason === "decided" && n.runId === runId);
    expect(decided?.approvals).toEqual([{ kind: "restart-with-users", detail: question }]);
    expect(decided?.decisions).toEqual(report.decisions);
    expect(decided?.facts).toContainEqual({ name: "Approval for", value: question });
    expect((decided?.facts as Array<{ name: string; value: string }>).find((f) => f.name === "Approved by")?.value).toMatch(new RegExp(`^${approver.upn!.replace(/[.]/g, "\\.")} at .+: users were warned$`));
    // ... and the ledger keeps both.
    const record = ((await app.get(`remediations?vm=${encodeURIComponent(vmId("users-signed-in-broken"))}`)).json as { runs: RunRecord[] }).runs[0]!;
    expect(record.approvals).toEqual([{ kind: "restart-with-users", detail: question }]);
    expect(record.decisions?.[0]?.by).toEqual({ id: approver.oid, name: approver.upn! });
  });

  it("users that cannot be counted count as users: approval, and rejection changes nothing", async () => {
    const runId = runIdOf(await app.post("alerts", alertFor("sessions-unreadable")));
    await settle(app);
    expect(app.host.getStatus(runId)?.runtimeStatus).toBe("Running");
    expect((await app.post(`remediations/${runId}/reject`, {})).status).toBe(202);
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict).toBe("rejected");
    expect(report.restart).toMatchObject({ mode: "approve", users: null });
    expect(changes("sessions-unreadable")).toEqual([]);
  });
});
