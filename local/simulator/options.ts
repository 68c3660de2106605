import type { GuestRuntime } from "../guest/guest-state";
import type { Scenario } from "./scenario";
import type { ThrottlingOptions } from "./throttling";
import type { RbacOptions } from "./rbac";
import type { VariantSettings } from "./variants";

export interface SimulatorOptions {
  /** What exists at start; see docs/simulator.md. Validated (throws ScenarioError). */
  scenario: Scenario;
  /** Runs the Run Command scripts and reboots; the simulator knows no script semantics. */
  guestRuntime: GuestRuntime;
  /** The simulator's notion of now (operation times, agent status times, log queries, throttling refill). */
  clock?: () => Date;
  /** How many polls of an operation answer InProgress before it reports its terminal state. Default 1. */
  pollsUntilDone?: number;
  /** Retry-After (seconds) on 202s and InProgress polls. Default 0 (clients then use their own interval). */
  retryAfterSeconds?: number;
  /** Instance-view reads after a restart or start that still show the agent Not Ready. Default 1. */
  agentReadyAfterPolls?: number;
  /** Delay before every answer. Default 0. */
  latencyMs?: number;
  /** Items per page in list answers (the rest follows through nextLink). Default 50. */
  listPageSize?: number;
  /** Token-bucket throttling per ARM and Compute rules. Off unless `enabled: true`. */
  throttling?: ThrottlingOptions;
  /** Port for the HTTPS endpoint; default 0 (a free port). */
  port?: number;
  /**
   * How long a poll that arrives while a Run Command script still runs waits for it before answering (default
   * 120000; 0 = answer InProgress at once). Waiting keeps a script's real run time inside one poll interval, so
   * clients on a virtual clock do not time out on it.
   */
  pollWaitForScriptMs?: number;
  /**
   * How Azure answers where the specs allow several ways (docs/simulator.md "Response variants"): fixed values and
   * a seed for the rest. Over the scenario's `variants`; a VM's own `variants` in the scenario win over both.
   */
  variants?: VariantSettings;
  /**
   * The role the app's managed identity holds (its client ID, actions and scopes): ARM answers 403
   * AuthorizationFailed to any request of that identity the role does not grant. Off when absent.
   */
  rbac?: RbacOptions;
}

export interface ResolvedOptions {
  clock: () => Date;
  pollsUntilDone: number;
  retryAfterSeconds: number;
  agentReadyAfterPolls: number;
  latencyMs: number;
  listPageSize: number;
  port: number;
  pollWaitForScriptMs: number;
}

/** Timings closer to real Azure, for demos and rehearsals (tests keep the fast defaults). */
export const REALISTIC_TIMINGS = {
  pollsUntilDone: 3,
  retryAfterSeconds: 10,
  agentReadyAfterPolls: 3,
  latencyMs: 40,
} as const satisfies Partial<SimulatorOptions>;

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    clock: options.clock ?? (() => new Date()),
    pollsUntilDone: options.pollsUntilDone ?? 1,
    retryAfterSeconds: options.retryAfterSeconds ?? 0,
    agentReadyAfterPolls: options.agentReadyAfterPolls ?? 1,
    latencyMs: options.latencyMs ?? 0,
    listPageSize: options.listPageSize ?? 50,
    port: options.port ?? 0,
    pollWaitForScriptMs: options.pollWaitForScriptMs ?? 120_000,
  };
  for (const key of ["pollsUntilDone", "retryAfterSeconds", "agentReadyAfterPolls", "latencyMs", "port", "pollWaitForScriptMs"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 0) throw new TypeError(`simulator option ${key} must be a non-negative integer`);
  }
  if (!Number.isInteger(resolved.listPageSize) || resolved.listPageSize < 1) throw new TypeError("simulator option listPageSize must be a positive integer");
  return resolved;
}
