/**
 * The audit record of one remediation run, and the ledger that keeps them. Activities and domain code use these
 * types; only src/azure/ledger*.ts knows how they are stored.
 */
import type { ApprovalReason, Cause, PlanStep } from "./playbook";
import type { Actor, PendingAlert, RunDecision } from "./run";

export const RUN_VERDICTS = [
  "healthy",
  "drift",
  "remediated",
  "needs-human",
  "skipped",
  "failed",
  "failed-rolled-back",
  "dry-run",
  "rejected",
  "canceled",
  "diagnosed-only",
] as const;

export type RunVerdict = (typeof RUN_VERDICTS)[number];

export function isRunVerdict(value: unknown): value is RunVerdict {
  return typeof value === "string" && (RUN_VERDICTS as readonly string[]).includes(value);
}

export interface RunTrigger {
  kind: "alert" | "manual" | "sweep";
  /** The alert's essentials.alertId when kind is alert. */
  alertId?: string;
  /** The alert rule's name when kind is alert. */
  alertRule?: string;
  /** The compliance sweep's ID when kind is sweep. */
  sweepId?: string;
}

export type StepStatus = "applied" | "unchanged" | "failed" | "skipped" | "rolled-back";

/** What one plan step did, with the values it saw before and left after. */
export interface StepResult {
  step: PlanStep;
  status: StepStatus;
  startedAt?: string;
  endedAt?: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  error?: string;
  /** Set by the ledger when before/after (or error) had to be shortened to fit storage limits. */
  truncated?: boolean;
}

export interface RunRecord {
  /** Unique per run. When an ID is reused, getRun returns the newest run with it. */
  runId: string;
  /** Canonical, lower-cased VM resource ID. */
  vmId: string;
  trigger: RunTrigger;
  /** ISO 8601 instants. startedAt (with vmId and runId) identifies the run: recording again replaces it. */
  startedAt: string;
  endedAt: string;
  verdict: RunVerdict;
  causes: Cause[];
  /** The planned steps, in order. */
  plan: PlanStep[];
  /** What each applied step did. */
  steps: StepResult[];
  /** Exact actions for a person (needs-human, or alongside a fix). */
  humanActions?: string[];
  /** The OS-disk snapshot's resource ID, when one was taken. */
  snapshotId?: string;
  /** License servers the run configured or checked; the circuit breaker looks runs up by these. */
  licenseServers: string[];
  error?: { code: string; message: string };
  /** Why the run ended as it did, in words. */
  reason?: string;
  /** The guard that stopped changes, when one did (cooldown, recurrence, license-server-breaker, kill-switch, opted-out). */
  guard?: string;
  /** Milliseconds per phase (total, snapshot, probe, apply, restart, verify, ...). */
  durationsMs: Record<string, number>;
  /** The identity that started a manual run (from its token). */
  startedBy?: Actor;
  /** Who approved, rejected or canceled the run, when, with what comment. */
  decisions?: RunDecision[];
  /** What a person was asked to approve (a role removal, a restart with users signed in). */
  approvals?: ApprovalReason[];
  /** Alerts that arrived while the run held the VM. */
  pendingAlerts?: PendingAlert[];
  /** Set by the ledger when any part was shortened to fit storage limits. */
  truncated?: boolean;
}

export interface ListRunsQuery {
  /** Only this VM's runs (any case). */
  vmId?: string;
  /** Runs started at or after this instant. */
  since?: Date | string;
  /** Runs started before this instant (exclusive). */
  until?: Date | string;
  /** Only runs with one of these verdicts. */
  verdicts?: RunVerdict[];
  /** At most this many runs (default 100, at most 1000). */
  limit?: number;
}

/** The audit ledger: one record per run. Lists are newest first. */
export interface RunLedger {
  /** Creates the table when it does not exist (idempotent). */
  ensureTable(): Promise<void>;
  /** Stores the run, replacing an earlier record of the same run. Returns the record as stored (maybe truncated). */
  recordRun(record: RunRecord): Promise<RunRecord>;
  /** The newest run with this runId, or undefined. */
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(query?: ListRunsQuery): Promise<RunRecord[]>;
  /** This VM's runs started at or after `since`, newest first (cooldown, recurrence breaker). */
  recentRunsForVm(vmId: string, since: Date | string, limit?: number): Promise<RunRecord[]>;
  /** Runs that named this license server, started at or after `since`, newest first (circuit breaker). */
  recentRunsForLicenseServer(server: string, since: Date | string, limit?: number): Promise<RunRecord[]>;
}
