/**
 * The run ledger in Azure Table storage, reached with the app's identity (a TokenCredential: the managed
 * identity in Azure, Azurite's OAuth in tests). Key design: ledger-keys.ts; entity layout: ledger-entity.ts.
 */
import { RestError, TableClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import { ConfigError, InputError, TransientAzureError } from "../errors";
import { isRunVerdict, type ListRunsQuery, type RunLedger, type RunRecord, type RunVerdict } from "../domain/run-record";
import { fromRunEntity, toRunEntity } from "./ledger-entity";
import {
  indexRowKey,
  isStorableRunId,
  normaliseServer,
  normaliseVmId,
  rowKeyRange,
  runIdPartition,
  serverPartition,
  timePartition,
  timePartitionRange,
  toEpochMs,
  vmPartition,
} from "./ledger-keys";
import { and, anyOf, compare } from "./ledger-odata";

export type { TokenCredential };

export interface RunLedgerOptions {
  /** Table service endpoint, e.g. https://<account>.table.core.windows.net (HTTPS: bearer tokens need it). */
  tableEndpoint: string;
  /** 3-63 letters and digits, starting with a letter. */
  tableName: string;
  credential: TokenCredential;
  /** Extra CA to trust (PEM), for a local emulator with a self-signed certificate. */
  tlsCaPem?: string;
  /** The SDK's retries of throttled, failed and unreachable requests (default 3, with backoff). */
  maxRetries?: number;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const READ_CONCURRENCY = 8;

/** What an index row points at: the run entity, with enough of it to filter on. */
interface IndexEntity {
  partitionKey: string;
  rowKey: string;
  kind: "by-time" | "by-run-id" | "by-server";
  runPartitionKey: string;
  runRowKey: string;
  runId: string;
  vmId: string;
  verdict: string;
  startedAt: Date;
  server?: string;
}

export function createRunLedger(options: RunLedgerOptions): RunLedger {
  const endpoint = checkEndpoint(options.tableEndpoint);
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(options.tableName)) {
    throw new ConfigError("LEDGER_TABLE_NAME", "LEDGER_TABLE_NAME must be 3-63 letters and digits, starting with a letter");
  }
  const client = new TableClient(endpoint, options.tableName, options.credential, {
    ...(options.tlsCaPem === undefined ? {} : { tlsOptions: { ca: options.tlsCaPem } }),
    ...(options.maxRetries === undefined ? {} : { retryOptions: { maxRetries: options.maxRetries } }),
  });

  async function readRun(partitionKey: string, rowKey: string): Promise<RunRecord | undefined> {
    try {
      return fromRunEntity(await client.getEntity<Record<string, unknown>>(partitionKey, rowKey));
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return undefined;
      throw translate(error);
    }
  }

  async function query<T extends object>(filter: string, limit: number): Promise<T[]> {
    const rows: T[] = [];
    try {
      const pages = client.listEntities<T>({ queryOptions: { filter } }).byPage({ maxPageSize: limit });
      for await (const page of pages) {
        for (const row of page) {
          rows.push(row);
          if (rows.length >= limit) return rows;
        }
      }
    } catch (error) {
      throw translate(error);
    }
    return rows;
  }

  /** Follows index rows to their runs; a row whose run is gone or no longer matches is skipped. */
  async function follow(rows: IndexEntity[], keep: (run: RunRecord) => boolean): Promise<RunRecord[]> {
    const runs = await mapLimit(rows, READ_CONCURRENCY, (row) => readRun(row.runPartitionKey, row.runRowKey));
    return runs.filter((run): run is RunRecord => run !== undefined && keep(run));
  }

  async function listRuns(q: ListRunsQuery = {}): Promise<RunRecord[]> {
    const limit = checkLimit(q.limit);
    const sinceMs = q.since === undefined ? undefined : toEpochMs(q.since, "since");
    const untilMs = q.until === undefined ? undefined : toEpochMs(q.until, "until");
    const verdicts = checkVerdicts(q.verdicts);
    const rows = rowKeyRange(sinceMs, untilMs);
    const rowClauses = [rows.from ? compare("RowKey", "ge", rows.from) : undefined, compare("RowKey", "lt", rows.to)];
    if (verdicts?.length === 0) return [];
    const verdictClause = verdicts ? anyOf("verdict", verdicts) : undefined;

    if (q.vmId !== undefined) {
      const vmId = normaliseVmId(q.vmId);
      const filter = and(
        compare("PartitionKey", "eq", vmPartition(vmId)),
        ...rowClauses,
        compare("vmId", "eq", vmId),
        verdictClause,
      );
      return (await query<Record<string, unknown>>(filter, limit)).map(fromRunEntity);
    }
    const partitions = timePartitionRange(sinceMs, untilMs);
    const filter = and(
      compare("PartitionKey", "ge", partitions.from),
      compare("PartitionKey", "le", partitions.to),
      ...rowClauses,
      verdictClause,
    );
    const index = await query<IndexEntity>(filter, limit);
    return follow(index, (run) => verdicts === undefined || verdicts.includes(run.verdict));
  }

  return {
    async ensureTable() {
      try {
        await client.createTable();
      } catch (error) {
        throw translate(error);
      }
    },

    async recordRun(record) {
      const { entity, stored, startedMs } = toRunEntity(record);
      const pointer = {
        rowKey: indexRowKey(entity.partitionKey, entity.rowKey),
        runPartitionKey: entity.partitionKey,
        runRowKey: entity.rowKey,
        runId: stored.runId,
        vmId: stored.vmId,
        verdict: stored.verdict,
        startedAt: entity.startedAt,
      };
      const indexes: IndexEntity[] = [
        { ...pointer, partitionKey: timePartition(startedMs), kind: "by-time" },
        { ...pointer, partitionKey: runIdPartition(stored.runId), kind: "by-run-id" },
        ...stored.licenseServers.map((server): IndexEntity => ({
          ...pointer,
          partitionKey: serverPartition(server),
          kind: "by-server",
          server,
        })),
      ];
      try {
        // Index rows first: until the run row exists they point at nothing and readers skip them.
        await mapLimit(indexes, READ_CONCURRENCY, (index) => client.upsertEntity(index, "Replace"));
        await client.upsertEntity(entity, "Replace");
      } catch (error) {
        throw translate(error);
      }
      return stored;
    },

    async getRun(runId) {
      if (!isStorableRunId(runId)) return undefined;
      const filter = and(compare("PartitionKey", "eq", runIdPartition(runId)), compare("runId", "eq", runId));
      const [newest] = await query<IndexEntity>(filter, 1);
      if (!newest) return undefined;
      const run = await readRun(newest.runPartitionKey, newest.runRowKey);
      return run?.runId === runId ? run : undefined;
    },

    listRuns,

    async recentRunsForVm(vmId, since, limit) {
      return listRuns({ vmId, since, ...(limit === undefined ? {} : { limit }) });
    },

    async recentRunsForLicenseServer(server, since, limit) {
      const max = checkLimit(limit);
      const sinceMs = toEpochMs(since, "since");
      const name = normaliseServer(server);
      const filter = and(
        compare("PartitionKey", "eq", serverPartition(name)),
        compare("RowKey", "lt", rowKeyRange(sinceMs).to),
        compare("server", "eq", name),
      );
      const index = await query<IndexEntity>(filter, max);
      // A run recorded again with other servers leaves its old index rows behind: the run itself decides.
      return follow(index, (run) => run.licenseServers.includes(name));
    },
  };
}

function checkEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError("LEDGER_TABLE_ENDPOINT", "LEDGER_TABLE_ENDPOINT is not a URL");
  }
  if (url.protocol !== "https:") {
    throw new ConfigError("LEDGER_TABLE_ENDPOINT", "LEDGER_TABLE_ENDPOINT must use https (identity-based access needs TLS)");
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError("LEDGER_TABLE_ENDPOINT", "LEDGER_TABLE_ENDPOINT must not carry a query, fragment or credentials");
  }
  return value.replace(/\/+$/, "");
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InputError("limit-invalid", `limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}

function checkVerdicts(verdicts: readonly unknown[] | undefined): RunVerdict[] | undefined {
  if (verdicts === undefined) return undefined;
  for (const verdict of verdicts) {
    if (!isRunVerdict(verdict)) throw new InputError("verdict-invalid", `unknown verdict: ${String(verdict).slice(0, 40)}`);
  }
  return verdicts as RunVerdict[];
}

/** Throttling, timeouts, 5xx and network failures are worth a retry; anything else is not. */
function translate(error: unknown): unknown {
  if (error instanceof RestError) {
    const status = error.statusCode;
    if (status === undefined || status === 408 || status === 429 || status >= 500) {
      return new TransientAzureError(`run ledger: ${error.message}`);
    }
  }
  return error;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
