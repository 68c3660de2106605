import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReport } from "../../src/domain/run";
import { featureState } from "../../local/guest/guest-registry";
import type { OfflineApp } from "../../local/offline/offline-app";
import { alertFor, requestsFor, runIdOf, settle, startScenario, vmId } from "./harness";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

// Four session hosts whose license server has no CALs; the policy removes the RD Session Host role then (after
// approval). Three VMs of one server needing that fix within the window opens the breaker.
const NAMES = ["rdsh-a", "rdsh-b", "rdsh-c", "rdsh-d"];
let app: OfflineApp;
let hook: WebhookReceiver;

beforeAll(async () => {
  hook = await startWebhookReceiver();
  app = await startScenario(
    NAMES.map((name) => ({ name, preset: "no-cals-visible" })),
    { NO_CALS_ACTION: "remove-rdsh-role", BREAKER_THRESHOLD: "3", BREAKER_WINDOW_MINUTES: "120", NOTIFY_WEBHOOK_URL: hook.url },
    "model",
  );
});
afterAll(async () => {
  await app?.stop();
  await hook?.close();
});

async function runTo(name: string, approve: boolean): Promise<RunReport> {
  const runId = runIdOf(await app.post("alerts", alertFor(name)));
  await settle(app);
  if (approve && app.host.getStatus(runId)?.runtimeStatus === "Running") {
    expect((await app.post(`remediations/${runId}/approve`, { comment: "checked with the license team" })).status).toBe(202);
    await settle(app);
  }
  return app.host.getStatus(runId)!.output as RunReport;
}

describe("license-server circuit breaker and notifications", () => {
  it("two VMs are repaired after approval; an approval request reaches the webhook even when it answers 500", async () => {
    hook.status = 500;
    const a = await runTo("rdsh-a", true);
    hook.status = 200;
    const b = await runTo("rdsh-b", true);
    expect([a.verdict, b.verdict]).toEqual(["remediated", "remediated"]);
    expect(featureState(app.sim.getGuest(vmId("rdsh-a"))!, "RDS-RD-Server")).toBe("Available");
    const approvals = hook.received.filter((n) => n.reason === "approval-needed");
    expect(approvals.map((n) => n.vmId)).toEqual([vmId("rdsh-a"), vmId("rdsh-b")]);
  });

  it("the third VM of the same server stops at needs-human naming the server, without any change, and notifies once", async () => {
    const before = hook.received.length;
    const c = await runTo("rdsh-c", false);
    expect(c.verdict).toBe("needs-human");
    expect(c.guard).toBe("license-server-breaker");
    expect(c.reason).toMatch(/license server \S+ is the likely cause: 3 VMs/);
    expect(requestsFor(app.sim.requestLog.entries(), vmId("rdsh-c")).filter((e) => e.stateChanging && e.operation !== "snapshot.put")).toEqual([]);
    expect(featureState(app.sim.getGuest(vmId("rdsh-c"))!, "RDS-RD-Server")).toBe("Installed");
    const sent = hook.received.slice(before);
    expect(sent.map((n) => [n.reason, n.vmId])).toEqual([["needs-human", vmId("rdsh-c")]]);

    const d = await runTo("rdsh-d", false);
    expect(d.guard).toBe("license-server-breaker");
    expect(hook.received.length).toBe(before + 1); // already reported for this server: no second message
  });

  it("the breaker closes once the server answers (CALs added): VMs are then judged, and repaired, normally", async () => {
    for (const name of ["rdsh-c", "rdsh-d"]) {
      const guest = app.sim.getGuest(vmId(name))!;
      for (const server of Object.values(guest.licenseServers)) server.cals = 100;
      if (name === "rdsh-d") {
        guest.registry["HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core"] = {
          LicensingMode: { type: "REG_DWORD", value: 5 },
        };
      }
      app.sim.setGuest(vmId(name), guest);
    }
    const c = await runTo("rdsh-c", false);
    expect(c.guard).toBeUndefined();
    expect(c.verdict, c.reason).toBe("healthy");
    const d = await runTo("rdsh-d", false);
    expect(d.guard).toBeUndefined();
    expect(d.verdict, d.reason).toBe("remediated");
    expect(d.steps.map((s) => s.step.kind)).toEqual(["set-licensing-mode", "restart"]);
  });
});
