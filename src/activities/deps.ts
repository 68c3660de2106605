import type { ComputeClients } from "../azure/compute-client";
import type { Config } from "../config";
import type { RunNotifier } from "../domain/notification";
import type { RunLedger } from "../domain/run-record";

/** What activities are given: clients and settings, never read from globals. */
export interface ActivityDeps {
  compute: ComputeClients;
  config: Config;
  /** The audit ledger; undefined when LEDGER_TABLE_ENDPOINT is not set. */
  ledger: RunLedger | undefined;
  /** Notifications for runs that need a person; undefined when NOTIFY_WEBHOOK_URL is not set. */
  notifier: RunNotifier | undefined;
  /** The text of an in-guest script by name (src/scripts). */
  loadScript(name: string): string;
  now(): Date;
}
