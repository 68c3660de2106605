import type { ComputeClients } from "../azure/compute-client";
import type { Config } from "../config";

/** What activities are given: clients and settings, never read from globals. */
export interface ActivityDeps {
  compute: ComputeClients;
  config: Config;
  /** The text of an in-guest script by name (src/scripts). */
  loadScript(name: string): string;
  now(): Date;
}
