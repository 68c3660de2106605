import { functionRegistry } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { OrchestrationContext } from "durable-functions";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { EventType, type HistoryEvent } from "../../../local/durable/history";
import { LocalDurableHost } from "../../../local/durable/host";
import type { LogEntry } from "../../../local/durable/invoker";
import { readVersioning, versionVerdict, versioningFrom } from "../../../local/durable/versioning";
import { childVersion, compareOrchestrationVersions } from "../../../src/orchestrations/orchestration-version";

df.app.activity("Step", { handler: (label: string) => label });

// Reports the version the instance sees, after an event (so a redeploy can come in between).
df.app.orchestration("Versioned", function* (context: OrchestrationContext) {
  yield context.df.callActivity("Step", "before");
  yield context.df.waitForExternalEvent("Go");
  yield context.df.callActivity("Step", "after");
  return context.df.version;
});

df.app.orchestration("Child", function* (context: OrchestrationContext) {
  return context.df.version;
});

df.app.orchestration("Parent", function* (context: OrchestrationContext) {
  yield context.df.waitForExternalEvent("Go");
  const inherited: string = yield context.df.callSubOrchestrator("Child", null, `${context.df.instanceId}:a`, childVersion(context));
  const defaulted: string = yield context.df.callSubOrchestrator("Child", null, `${context.df.instanceId}:b`);
  return { own: context.df.version, inherited, defaulted };
});

df.app.orchestration("Eternal", function* (context: OrchestrationContext) {
  const round = context.df.getInput<number>();
  yield context.df.waitForExternalEvent("Go");
  if (round < 2) {
    context.df.continueAsNew(round + 1);
    return undefined;
  }
  return { round, version: context.df.version };
});

df.app.client.http("StartVersioned", {
  route: "versioned/{id}",
  methods: ["POST"],
  handler: async (request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> => {
    const version = request.query.get("version") ?? undefined;
    const id = await client.startNew("Versioned", { instanceId: request.params.id as string, ...(version ? { version } : {}) });
    return { status: 202, jsonBody: { id } };
  },
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A function app directory whose host.json has these `extensions.durableTask` keys. */
function appDir(durableTask: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "rdp-medic-app-"));
  dirs.push(dir);
  writeFileSync(join(dir, "host.json"), JSON.stringify({ version: "2.0", extensions: { durableTask: { hubName: "Hub", ...durableTask } } }));
  return dir;
}

let host: LocalDurableHost | undefined;
const logs: LogEntry[] = [];
afterEach(async () => {
  await host?.close();
  host = undefined;
  logs.length = 0;
});

async function start(durableTask: Record<string, unknown>): Promise<LocalDurableHost> {
  host = await LocalDurableHost.start({ registry: functionRegistry, appDirectory: appDir(durableTask), log: (e) => logs.push(e) });
  return host;
}

function scheduled(history: readonly HistoryEvent[] | undefined): string[] {
  return (history ?? []).filter((e) => e.EventType === EventType.TaskScheduled).map((e) => (e as { Name: string }).Name);
}

describe("host.json versioning keys", () => {
  it("the project's own host.json sets defaultVersion, and a host started in the app directory starts instances at it", async () => {
    const hostJson = JSON.parse(readFileSync(join(process.cwd(), "host.json"), "utf8")) as { extensions: { durableTask: Record<string, unknown> } };
    const declared = hostJson.extensions.durableTask.defaultVersion;
    expect(declared).toMatch(/^\d+\.\d+$/);
    host = await LocalDurableHost.start({ registry: functionRegistry });
    const id = host.startNew("Versioned");
    await host.runUntilIdle();
    host.raiseEvent(id, "Go");
    await host.runUntilIdle();
    expect(host.getStatus(id)).toMatchObject({ version: declared, runtimeStatus: "Completed", output: declared });
  });

  it("reads the keys case-insensitively and the strategies by name in any case, as the extension binds them", () => {
    expect(versioningFrom({ Extensions: { DurableTask: { DefaultVersion: "3.1", VERSIONMATCHSTRATEGY: "strict", versionFailureStrategy: "FAIL" } } })).toEqual({
      defaultVersion: "3.1",
      matchStrategy: "Strict",
      failureStrategy: "Fail",
    });
  });

  it("without the keys (or without host.json) the extension's defaults apply: no version, CurrentOrOlder, Reject", () => {
    expect(versioningFrom({ extensions: { durableTask: { hubName: "x" } } })).toEqual({ defaultVersion: "", matchStrategy: "CurrentOrOlder", failureStrategy: "Reject" });
    const empty = mkdtempSync(join(tmpdir(), "rdp-medic-empty-"));
    dirs.push(empty);
    expect(readVersioning(empty, {})).toEqual({ defaultVersion: "", matchStrategy: "CurrentOrOlder", failureStrategy: "Reject" });
  });

  it("null counts as not set (as in host.json for the extension), and surrounding white space in a name is ignored", () => {
    expect(versioningFrom({ extensions: { durableTask: { defaultVersion: null, versionMatchStrategy: null, versionFailureStrategy: " fail " } } })).toEqual({
      defaultVersion: "",
      matchStrategy: "CurrentOrOlder",
      failureStrategy: "Fail",
    });
    expect(versioningFrom({ extensions: null })).toEqual({ defaultVersion: "", matchStrategy: "CurrentOrOlder", failureStrategy: "Reject" });
    expect(versioningFrom(null)).toEqual({ defaultVersion: "", matchStrategy: "CurrentOrOlder", failureStrategy: "Reject" });
  });

  it("a host.json that is not JSON stops the host, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "rdp-medic-bad-"));
    dirs.push(dir);
    writeFileSync(join(dir, "host.json"), "{ not json");
    expect(() => readVersioning(dir, {})).toThrow(`${join(dir, "host.json")} could not be read: `);
  });

  it("refuses values the extension cannot bind, naming the key and the allowed values", () => {
    expect(() => versioningFrom({ extensions: { durableTask: { versionMatchStrategy: 2 } } })).toThrow(
      "host.json: extensions.durableTask.versionMatchStrategy must be one of None, Strict, CurrentOrOlder, not 2.",
    );
    expect(() => versioningFrom({ extensions: { durableTask: { versionMatchStrategy: "Newest" } } })).toThrow(
      'host.json: extensions.durableTask.versionMatchStrategy must be one of None, Strict, CurrentOrOlder, not "Newest".',
    );
    expect(() => versioningFrom({ extensions: { durableTask: { versionFailureStrategy: "Retry" } } })).toThrow(/versionFailureStrategy must be one of Reject, Fail/);
    expect(() => versioningFrom({ extensions: { durableTask: { defaultVersion: 2 } } })).toThrow(/defaultVersion must be a string such as "1.0", not 2/);
  });

  it("an AzureFunctionsJobHost__extensions__durableTask__ app setting overrides host.json, as the Functions host overlays it", () => {
    const dir = appDir({ defaultVersion: "1.0" });
    expect(readVersioning(dir, { azurefunctionsjobhost__extensions__durabletask__defaultversion: "7.0" }).defaultVersion).toBe("7.0");
    expect(readVersioning(dir, {}).defaultVersion).toBe("1.0");
  });
});

describe("what a worker does with an instance of a version", () => {
  const worker = (matchStrategy: "None" | "Strict" | "CurrentOrOlder", failureStrategy: "Reject" | "Fail" = "Reject") => ({ defaultVersion: "2.0", matchStrategy, failureStrategy });
  it.each([
    ["None", "9.0", "run"],
    ["None", "", "run"],
    ["Strict", "2.0", "run"],
    ["Strict", "1.0", "reject"],
    ["Strict", "2.00", "reject"],
    ["Strict", "3.0", "reject"],
    ["CurrentOrOlder", "", "run"],
    ["CurrentOrOlder", "1.0", "run"],
    ["CurrentOrOlder", "2.0", "run"],
    ["CurrentOrOlder", "2.0.0", "reject"],
    ["CurrentOrOlder", "10.0", "reject"],
  ] as const)("%s meets %j: %s", (strategy, version, verdict) => {
    expect(versionVerdict(worker(strategy), version)).toBe(verdict);
  });

  it("Fail turns every mismatch into a failure, and leaves matches alone", () => {
    expect(versionVerdict(worker("CurrentOrOlder", "Fail"), "3.0")).toBe("fail");
    expect(versionVerdict(worker("Strict", "Fail"), "1.0")).toBe("fail");
    expect(versionVerdict(worker("CurrentOrOlder", "Fail"), "1.0")).toBe("run");
  });
});

describe("an instance's version", () => {
  it("is host.json's defaultVersion when started, or the version the client asks for, and the status API shows it", async () => {
    const h = await start({ defaultVersion: "2.0" });
    await h.invokeHttp("StartVersioned", { method: "POST", params: { id: "plain" } });
    await h.invokeHttp("StartVersioned", { method: "POST", params: { id: "pinned" }, query: { version: "1.5" } });
    await h.runUntilIdle();
    h.raiseEvent("plain", "Go");
    h.raiseEvent("pinned", "Go");
    await h.runUntilIdle();
    expect(h.getStatus("plain")).toMatchObject({ version: "2.0", output: "2.0" });
    expect(h.getStatus("pinned")).toMatchObject({ version: "1.5", output: "1.5" });
    const started = h.history("pinned").find((e) => e.EventType === EventType.ExecutionStarted);
    expect(started).toMatchObject({ Version: "1.5" });

    const wire = (await fetch(`${h.origin}/runtime/webhooks/durabletask/instances/pinned?code=${h.api.systemKey}`).then((r) => r.json())) as Record<string, unknown>;
    expect(wire.version).toBe("1.5");
  });

  it("is omitted from the status API when the instance has none", async () => {
    const h = await start({});
    const id = h.startNew("Versioned");
    await h.runUntilIdle();
    const wire = (await fetch(`${h.origin}/runtime/webhooks/durabletask/instances/${id}?code=${h.api.systemKey}`).then((r) => r.json())) as Record<string, unknown>;
    expect(wire).not.toHaveProperty("version");
    expect(h.getStatus(id)?.version).toBe("");
  });

  it("stays with the instance through a redeploy with a new defaultVersion and through continue-as-new", async () => {
    const h = await start({ defaultVersion: "1.0" });
    const id = h.startNew("Eternal", { input: 0 });
    await h.runUntilIdle();
    h.deploy(functionRegistry, { appDirectory: appDir({ defaultVersion: "2.0" }) });
    for (let i = 0; i < 3; i++) {
      h.raiseEvent(id, "Go");
      await h.runUntilIdle();
    }
    expect(h.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", version: "1.0", output: { round: 2, version: "1.0" } });
    expect(h.getStatus(id)?.stats.executions).toBe(3);
  });

  it("a sub-orchestration gets the version its parent passes (childVersion), else the running deployment's defaultVersion", async () => {
    const h = await start({ defaultVersion: "1.0" });
    const id = h.startNew("Parent");
    await h.runUntilIdle();
    h.deploy(functionRegistry, { appDirectory: appDir({ defaultVersion: "2.0" }) });
    h.raiseEvent(id, "Go");
    await h.runUntilIdle();
    expect(h.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: { own: "1.0", inherited: "1.0", defaulted: "2.0" } });
    expect(h.getStatus(`${id}:a`)?.version).toBe("1.0");
    const created = h.history(id).filter((e) => e.EventType === EventType.SubOrchestrationInstanceCreated);
    expect(created.map((e) => (e as { Version: string }).Version)).toEqual(["1.0", "2.0"]);
  });
});

describe("a worker meets an instance of another version", () => {
  it("CurrentOrOlder runs older instances on newer code", async () => {
    const h = await start({ defaultVersion: "1.0" });
    const id = h.startNew("Versioned");
    await h.runUntilIdle();
    h.deploy(functionRegistry, { appDirectory: appDir({ defaultVersion: "2.0", versionMatchStrategy: "CurrentOrOlder" }) });
    h.raiseEvent(id, "Go");
    await h.runUntilIdle();
    expect(h.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", version: "1.0" });
  });

  it("CurrentOrOlder + Reject: a rolled-back worker leaves newer instances untouched and queued until the newer code is back", async () => {
    const h = await start({ defaultVersion: "2.0" });
    const id = h.startNew("Versioned");
    await h.runUntilIdle();
    const before = h.history(id);
    expect(scheduled(before)).toEqual(["Step"]);

    h.deploy(functionRegistry, { appDirectory: appDir({ defaultVersion: "1.0" }) });
    h.raiseEvent(id, "Go");
    await h.runUntilIdle();
    expect(h.getStatus(id)).toMatchObject({ runtimeStatus: "Running", version: "2.0" });
    expect(h.history(id)).toEqual(before);
    expect(h.instance(id)?.inbox.map((m) => m.event.EventType)).toEqual([EventType.EventRaised]);
    expect(h.getStatus(id)?.stats.rejectedWorkItems).toBe(1);
    expect(logs.some((l) => l.level === "warning" && l.message.includes("has version '2.0'; this worker's defaultVersion is '1.0'"))).toBe(true);

    // A newer instance started explicitly on the old worker is not started either.
    const early = h.startNew("Versioned", { version: "3.0" });
    await h.runUntilIdle();
    expect(h.getStatus(early)).toMatchObject({ runtimeStatus: "Pending", version: "3.0" });

    h.deploy(functionRegistry, { appDirectory: appDir({ defaultVersion: "2.0" }) });
    await h.runUntilIdle();
    expect(h.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: "2.0" });
    expect(h.getStatus(early)?.runtimeStatus).toBe("Pending");
  });

  it("Strict + Reject: a newer worker does not run older instances; they wait for a worker of their own version", async () => {
    const h = await start({ defaultVersion: "1.0" });
    const id = h.startNew("Versioned");
    await h.runUntilIdle();
    h.deploy(functionRegistry, { appDirectory: appDir({ defaultVersion: "2.0", versionMatchStrategy: "Strict" }) });
    h.raiseEvent(id, "Go");
    await h.runUntilIdle();
    expect(h.getStatus(id)?.runtimeStatus).toBe("Running");
    expect(scheduled(h.history(id))).toEqual(["Step"]);

    h.deploy(functionRegistry, { appDirectory: appDir({ defaultVersion: "1.0", versionMatchStrategy: "Strict" }) });
    await h.runUntilIdle();
    expect(h.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: "1.0" });
  });

  it("Fail: the instance fails with VersionMismatch without its orchestrator running", async () => {
    const h = await start({ defaultVersion: "2.0" });
    const id = h.startNew("Versioned");
    await h.runUntilIdle();
    h.deploy(functionRegistry, { appDirectory: appDir({ defaultVersion: "1.0", versionFailureStrategy: "Fail" }) });
    h.raiseEvent(id, "Go");
    await h.runUntilIdle();
    const status = h.getStatus(id, { showHistory: true });
    expect(status).toMatchObject({ runtimeStatus: "Failed", output: "Orchestration version did not comply with Worker Versioning" });
    expect(scheduled(status?.history)).toEqual(["Step"]);
    const completed = status?.history?.find((e) => e.EventType === EventType.ExecutionCompleted) as { OrchestrationStatus: string; Details: string };
    expect(completed.OrchestrationStatus).toBe("Failed");
    expect(completed.Details).toMatch(/^VersionMismatch: /);
  });

  it("None: any worker runs any instance (version checks off)", async () => {
    const h = await start({ defaultVersion: "2.0" });
    const id = h.startNew("Versioned");
    await h.runUntilIdle();
    h.deploy(functionRegistry, { appDirectory: appDir({ defaultVersion: "1.0", versionMatchStrategy: "None", versionFailureStrategy: "Fail" }) });
    h.raiseEvent(id, "Go");
    await h.runUntilIdle();
    expect(h.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: "2.0" });
  });
});

describe("the project's host.json is the one place the orchestration version is set", () => {
  const root = process.cwd();
  const hostJson = JSON.parse(readFileSync(join(root, "host.json"), "utf8")) as {
    extensions: { durableTask: Record<string, unknown> };
    extensionBundle: { id: string; version: string };
  };
  const durableTask = hostJson.extensions.durableTask;

  it("declares a major.minor defaultVersion, so that the next versions compare newer as numbers (\"10.0\" after \"9.0\")", () => {
    const version = durableTask.defaultVersion as string;
    expect(version).toMatch(/^\d+\.\d+$/);
    const [major] = version.split(".").map(Number) as [number];
    expect(compareOrchestrationVersions(`${major + 1}.0`, version)).toBe(1);
    expect(compareOrchestrationVersions(`${major + 10}.0`, `${major + 9}.0`)).toBe(1);
    // The extension takes the value literally: a %SETTING% would become the version itself.
    expect(version).not.toContain("%");
  });

  it("states the strategies it relies on: CurrentOrOlder with Reject (old instances run on new code; newer ones wait, never fail)", () => {
    expect(durableTask.versionMatchStrategy).toBe("CurrentOrOlder");
    expect(durableTask.versionFailureStrategy).toBe("Reject");
  });

  it("asks for an extension bundle whose Durable extension supports versioning for JavaScript apps (4.30.0 or later, before 5)", () => {
    expect(hostJson.extensionBundle.id).toBe("Microsoft.Azure.Functions.ExtensionBundle");
    const range = /^\[(\d+)\.(\d+)\.(\d+), 5\.0\.0\)$/.exec(hostJson.extensionBundle.version);
    expect(range, hostJson.extensionBundle.version).not.toBeNull();
    expect(compareOrchestrationVersions(range!.slice(1).join("."), "4.30.0")).toBeGreaterThanOrEqual(0);
  });

  it("no app setting overrides it (AzureFunctionsJobHost__extensions__durableTask__<versioning key> would win over host.json)", () => {
    const files = [
      "local.settings.sample.json",
      ...readdirSync(join(root, "infra"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".bicep") || f.endsWith(".bicepparam") || f.endsWith(".json"))
        .map((f) => join("infra", f)),
    ];
    expect(files.some((f) => f.endsWith("function-app.bicep"))).toBe(true);
    // The storage provider may be chosen there (the Durable Task Scheduler backend); the version keys may not.
    const versionOverride = /AzureFunctionsJobHost__extensions__durableTask__(defaultVersion|versionMatchStrategy|versionFailureStrategy)/i;
    const overriding = files.filter((f) => versionOverride.test(readFileSync(join(root, f), "utf8")));
    expect(overriding).toEqual([]);
  });
});
