import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AzureSimulator } from "../../../local/simulator";
import { vmId, WORKSPACE } from "./fixtures";
import { rawRequest, startHarness } from "./harness";

describe("simulator: Log Analytics query API through the real LogsQueryClient", () => {
  let sim: AzureSimulator;
  let logs: LogsQueryClient;
  const now = new Date("2024-05-01T12:00:00.000Z");
  beforeAll(async () => {
    ({ sim } = await startHarness({ clock: () => now }));
    logs = new LogsQueryClient(sim.tokenCredential, { endpoint: sim.logsEndpoint, tlsOptions: { ca: sim.caCertPem }, retryOptions: { maxRetries: 0 } });
  });
  afterAll(async () => sim.stop());

  function rowsOf(result: Awaited<ReturnType<LogsQueryClient["queryWorkspace"]>>): unknown[][] {
    if (result.status !== LogsQueryResultStatus.Success) throw new Error(`query status ${result.status}`);
    return result.tables[0]?.rows ?? [];
  }

  it("returns Event rows of the workspace's VMs, filtered and projected as the query says", async () => {
    const result = await logs.queryWorkspace(
      WORKSPACE,
      "Event | where EventID in (1128, 1069) | project TimeGenerated, Computer, EventLog, EventID, Source, RenderedDescription, _ResourceId",
      { duration: "P1D" },
    );
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    if (result.status !== LogsQueryResultStatus.Success) return;
    const table = result.tables[0];
    expect(table?.name).toBe("PrimaryResult");
    expect(table?.columnDescriptors.map((c) => c.name)).toEqual(["TimeGenerated", "Computer", "EventLog", "EventID", "Source", "RenderedDescription", "_ResourceId"]);
    expect(table?.columnDescriptors.map((c) => c.type)).toEqual(["datetime", "string", "string", "int", "string", "string", "string"]);
    expect(table?.rows).toEqual([
      [new Date("2024-05-01T10:00:00.000Z"), "VM1", "System", 1128, "Microsoft-Windows-TerminalServices-RemoteConnectionManager", "The RD Licensing grace period has expired.", vmId("vm1").toLowerCase()],
      [new Date("2024-05-01T11:00:00.000Z"), "VM1", "System", 1069, "Microsoft-Windows-TerminalServices-RemoteConnectionManager", "The RD license server could not be found.", vmId("vm1").toLowerCase()],
    ]);
  });

  it("filters by the request timespan (duration ending now, and explicit interval)", async () => {
    const ids = "Event | project EventID";
    const lastTwoHours = rowsOf(await logs.queryWorkspace(WORKSPACE, ids, { duration: "PT2H" }));
    expect(lastTwoHours.map((r) => r[0])).toEqual([1128, 1069]);
    const lastHour = rowsOf(await logs.queryWorkspace(WORKSPACE, ids, { duration: "PT1H30M" }));
    expect(lastHour.map((r) => r[0])).toEqual([1069]);
    const interval = rowsOf(
      await logs.queryWorkspace(WORKSPACE, ids, { startTime: new Date("2024-05-01T08:00:00Z"), endTime: new Date("2024-05-01T10:30:00Z") }),
    );
    expect(interval.map((r) => r[0])).toEqual([1130, 1128]);
  });

  it("runs summarize count() by with Kusto's own result names and types", async () => {
    const result = await logs.queryWorkspace(
      WORKSPACE,
      "Event | where TimeGenerated > ago(1d) | summarize count(), Last = max(TimeGenerated) by Computer, EventID | order by EventID asc",
      { duration: "P1D" },
    );
    if (result.status !== LogsQueryResultStatus.Success) throw new Error("partial");
    expect(result.tables[0]?.columnDescriptors.map((c) => `${c.name}:${c.type}`)).toEqual(["Computer:string", "EventID:int", "count_:long", "Last:datetime"]);
    expect(result.tables[0]?.rows).toEqual([
      ["VM1", 1069, 1, new Date("2024-05-01T11:00:00.000Z")],
      ["VM1", 1128, 1, new Date("2024-05-01T10:00:00.000Z")],
      ["VM2", 1130, 1, new Date("2024-05-01T09:00:00.000Z")],
    ]);
  });

  it("answers a query that does not bind with 400, as Log Analytics words it", async () => {
    const token = (await sim.tokenCredential.getToken("https://api.loganalytics.io/.default")).token;
    const raw = await rawRequest(sim, "POST", `/v1/workspaces/${WORKSPACE}/query`, { token, body: { query: "Event\n| where Foo == 1" } });
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({
      error: {
        message: "The request had some invalid properties",
        code: "BadArgumentError",
        correlationId: expect.any(String),
        innererror: {
          code: "SemanticError",
          message: "A semantic error occurred.",
          innererror: { code: "SEM0100", message: "The name 'Foo' does not refer to any known column, table, variable or function.", line: 2, pos: 9 },
        },
      },
    });
    const syntax = await rawRequest(sim, "POST", `/v1/workspaces/${WORKSPACE}/query`, { token, body: { query: "Event | where" } });
    expect(syntax.body).toMatchObject({ error: { code: "BadArgumentError", innererror: { code: "SyntaxError", innererror: { code: "SYN0002" } } } });
    await expect(logs.queryWorkspace(WORKSPACE, "Event | where EventID == ", { duration: "P1D" })).rejects.toMatchObject({ statusCode: 400, code: "BadArgumentError" });
  });

  it("says so (501) for a query that binds but that it does not run", async () => {
    await expect(logs.queryWorkspace(WORKSPACE, "Event | join (Event) on Computer", { duration: "P1D" })).rejects.toMatchObject({
      statusCode: 501,
      code: "NotImplementedInSimulator",
    });
  });

  it("answers a resource-centric query sent as /v1//subscriptions/...", async () => {
    const result = await logs.queryResource(vmId("vm2"), "Event | where EventID == 1130 | project Computer, EventID", { duration: "P1D" });
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    if (result.status !== LogsQueryResultStatus.Success) return;
    expect(result.tables[0]?.rows).toEqual([["VM2", 1130]]);
    const entry = sim.requestLog.byOperation("logs.queryResource").at(-1);
    expect(entry).toMatchObject({ category: "logs", status: 200, path: `/v1${vmId("vm2").toLowerCase()}/query` });
    const token = (await sim.tokenCredential.getToken("https://api.loganalytics.io/.default")).token;
    const raw = await rawRequest(sim, "POST", `/v1/${vmId("vm2")}/query`, { token, body: { query: "Event", timespan: "P1D" } });
    expect(raw.status).toBe(200);
    expect((raw.body as { tables: { rows: unknown[][] }[] }).tables[0]?.rows).toHaveLength(1);
  });

  it("answers 404 for an unknown workspace and 400 for a query on another table", async () => {
    await expect(logs.queryWorkspace("00000000-0000-4000-8000-000000000000", "Event", { duration: "P1D" })).rejects.toMatchObject({
      statusCode: 404,
      code: "WorkspaceNotFoundError",
    });
    await expect(logs.queryWorkspace(WORKSPACE, "Heartbeat | take 1", { duration: "P1D" })).rejects.toMatchObject({ statusCode: 400, code: "BadArgumentError" });
  });

  it("refuses a token issued for ARM (wrong audience)", async () => {
    const wrong = new LogsQueryClient(sim.tokenCredential, {
      endpoint: sim.logsEndpoint,
      tlsOptions: { ca: sim.caCertPem },
      credentials: { scopes: ["https://management.azure.com/.default"] },
      retryOptions: { maxRetries: 0 },
    });
    await expect(wrong.queryWorkspace(WORKSPACE, "Event", { duration: "P1D" })).rejects.toMatchObject({
      statusCode: 401,
      code: "InvalidAuthenticationTokenAudience",
    });
  });
});
