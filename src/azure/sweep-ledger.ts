/**
 * Sweep results in Azure Table storage, next to the run ledger (same Table service, its own table): one row per VM
 * per sweep, keyed so that a partition reads worst first, and one row for the sweep's report. Written in
 * transactions of 100 rows (one partition per sweep).
 */
import { createHash } from "node:crypto";
import { RestError, TableClient, type TableTransactionEntityResponse, type TransactionAction } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import type { SweepReport } from "../activities/sweep-contracts";
import type { SweepLedger } from "../activities/sweep-deps";
import { severity } from "../domain/sweep-check";
import type { VmCheck } from "../domain/sweep-record";
import { InputError, TransientAzureError } from "../errors";
import { MAX_PROPERTY_CHARS } from "./ledger-fit";

export interface SweepLedgerOptions {
  tableEndpoint: string;
  /** The sweep table's name (3-63 letters and digits). */
  tableName: string;
  credential: TokenCredential;
  tlsCaPem?: string | undefined;
}

/** The sweep table next to the run ledger's table: "<runs table>Sweeps", shortened to Table storage's 63 characters. */
export function sweepTableName(runTableName: string): string {
  return `${runTableName.slice(0, 57)}Sweeps`;
}

const TRANSACTION_ROWS = 100;
const SEVERITY_WIDTH = 8;

interface CheckEntity {
  partitionKey: string;
  rowKey: string;
  vmId: string;
  outcome: string;
  check: string;
}

const checksPartition = (sweepId: string) => `checks_${sweepId}`;
const reportPartition = (sweepId: string) => `report_${sweepId}`;

/** Ascending row keys read worst first; the VM hash keeps one row per VM. */
function checkRowKey(check: VmCheck): string {
  const rank = String(Math.max(0, 99_999_999 - severity(check))).padStart(SEVERITY_WIDTH, "0");
  return `${rank}_${createHash("sha256").update(check.vmId).digest("hex").slice(0, 24)}`;
}

export function createSweepLedger(options: SweepLedgerOptions): SweepLedger & { ensureTable(): Promise<void> } {
  const client = new TableClient(options.tableEndpoint, options.tableName, options.credential, {
    ...(options.tlsCaPem === undefined ? {} : { tlsOptions: { ca: options.tlsCaPem } }),
  });
  let ready: Promise<void> | undefined;
  const ensureTable = () => {
    ready ??= client.createTable().catch((error: unknown) => {
      ready = undefined;
      throw translate(error);
    });
    return ready;
  };

  return {
    ensureTable,

    async recordChecks(sweepId, checks) {
      await ensureTable();
      const partitionKey = checksPartition(sweepId);
      const rows = new Map<string, CheckEntity>();
      for (const check of checks) {
        const row = { partitionKey, rowKey: checkRowKey(check), vmId: check.vmId, outcome: check.outcome, check: JSON.stringify(check).slice(0, MAX_PROPERTY_CHARS) };
        rows.set(row.rowKey, row);
      }
      const all = [...rows.values()];
      try {
        for (let i = 0; i < all.length; i += TRANSACTION_ROWS) {
          const actions = all.slice(i, i + TRANSACTION_ROWS).map((row): TransactionAction => ["upsert", { ...row }, "Replace"]);
          const result = await client.submitTransaction(actions);
          const failed = result.subResponses.find((r: TableTransactionEntityResponse) => r.status >= 300);
          if (failed) throw new TransientAzureError(`sweep ledger: a row was refused (${failed.status})`);
        }
      } catch (error) {
        throw translate(error);
      }
    },

    async recordReport(report) {
      await ensureTable();
      let stored: SweepReport = report;
      while (JSON.stringify(stored).length > MAX_PROPERTY_CHARS && stored.summary.worst.length > 0) {
        stored = { ...stored, summary: { ...stored.summary, worst: stored.summary.worst.slice(0, Math.floor(stored.summary.worst.length / 2)) } };
      }
      try {
        await client.upsertEntity({ partitionKey: reportPartition(report.sweepId), rowKey: "report", report: JSON.stringify(stored) }, "Replace");
      } catch (error) {
        throw translate(error);
      }
    },

    async getReport(sweepId) {
      await ensureTable();
      try {
        const entity = await client.getEntity<{ report: string }>(reportPartition(sweepId), "report");
        return JSON.parse(entity.report) as SweepReport;
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 404) return undefined;
        throw translate(error);
      }
    },

    async listChecks(sweepId, query) {
      if (query.continuationToken) checkContinuationToken(query.continuationToken);
      await ensureTable();
      const filter = [`PartitionKey eq '${checksPartition(sweepId).replace(/'/g, "''")}'`];
      if (query.outcome !== undefined) filter.push(`outcome eq '${query.outcome}'`);
      try {
        const pages = client
          .listEntities<CheckEntity>({ queryOptions: { filter: filter.join(" and "), select: ["check"] } })
          .byPage({ maxPageSize: query.limit, ...(query.continuationToken ? { continuationToken: query.continuationToken } : {}) });
        const checks: VmCheck[] = [];
        let continuationToken: string | undefined;
        for await (const page of pages) {
          for (const row of page) checks.push(JSON.parse(row.check) as VmCheck);
          continuationToken = page.continuationToken;
          if (checks.length >= query.limit || continuationToken === undefined) break;
        }
        return continuationToken === undefined ? { checks } : { checks, continuationToken };
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 400) throw new InputError("continuation-token-invalid", "the continuation token is not valid");
        throw translate(error);
      }
    },
  };
}

/**
 * A continuation token comes back from a caller: it must be what the Table client made of a page's next keys
 * (base64 of {"nextPartitionKey", "nextRowKey"?}), or the client's own decoding throws an untyped error.
 */
export function checkContinuationToken(token: string): void {
  let decoded: unknown;
  try {
    decoded = token.length <= 4096 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(token) ? JSON.parse(Buffer.from(token, "base64").toString("latin1")) : undefined;
  } catch {
    decoded = undefined;
  }
  const keys = decoded as { nextPartitionKey?: unknown; nextRowKey?: unknown } | undefined;
  const valid =
    typeof keys === "object" &&
    keys !== null &&
    !Array.isArray(keys) &&
    typeof keys.nextPartitionKey === "string" &&
    keys.nextPartitionKey !== "" &&
    (keys.nextRowKey === undefined || typeof keys.nextRowKey === "string");
  if (!valid) throw new InputError("continuation-token-invalid", "the continuation token is not one a page of these results gave");
}

/** Throttling, timeouts, 5xx and network failures are worth a retry; anything else is not. */
function translate(error: unknown): unknown {
  if (error instanceof RestError) {
    const status = error.statusCode;
    if (status === undefined || status === 408 || status === 429 || status >= 500) return new TransientAzureError(`sweep ledger: ${error.message}`);
  }
  return error;
}
