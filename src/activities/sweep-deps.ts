import type { ComputeClients } from "../azure/compute-client";
import type { SymptomCounts } from "../azure/logs";
import type { TargetListing } from "../azure/resource-graph";
import type { Config } from "../config";
import type { Scope } from "../domain/scope";
import type { VmCheck } from "../domain/sweep-record";
import type { SweepReport } from "./sweep-contracts";

/** Where a sweep's per-VM results and its report are kept. */
export interface SweepLedger {
  recordChecks(sweepId: string, checks: readonly VmCheck[]): Promise<void>;
  recordReport(report: SweepReport): Promise<void>;
  /** One VM's results of a sweep, worst first, a page at a time. */
  listChecks(
    sweepId: string,
    query: { outcome?: VmCheck["outcome"]; limit: number; continuationToken?: string },
  ): Promise<{ checks: VmCheck[]; continuationToken?: string }>;
  getReport(sweepId: string): Promise<SweepReport | undefined>;
}

/** What sweep activities are given: clients and settings, never read from globals. */
export interface SweepDeps {
  config: Config;
  compute: ComputeClients;
  targets: { listWindowsVms(scopes: readonly Scope[]): Promise<TargetListing> };
  symptoms: { countByVm(workspaceIds: readonly string[], hours: number): Promise<SymptomCounts> };
  /** Absent when no ledger is configured: results then live only in the sweep's report. */
  ledger: SweepLedger | undefined;
  loadScript(name: string): string;
  now(): Date;
}

/** Requests in flight at once inside one sweep activity. */
export const SWEEP_HTTP_CONCURRENCY = 48;

/** Runs `fn` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
