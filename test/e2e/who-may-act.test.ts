/**
 * People act as themselves, one credential per purpose (design rules 7 and 8), through the real app: tokens from
 * the offline Entra stand-in (signed with node:crypto, served as a key set on loopback) validated by the app with
 * jose; every route in the app's own registration list; approvals that name the approver from the token; four
 * eyes; who decided, when and why in the report, the ledger and the notification.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { person, type TwinIdentity } from "../../local/offline/entra-twin";
import { startOfflineApp, type OfflineApp } from "../../local/offline/offline-app";
import { resolveScenario } from "../../local/offline/scenario-file";
import { instanceIdForVm, parseVmId } from "../../src/domain/resource-id";
import type { RunReport } from "../../src/domain/run";
import type { RunRecord } from "../../src/domain/run-record";
import { featureState } from "../../local/guest/guest-registry";
import { alertFor, e2eGuest, presetVm, requestsFor, runIdOf, settle, SUB, vmId } from "./harness";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

let app: OfflineApp;
let hook: WebhookReceiver;
const logs: string[] = [];

/** Olivia may start runs and approve (both roles); Avery approves only; Oscar operates only. */
const olivia = person("olivia@contoso.com", ["Operator", "Approver"]);
const avery = person("avery@contoso.com", ["Approver"]);
const oscar = person("oscar@contoso.com", ["Operator"]);

beforeAll(async () => {
  hook = await startWebhookReceiver();
  const vm = presetVm;
  app = await startOfflineApp({
    scenario: resolveScenario({ vms: [vm("rdsh-manual", "no-cals-visible"), vm("rdsh-rej", "no-cals-visible"), vm("rdsh-can", "no-cals-visible"), vm("rdsh-log", "healthy")] }, new Date()),
    guest: e2eGuest(),
    settings: { ALLOWED_SCOPES: `/subscriptions/${SUB}`, NO_CALS_ACTION: "remove-rdsh-role", NOTIFY_WEBHOOK_URL: hook.url, SWEEP_POLICY: "remediate" },
    log: (line) => void logs.push(line),
  });
});
afterAll(async () => {
  await app?.stop();
  await hook?.close();
});

const GHOST_RUN = "rdpmedic-ghost-0123456789abcdef";
const GHOST_SWEEP = "sweep-20260101t020000z";

/** Every HTTP route the app registered, with its route values filled in. */
function everyRoute(): Array<{ name: string; method: string; path: string }> {
  return app.host.registry.byTrigger("httpTrigger").flatMap((r) => {
    const route = String(r.trigger.route).replace("{id}", String(r.trigger.route).startsWith("sweeps") ? GHOST_SWEEP : GHOST_RUN);
    return (r.trigger.methods as string[]).map((method) => ({ name: r.name, method: method.toUpperCase(), path: route }));
  });
}

function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  return app.host.invokeRoute(method, `${app.host.origin}/api/${path}?code=${app.functionKey}`, {
    headers: { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const code = (response: { json: unknown }) => (response.json as { error?: { code?: string } }).error?.code;

describe("deny by default, one credential per purpose", () => {
  it("every route in the registration list refuses the function key alone: 401 with a Bearer challenge", async () => {
    const routes = everyRoute();
    expect(routes.map((r) => r.name).sort()).toEqual(
      ["Alerts", "ApproveRemediation", "CancelRemediation", "GetRemediation", "GetSweep", "ListRemediations", "RejectRemediation", "StartRemediation", "StartSweep"].sort(),
    );
    for (const route of routes) {
      const response = await call(route.method, route.path, { "x-functions-key": app.functionKey }, route.method === "POST" ? {} : undefined);
      expect(response.status, `${route.method} ${route.path}`).toBe(401);
      expect(code(response)).toBe("token-missing");
      expect(response.headers["www-authenticate"]).toBe("Bearer");
    }
  });

  it("the action group's credential opens POST /api/alerts and nothing else; a person's token does not open alerts", async () => {
    for (const route of everyRoute().filter((r) => r.name !== "Alerts")) {
      const response = await call(route.method, route.path, app.credentialsFor(app.callers.actionGroup), route.method === "POST" ? {} : undefined);
      expect(response.status, `${route.method} ${route.path}`).toBe(403);
      expect(code(response)).toBe("token-role");
    }
    const asPerson = await app.post("alerts", alertFor("rdsh-log"), person("admin@contoso.com", ["Operator", "Approver"]));
    expect(asPerson.status).toBe(403);
  });

  it("a token for another audience, from another tenant, or expired is refused", async () => {
    const twin = app.entra!;
    const route = "remediations?limit=1";
    for (const overrides of [{ aud: "api://someone-else" }, { iss: "https://sts.windows.net/0a9b8c7d-6e5f-4a3b-8c1d-2e3f4a5b6c7d/" }, { exp: Math.floor(Date.now() / 1000) - 3600 }]) {
      const response = await call("GET", route, { authorization: `Bearer ${twin.token(olivia, overrides)}` });
      expect(response.status, JSON.stringify(overrides)).toBe(401);
    }
    expect((await app.get(route, olivia)).status).toBe(200);
  });
});

describe("a manual run that needs approval: who starts, who approves", () => {
  let runId: string;
  const id = vmId("rdsh-manual");

  it("Olivia starts it: the run names her, from her token", async () => {
    const started = await app.post("remediations", { vmId: id }, olivia);
    expect(started.status, started.body).toBe(202);
    runId = runIdOf(started);
    await settle(app);
    const status = await app.get(`remediations/${runId}`, oscar);
    const body = status.json as { step: string; trigger: { kind: string; by: { id: string; name: string } } };
    expect(body.step).toBe("awaiting-approval");
    expect(body.trigger).toEqual({ kind: "manual", by: { id: olivia.oid, name: "olivia@contoso.com" } });
  });

  it("the body cannot name the approver", async () => {
    const response = await app.post(`remediations/${runId}/approve`, { by: "ciso@contoso.com" }, avery);
    expect(response.status).toBe(400);
    expect(code(response)).toBe("unknown-field");
  });

  it("Olivia may not approve her own run (four eyes), though she holds Approver; Oscar holds no Approver role", async () => {
    const self = await app.post(`remediations/${runId}/approve`, { comment: "looks fine to me" }, olivia);
    expect(self.status).toBe(403);
    expect(code(self)).toBe("self-approval");
    const operator = await app.post(`remediations/${runId}/approve`, {}, oscar);
    expect(operator.status).toBe(403);
    expect(code(operator)).toBe("token-role");
  });

  it("an approval raised around the HTTP check in Olivia's name is ignored by the run itself", async () => {
    app.host.raiseEvent(runId, "approval", { approved: true, by: { id: olivia.oid, name: "olivia@contoso.com" }, at: new Date().toISOString() });
    await settle(app);
    expect(app.host.getStatus(runId)!.runtimeStatus).toBe("Running");
    expect(requestsFor(app.sim.requestLog.entries(), id).filter((e) => e.stateChanging && e.operation !== "snapshot.put")).toEqual([]);
  });

  it("Avery approves: the change is made, and who started and who approved, when and why, are in the report, the ledger and the notification", async () => {
    const approved = await app.post(`remediations/${runId}/approve`, { comment: "checked with the license team" }, avery);
    expect(approved.status, approved.body).toBe(202);
    expect(approved.json).toMatchObject({ decision: "approve", by: { id: avery.oid, name: "avery@contoso.com" } });
    await settle(app);
    const status = app.host.getStatus(runId)!;
    expect(status.runtimeStatus, JSON.stringify(status.customStatus)).toBe("Completed");
    const report = status.output as RunReport;
    expect(report.verdict, report.reason).toBe("remediated");
    expect(featureState(app.sim.getGuest(id)!, "RDS-RD-Server")).toBe("Available");
    const decision = { decision: "approved", by: { id: avery.oid, name: "avery@contoso.com" }, at: expect.any(String), comment: "checked with the license team" };
    expect(report.decisions).toEqual([decision]);
    expect(report.trigger).toEqual({ kind: "manual", by: { id: olivia.oid, name: "olivia@contoso.com" } });

    const listed = await app.get(`remediations?vm=${encodeURIComponent(id)}`, oscar);
    const record = (listed.json as { runs: RunRecord[] }).runs[0]!;
    expect(record.startedBy).toEqual({ id: olivia.oid, name: "olivia@contoso.com" });
    expect(record.decisions).toEqual([decision]);

    const told = hook.received.filter((n) => n.runId === runId && n.reason === "decided");
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ startedBy: { name: "olivia@contoso.com" }, decisions: [decision] });
    const facts = told[0]!.facts as Array<{ name: string; value: string }>;
    expect(facts).toContainEqual({ name: "Started by", value: "olivia@contoso.com" });
    expect(facts.find((f) => f.name === "Approved by")?.value).toMatch(/^avery@contoso\.com at .+: checked with the license team$/);
  });
});

describe("rejections and cancels name who did them", () => {
  async function waitingRun(name: string): Promise<string> {
    const runId = runIdOf(await app.post("alerts", alertFor(name)));
    await settle(app);
    expect(app.host.getStatus(runId)!.customStatus).toMatchObject({ step: "awaiting-approval" });
    return runId;
  }

  it("Avery rejects with a reason: the run ends rejected, naming her, and nothing changed", async () => {
    const runId = await waitingRun("rdsh-rej");
    expect((await app.post(`remediations/${runId}/reject`, { comment: "CALs are on order" }, avery)).status).toBe(202);
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict).toBe("rejected");
    expect(report.reason).toBe("rejected by avery@contoso.com: CALs are on order; nothing was changed");
    expect(report.decisions).toEqual([{ decision: "rejected", by: { id: avery.oid, name: "avery@contoso.com" }, at: expect.any(String), comment: "CALs are on order" }]);
    const record = ((await app.get(`remediations?vm=${encodeURIComponent(vmId("rdsh-rej"))}`)).json as { runs: RunRecord[] }).runs[0]!;
    expect(record.decisions?.[0]?.by.name).toBe("avery@contoso.com");
    expect(hook.received.find((n) => n.runId === runId && n.reason === "decided")).toBeDefined();
  });

  it("Oscar cancels: an Operator may, and the run says so", async () => {
    const runId = await waitingRun("rdsh-can");
    expect((await app.post(`remediations/${runId}/cancel`, { comment: "maintenance window moved" }, oscar)).status).toBe(202);
    await settle(app);
    const report = app.host.getStatus(runId)!.output as RunReport;
    expect(report.verdict).toBe("canceled");
    expect(report.reason).toContain("canceled by oscar@contoso.com: maintenance window moved");
    expect(report.decisions?.[0]).toMatchObject({ decision: "canceled", by: { id: oscar.oid } });
  });
});

describe("a run a sweep started: the person who started the sweep started the run", () => {
  it("Olivia starts a remediating sweep; she may not approve the runs it starts, Avery may", async () => {
    const started = await app.post("sweeps", {}, olivia);
    expect(started.status, started.body).toBe(202);
    await settle(app);
    const runId = instanceIdForVm(parseVmId(vmId("rdsh-rej")));
    const status = app.host.getStatus(runId)!;
    expect(status.runtimeStatus).toBe("Running");
    expect(status.customStatus).toMatchObject({ step: "awaiting-approval" });
    expect((status.input as { trigger: { kind: string } }).trigger.kind).toBe("sweep");

    const self = await app.post(`remediations/${runId}/approve`, {}, olivia);
    expect(self.status).toBe(403);
    expect(code(self)).toBe("self-approval");
    expect((await app.post(`remediations/${runId}/reject`, { comment: "not during the sweep" }, avery)).status).toBe(202);
    await settle(app);
    expect((app.host.getStatus(runId)!.output as RunReport).verdict).toBe("rejected");
  });
});

describe("log lines cannot be forged", () => {
  it("an alert rule name with CR/LF and bidi characters reaches the log as one line, its controls escaped", async () => {
    const alert = alertFor("rdsh-log") as { data: { essentials: Record<string, unknown> } };
    alert.data.essentials.alertRule = "rd-licensing\r\n[Error] run approved by ciso@contoso.com\u202etxt.exe";
    const response = await app.post("alerts", alert);
    expect(response.status).toBe(202);
    const line = logs.find((l) => l.includes("run approved by ciso"));
    expect(line).toBeDefined();
    const message = (JSON.parse(line!) as { message: string }).message;
    expect(message).not.toMatch(/[\r\n\u202e]/);
    expect(message).toContain("rd-licensing\\u000D\\u000A[Error] run approved by ciso@contoso.com\\u202Etxt.exe");
    await settle(app);
  });
});

/** Keeps the unused identity helper honest: every person used above is distinct. */
it("the three people are three identities", () => {
  const ids = new Set([olivia, avery, oscar].map((p: TwinIdentity) => p.oid));
  expect(ids.size).toBe(3);
});
