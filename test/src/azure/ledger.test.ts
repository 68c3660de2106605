import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestError } from "@azure/data-tables";
import { createEmulatorCredential, startAzurite, type AzuriteTable } from "../../../local/azurite";
import { createRunLedger } from "../../../src/azure/ledger";
import type { RunLedger, RunRecord, StepResult } from "../../../src/domain/run-record";
import { ConfigError, InputError, TransientAzureError } from "../../../src/errors";

let azurite: AzuriteTable;
let ledger: RunLedger;
const tableName = `ledger${randomBytes(6).toString("hex")}`;

beforeAll(async () => {
  azurite = await startAzurite();
  ledger = createRunLedger({
    tableEndpoint: azurite.tableEndpoint,
    tableName,
    credential: azurite.credential,
    tlsCaPem: azurite.caPem,
  });
  await ledger.ensureTable();
});

afterAll(async () => {
  await azurite?.stop();
});

/** A VM ID of its own for each test, so tests sharing the table don't see each other's runs. */
function vmId(name: string): string {
  const unique = randomBytes(3).toString("hex");
  return `/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/RG-Hosts/providers/Microsoft.Compute/virtualMachines/${name}-${unique}`;
}

function run(overrides: Partial<RunRecord> & Pick<RunRecord, "runId" | "vmId" | "startedAt">): RunRecord {
  return {
    trigger: { kind: "manual" },
    endedAt: new Date(Date.parse(overrides.startedAt) + 60_000).toISOString(),
    verdict: "remediated",
    causes: [],
    plan: [],
    steps: [],
    licenseServers: [],
    durationsMs: { total: 60_000 },
    ...overrides,
  };
}

const ids = (runs: RunRecord[]) => runs.map((r) => r.runId);

describe("run ledger on Azurite (bearer-token auth)", () => {
  it("stores a run with its steps and reads it back", async () => {
    const vm = vmId("VM-Read");
    const steps: StepResult[] = [
      {
        step: { kind: "set-licensing-mode", mode: 4 },
        status: "applied",
        startedAt: "2030-01-02T03:04:10.000Z",
        endedAt: "2030-01-02T03:04:20.000Z",
        before: { licensingMode: null },
        after: { licensingMode: 4 },
      },
      {
        step: { kind: "set-license-servers", servers: ["rdls01.contoso.com"] },
        status: "applied",
        before: { specifiedLicenseServers: ["old.contoso.com"] },
        after: { specifiedLicenseServers: ["rdls01.contoso.com"] },
      },
      { step: { kind: "restart" }, status: "failed", before: {}, after: {}, error: "agent not ready after 10 min" },
    ];
    const record = run({
      runId: "rdpmedic-vm-read-1",
      vmId: vm,
      trigger: { kind: "alert", alertId: "/subscriptions/x/providers/Microsoft.AlertsManagement/alerts/abc" },
      startedAt: "2030-01-02T03:04:05Z",
      endedAt: "2030-01-02T03:14:05.250Z",
      verdict: "failed-rolled-back",
      causes: [
        { code: "mode-not-configured", detail: "LicensingMode is not set." },
        { code: "license-server-wrong", detail: "SpecifiedLicenseServers names old.contoso.com (ライセンス サーバーがありません)." },
      ],
      plan: steps.map((s) => s.step),
      steps,
      humanActions: ["Check the VM agent."],
      snapshotId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/snapshots/rdpmedic-snap-1",
      licenseServers: ["RDLS01.contoso.com"],
      error: { code: "restart-timeout", message: "agent not ready" },
      durationsMs: { total: 600_250, snapshot: 30_000, probe: 12_000 },
    });

    const stored = await ledger.recordRun(record);
    expect(stored).toEqual({
      ...record,
      vmId: vm.toLowerCase(),
      startedAt: "2030-01-02T03:04:05.000Z",
      licenseServers: ["rdls01.contoso.com"],
    });
    expect(await ledger.getRun("rdpmedic-vm-read-1")).toEqual(stored);
    expect(await ledger.getRun("rdpmedic-never-recorded")).toBeUndefined();
  });

  it("really authenticates: Azurite refuses an expired token and a token for another audience", async () => {
    const expired = createRunLedger({
      tableEndpoint: azurite.tableEndpoint,
      tableName,
      credential: createEmulatorCredential({ lifetimeSeconds: -600 }),
      tlsCaPem: azurite.caPem,
    });
    const err = await expired.getRun("anything").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RestError);
    expect((err as RestError).statusCode).toBe(403);
    expect((err as RestError).message).toMatch(/expired/i);

    const good = createEmulatorCredential();
    const wrongAudience = createRunLedger({
      tableEndpoint: azurite.tableEndpoint,
      tableName,
      credential: { getToken: () => good.getToken("https://management.azure.com/.default") },
      tlsCaPem: azurite.caPem,
    });
    const err2 = await wrongAudience.getRun("anything").catch((e: unknown) => e);
    expect((err2 as RestError).statusCode).toBe(403);
    expect((err2 as RestError).message).toMatch(/audience/i);
  });

  it("does not trust the emulator's certificate unless told to", async () => {
    const untrusting = createRunLedger({ tableEndpoint: azurite.tableEndpoint, tableName, credential: azurite.credential });
    await expect(untrusting.getRun("anything")).rejects.toThrow(/self-signed|certificate/i);
  });

  it("ensureTable is idempotent", async () => {
    await expect(ledger.ensureTable()).resolves.toBeUndefined();
  });

  it("lists one VM's runs newest first, whatever the ID's case", async () => {
    const vm = vmId("VM-List");
    const other = vmId("VM-Other");
    await ledger.recordRun(run({ runId: "list-b", vmId: vm, startedAt: "2030-02-01T10:00:00Z" }));
    await ledger.recordRun(run({ runId: "list-a", vmId: vm, startedAt: "2030-01-15T10:00:00Z" }));
    await ledger.recordRun(run({ runId: "list-c", vmId: vm, startedAt: "2030-02-01T10:00:00.001Z" }));
    await ledger.recordRun(run({ runId: "list-other", vmId: other, startedAt: "2030-02-01T11:00:00Z" }));

    expect(ids(await ledger.listRuns({ vmId: vm.toUpperCase() }))).toEqual(["list-c", "list-b", "list-a"]);
    expect(ids(await ledger.listRuns({ vmId: `${vm}/` }))).toEqual(["list-c", "list-b", "list-a"]);
    expect(ids(await ledger.listRuns({ vmId: vm, limit: 2 }))).toEqual(["list-c", "list-b"]);
    expect(ids(await ledger.listRuns({ vmId: other }))).toEqual(["list-other"]);
  });

  it("filters by since (inclusive), until (exclusive) and verdict", async () => {
    const vm = vmId("VM-Window");
    await ledger.recordRun(run({ runId: "w1", vmId: vm, startedAt: "2030-03-01T00:00:00Z", verdict: "healthy" }));
    await ledger.recordRun(run({ runId: "w2", vmId: vm, startedAt: "2030-03-02T00:00:00Z", verdict: "failed" }));
    await ledger.recordRun(run({ runId: "w3", vmId: vm, startedAt: "2030-03-03T00:00:00Z", verdict: "remediated" }));

    expect(ids(await ledger.listRuns({ vmId: vm, since: "2030-03-02T00:00:00Z" }))).toEqual(["w3", "w2"]);
    expect(ids(await ledger.listRuns({ vmId: vm, until: "2030-03-02T00:00:00Z" }))).toEqual(["w1"]);
    expect(ids(await ledger.listRuns({ vmId: vm, since: new Date("2030-03-01T00:00:00Z"), until: "2030-03-03T00:00:00Z" }))).toEqual(["w2", "w1"]);
    expect(ids(await ledger.listRuns({ vmId: vm, since: "2030-03-02T00:00:00.001Z" }))).toEqual(["w3"]);
    expect(ids(await ledger.listRuns({ vmId: vm, verdicts: ["failed", "healthy"] }))).toEqual(["w2", "w1"]);
    expect(await ledger.listRuns({ vmId: vm, verdicts: [] })).toEqual([]);
    expect(ids(await ledger.recentRunsForVm(vm.toUpperCase(), "2030-03-02T12:00:00Z"))).toEqual(["w3"]);
  });

  it("lists the fleet's runs newest first across VMs and months", async () => {
    // A year of its own, so other tests' runs stay out of the window.
    const [a, b, c] = [vmId("VM-Fleet-A"), vmId("VM-Fleet-B"), vmId("VM-Fleet-C")];
    await ledger.recordRun(run({ runId: "f-jan", vmId: a, startedAt: "2041-01-31T23:59:59.999Z" }));
    await ledger.recordRun(run({ runId: "f-feb", vmId: b, startedAt: "2041-02-01T00:00:00Z", verdict: "failed" }));
    await ledger.recordRun(run({ runId: "f-dec", vmId: c, startedAt: "2041-12-31T12:00:00Z" }));
    await ledger.recordRun(run({ runId: "f-nov", vmId: a, startedAt: "2041-11-05T12:00:00Z", verdict: "needs-human" }));
    await ledger.recordRun(run({ runId: "f-next-year", vmId: b, startedAt: "2042-01-01T00:00:00Z" }));

    const year = { since: "2041-01-01T00:00:00Z", until: "2042-01-01T00:00:00Z" };
    expect(ids(await ledger.listRuns(year))).toEqual(["f-dec", "f-nov", "f-feb", "f-jan"]);
    expect(ids(await ledger.listRuns({ ...year, limit: 2 }))).toEqual(["f-dec", "f-nov"]);
    expect(ids(await ledger.listRuns({ ...year, verdicts: ["failed", "needs-human"] }))).toEqual(["f-nov", "f-feb"]);
    expect(ids(await ledger.listRuns({ since: "2041-02-01T00:00:00Z", until: "2041-11-05T12:00:00Z" }))).toEqual(["f-feb"]);
  });

  it("finds recent runs by license server, case-insensitively, and only while the run still names it", async () => {
    const server = `rdls-${randomBytes(3).toString("hex")}.contoso.com`;
    const [a, b] = [vmId("VM-Ls-A"), vmId("VM-Ls-B")];
    await ledger.recordRun(run({ runId: "ls-1", vmId: a, startedAt: "2030-04-01T00:00:00Z", licenseServers: [server] }));
    await ledger.recordRun(run({ runId: "ls-2", vmId: b, startedAt: "2030-04-02T00:00:00Z", licenseServers: [`${server.toUpperCase()}.`, "other.contoso.com"] }));
    await ledger.recordRun(run({ runId: "ls-3", vmId: b, startedAt: "2030-04-03T00:00:00Z", licenseServers: ["other.contoso.com"] }));
    const moved = run({ runId: "ls-4", vmId: a, startedAt: "2030-04-04T00:00:00Z", licenseServers: [server] });
    await ledger.recordRun(moved);

    expect(ids(await ledger.recentRunsForLicenseServer(server, "2030-04-01T00:00:00Z"))).toEqual(["ls-4", "ls-2", "ls-1"]);
    expect(ids(await ledger.recentRunsForLicenseServer(server.toUpperCase(), "2030-04-02T00:00:00Z"))).toEqual(["ls-4", "ls-2"]);
    expect(ids(await ledger.recentRunsForLicenseServer(server, "2030-04-01T00:00:00Z", 1))).toEqual(["ls-4"]);

    // Recorded again without this server: its old index row must not bring it back.
    await ledger.recordRun({ ...moved, licenseServers: ["other.contoso.com"] });
    expect(ids(await ledger.recentRunsForLicenseServer(server, "2030-04-01T00:00:00Z"))).toEqual(["ls-2", "ls-1"]);
  });

  it("keeps hostile VM IDs and server names inside their string literal", async () => {
    const server = `rdls-${randomBytes(3).toString("hex")}.contoso.com`;
    const vm = vmId("VM-Hostile");
    await ledger.recordRun(run({ runId: "h-1", vmId: vm, startedAt: "2030-05-01T00:00:00Z", licenseServers: [server] }));

    const hostile = ["x' or PartitionKey ne '", "' or '1' eq '1", "x') or (RowKey ge '", `${server}' or server ne '`];
    for (const value of hostile) {
      expect(await ledger.recentRunsForLicenseServer(value, "2000-01-01T00:00:00Z")).toEqual([]);
      expect(await ledger.listRuns({ vmId: value })).toEqual([]);
      expect(await ledger.listRuns({ vmId: `${vm}' or vmId ne '` })).toEqual([]);
      expect(await ledger.getRun(`h-1' or runId ne '`)).toBeUndefined();
    }
    await expect(ledger.listRuns({ verdicts: ["failed' or verdict ne '" as never] })).rejects.toBeInstanceOf(InputError);

    // A quote in a stored value must survive the filter that compares it.
    const quoted = `${vmId("VM-Quote")}'s-twin`;
    await ledger.recordRun(run({ runId: "h-quote", vmId: quoted, startedAt: "2030-05-02T00:00:00Z", licenseServers: ["o'brien.contoso.com"] }));
    expect(ids(await ledger.listRuns({ vmId: quoted }))).toEqual(["h-quote"]);
    expect(ids(await ledger.recentRunsForLicenseServer("o'brien.contoso.com", "2030-05-01T00:00:00Z"))).toEqual(["h-quote"]);
  });

  it("shortens oversized step output with a flag and still stores the run", async () => {
    const vm = vmId("VM-Big");
    // ASCII: Azurite corrupts multi-byte characters that straddle request chunks (Azure/Azurite#2670).
    const huge = "z".repeat(200_000);
    const record = run({
      runId: "big-1",
      vmId: vm,
      startedAt: "2030-06-01T00:00:00Z",
      verdict: "failed",
      steps: [
        { step: { kind: "set-licensing-mode", mode: 2 }, status: "applied", before: { licensingMode: 4 }, after: { licensingMode: 2 } },
        { step: { kind: "remove-rdsh-role" }, status: "failed", before: { log: huge }, after: { log: huge }, error: huge },
      ],
      error: { code: "step-failed", message: huge },
    });
    const stored = await ledger.recordRun(record);
    expect(stored.truncated).toBe(true);
    expect(stored.steps[0]).toEqual(record.steps[0]);
    const big = stored.steps[1]!;
    expect(big.truncated).toBe(true);
    expect(big.status).toBe("failed");
    expect(big.before).toMatchObject({ truncated: true, originalChars: JSON.stringify({ log: huge }).length });
    expect(String(big.before.preview).startsWith('{"log":"zzz')).toBe(true);
    expect(big.error!.length).toBeLessThan(huge.length);
    expect(stored.error!.message.length).toBeLessThan(huge.length);

    expect(await ledger.getRun("big-1")).toEqual(stored);
  });

  it("stores a run with very many large steps by dropping values, then steps", async () => {
    const vm = vmId("VM-Many");
    const steps: StepResult[] = Array.from({ length: 3000 }, (_, i) => ({
      step: { kind: "set-licensing-mode", mode: 4 },
      status: "applied",
      before: { i, pad: "x".repeat(500) },
      after: { i, pad: "y".repeat(500) },
      error: "e".repeat(200),
    }));
    const stored = await ledger.recordRun(run({ runId: "many-1", vmId: vm, startedAt: "2030-06-02T00:00:00Z", steps }));
    expect(stored.truncated).toBe(true);
    expect(stored.steps.length).toBeGreaterThan(0);
    expect(stored.steps.length).toBeLessThan(3000);
    expect(stored.steps.every((s) => s.truncated === true)).toBe(true);
    expect(await ledger.getRun("many-1")).toEqual(stored);
  });

  /** Every part of the record oversized at once, filled with `char`. */
  function oversized(runId: string, char: string): RunRecord {
    const fill = (n: number) => char.repeat(n);
    return run({
      runId,
      vmId: vmId("VM-AllBig"),
      startedAt: "2030-06-03T00:00:00Z",
      causes: Array.from({ length: 200 }, () => ({ code: "no-cals" as const, detail: fill(2000) })),
      plan: Array.from({ length: 2000 }, () => ({ kind: "set-license-servers" as const, servers: [fill(30)] })),
      steps: Array.from({ length: 50 }, () => ({ step: { kind: "restart" as const }, status: "applied" as const, before: { v: fill(5000) }, after: { v: fill(5000) } })),
      humanActions: Array.from({ length: 200 }, () => fill(2000)),
      licenseServers: Array.from({ length: 40 }, (_, i) => `ls${i}-${fill(900)}`),
      durationsMs: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`${fill(20)}${i}`, i])),
      error: { code: "x", message: fill(100_000) },
    });
  }

  it("stores a record whose every part is oversized, and reads it back as stored", async () => {
    const stored = await ledger.recordRun(oversized("all-big-ascii", "x"));
    expect(stored.truncated).toBe(true);
    expect(stored.causes.length).toBeGreaterThan(0);
    expect(stored.humanActions!.length).toBeGreaterThan(0);
    expect(await ledger.getRun("all-big-ascii")).toEqual(stored);
  });

  it("stays within the 1 MiB entity limit with 3-byte characters in every part", async () => {
    // 3 bytes per character in the UTF-8 body (what Azurite measures), 2 in Azure's UTF-16 count: the worst case.
    const stored = await ledger.recordRun(oversized("all-big-wide", "語"));
    expect(stored.truncated).toBe(true);
    const read = await ledger.getRun("all-big-wide");
    // Counts, not text: Azurite corrupts multi-byte characters that straddle request chunks (Azure/Azurite#2670).
    expect(read?.causes).toHaveLength(stored.causes.length);
    expect(read?.steps).toHaveLength(stored.steps.length);
    expect(read?.humanActions).toHaveLength(stored.humanActions!.length);
    expect(read?.truncated).toBe(true);
  });

  it("recording the same run again replaces it (upsert)", async () => {
    const vm = vmId("VM-Upsert");
    const first = run({ runId: "up-1", vmId: vm, startedAt: "2043-07-01T00:00:00Z", verdict: "failed", error: { code: "x", message: "y" } });
    await ledger.recordRun(first);
    await ledger.recordRun(first);
    const { error: _dropped, ...withoutError } = first;
    const second = await ledger.recordRun({ ...withoutError, verdict: "remediated" });

    expect(await ledger.listRuns({ vmId: vm })).toEqual([second]);
    expect(await ledger.getRun("up-1")).toEqual(second);
    expect(second.error).toBeUndefined();
    expect(ids(await ledger.listRuns({ since: "2043-07-01T00:00:00Z", until: "2043-07-02T00:00:00Z" }))).toEqual(["up-1"]);
  });

  it("getRun returns the newest run when a run ID is reused", async () => {
    const vm = vmId("VM-Reuse");
    await ledger.recordRun(run({ runId: "reused-1", vmId: vm, startedAt: "2030-08-01T00:00:00Z", verdict: "failed" }));
    await ledger.recordRun(run({ runId: "reused-1", vmId: vm, startedAt: "2030-08-02T00:00:00Z", verdict: "healthy" }));
    expect((await ledger.getRun("reused-1"))?.startedAt).toBe("2030-08-02T00:00:00.000Z");
  });

  it("refuses records and queries it cannot store or answer", async () => {
    const vm = vmId("VM-Bad");
    const bad = (r: Partial<RunRecord>) => ledger.recordRun({ ...run({ runId: "ok", vmId: vm, startedAt: "2030-09-01T00:00:00Z" }), ...r });
    await expect(bad({ runId: "a/b" })).rejects.toBeInstanceOf(InputError);
    await expect(bad({ runId: "" })).rejects.toBeInstanceOf(InputError);
    await expect(bad({ verdict: "great" as never })).rejects.toBeInstanceOf(InputError);
    await expect(bad({ startedAt: "yesterday" })).rejects.toBeInstanceOf(InputError);
    await expect(bad({ vmId: "  " })).rejects.toBeInstanceOf(InputError);
    await expect(ledger.listRuns({ since: "not a time" })).rejects.toBeInstanceOf(InputError);
    await expect(ledger.listRuns({ limit: 0 })).rejects.toBeInstanceOf(InputError);
    await expect(ledger.listRuns({ limit: 1001 })).rejects.toBeInstanceOf(InputError);
    expect(await ledger.listRuns({ vmId: vm })).toEqual([]);
  });

  it("reports an unreachable table as a transient fault, for the activity's retry policy", async () => {
    const gone = await startAzurite();
    const unreachable = createRunLedger({
      tableEndpoint: gone.tableEndpoint,
      tableName,
      credential: gone.credential,
      tlsCaPem: gone.caPem,
      maxRetries: 0,
    });
    await gone.stop();
    await expect(unreachable.getRun("anything")).rejects.toBeInstanceOf(TransientAzureError);
    await expect(unreachable.recordRun(run({ runId: "t-1", vmId: vmId("VM-Gone"), startedAt: "2030-10-01T00:00:00Z" }))).rejects.toBeInstanceOf(TransientAzureError);
  });

  it("refuses endpoints without TLS and invalid table names at creation", () => {
    const credential = azurite.credential;
    expect(() => createRunLedger({ tableEndpoint: "http://127.0.0.1:10002/devstoreaccount1", tableName: "runs", credential })).toThrow(ConfigError);
    expect(() => createRunLedger({ tableEndpoint: "not a url", tableName: "runs", credential })).toThrow(ConfigError);
    expect(() => createRunLedger({ tableEndpoint: azurite.tableEndpoint, tableName: "run-ledger", credential })).toThrow(ConfigError);
  });
});
