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

  it("returns Event rows of the workspace's VMs, filtered by a simple EventID list", async () => {
    const result = await logs.queryWorkspace(WORKSPACE, "Event | where EventID in (1128, 1069)", { duration: "P1D" });
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    if (result.status !== LogsQueryResultStatus.Success) return;
    const table = result.tables[0];
    expect(table?.name).toBe("PrimaryResult");
    expect(table?.columnDescriptors.map((c) => c.name)).toEqual(["TimeGenerated", "Computer", "EventLog", "EventID", "Source", "RenderedDescription", "_ResourceId"]);
    expect(table?.rows).toEqual([
      [new Date("2024-05-01T10:00:00.000Z"), "VM1", "System", 1128, "Microsoft-Windows-TerminalServices-RemoteConnectionManager", "The RD Licensing grace period has expired.", vmId("vm1").toLowerCase()],
      [new Date("2024-05-01T11:00:00.000Z"), "VM1", "System", 1069, "Microsoft-Windows-TerminalServices-RemoteConnectionManager", "The RD license server could not be found.", vmId("vm1").toLowerCase()],
    ]);
  });

  it("filters by the request timespan (duration ending now, and explicit interval)", async () => {
    const lastTwoHours = rowsOf(await logs.queryWorkspace(WORKSPACE, "Event", { duration: "PT2H" }));
    expect(lastTwoHours.map((r) => r[3])).toEqual([1128, 1069]);
    const lastHour = rowsOf(await logs.queryWorkspace(WORKSPACE, "Event", { duration: "PT1H30M" }));
    expect(lastHour.map((r) => r[3])).toEqual([1069]);
    const interval = rowsOf(
      await logs.queryWorkspace(WORKSPACE, "Event", { startTime: new Date("2024-05-01T08:00:00Z"), endTime: new Date("2024-05-01T10:30:00Z") }),
    );
    expect(interval.map((r) => r[3])).toEqual([1130, 1128]);
  });

  it("answers a resource-centric query sent as /v1//subscriptions/...", async () => {
    const result = await logs.queryResource(vmId("vm2"), "Event | where EventID == 1130", { duration: "P1D" });
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    if (result.status !== LogsQueryResultStatus.Success) return;
    expect(result.tables[0]?.rows.map((r) => [r[1], r[3]])).toEqual([["VM2", 1130]]);
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
