import type { TokenCredential } from "@azure/identity";
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from "@azure/monitor-query-logs";
import { countSymptoms, readSymptomRows, symptomQuery, type SymptomRow } from "../domain/sweep-queries";
import { classifyArmError } from "./arm-errors";

export interface LogsClientSettings {
  /** Log Analytics query endpoint including /v1 (the client uses it verbatim). */
  logsEndpoint: string;
  caCertPem?: string | undefined;
}

export interface SymptomCounts {
  /** Licensing events per lower-cased VM resource ID. */
  counts: Map<string, number>;
  /** Workspaces whose query failed or answered only in part: the sweep goes on without (all of) their symptoms. */
  problems: Array<{ workspaceId: string; code: string; message: string }>;
  requests: number;
}

/** Licensing events per VM from Log Analytics: one query per workspace over the Event table. */
export class SymptomLogs {
  private readonly client: LogsQueryClient;

  constructor(credential: TokenCredential, settings: LogsClientSettings) {
    this.client = new LogsQueryClient(credential, {
      endpoint: settings.logsEndpoint,
      credentials: { scopes: [`${logsAudience(settings.logsEndpoint)}/.default`] },
      ...(settings.caCertPem ? { tlsOptions: { ca: settings.caCertPem } } : {}),
      retryOptions: { maxRetries: 3, retryDelayInMs: 1000, maxRetryDelayInMs: 30_000 },
      userAgentOptions: { userAgentPrefix: "rdp-medic" },
    });
  }

  async countByVm(workspaceIds: readonly string[], hours: number): Promise<SymptomCounts> {
    const query = symptomQuery(hours);
    const rows: SymptomRow[] = [];
    const problems: SymptomCounts["problems"] = [];
    for (const workspaceId of workspaceIds) {
      try {
        const result = await this.client.queryWorkspace(workspaceId, query, { duration: `PT${hours}H` }, { serverTimeoutInSeconds: 120 });
        const tables = result.status === LogsQueryResultStatus.Success ? result.tables : result.partialTables;
        if (result.status === LogsQueryResultStatus.PartialFailure) {
          problems.push({ workspaceId, code: result.partialError.code ?? "PartialError", message: result.partialError.message ?? "partial result" });
        }
        for (const table of tables) rows.push(...tableRows(table));
      } catch (error) {
        const failure = classifyArmError(error);
        problems.push({ workspaceId, code: failure.code, message: failure.message });
      }
    }
    return { counts: countSymptoms(rows), problems, requests: workspaceIds.length };
  }
}

function tableRows(table: LogsTable): SymptomRow[] {
  return readSymptomRows(
    table.columnDescriptors.map((c) => c.name ?? ""),
    table.rows as unknown[][],
  );
}

/** Public cloud: https://api.loganalytics.io; sovereign clouds use their query host; the simulator takes the public one. */
function logsAudience(endpoint: string): string {
  const host = new URL(endpoint).hostname;
  return host === "127.0.0.1" || host === "localhost" ? "https://api.loganalytics.io" : `https://${host}`;
}
