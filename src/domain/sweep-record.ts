/**
 * A compliance sweep's vocabulary: its settings and input (small: IDs and numbers), what one VM's check found,
 * and what a batch hands back. Orchestrations carry these; nothing here holds a probe report or a VM document.
 */
import type { CauseCode } from "./playbook";

/**
 * report: check and report only. remediate: also start the per-VM remediation run for VMs whose licensing is
 * broken and repairable. enforce: also for VMs with drift (a working configuration that differs from the policy).
 */
export type SweepPolicy = "report" | "remediate" | "enforce";

export const SWEEP_POLICIES: readonly SweepPolicy[] = ["report", "remediate", "enforce"];

/** Whether a sweep may run with `requested` when SWEEP_POLICY is `allowed`: report always, otherwise only the setting itself. */
export function sweepPolicyAllowed(requested: SweepPolicy, allowed: SweepPolicy): boolean {
  return requested === "report" || requested === allowed;
}

/** The settings one sweep runs with, fixed at its start (replays never read the environment). */
export interface SweepSettings {
  policy: SweepPolicy;
  /** Most VMs checked at once (the largest wave). */
  maxConcurrency: number;
  /** The sweep stops starting checks once this many checks have failed. */
  maxErrors: number;
  /** Most remediation runs one sweep starts. */
  maxRemediations: number;
  /** A noncompliant VM whose grace period ends within this many days is flagged. */
  graceWarningDays: number;
  pollIntervalSeconds: number;
  /** Longest wait for one probe. */
  operationTimeoutMinutes: number;
}

export type SweepTrigger = { kind: "timer"; scheduledAt: string } | { kind: "manual"; requestedBy: string };

export interface SweepInput {
  sweepId: string;
  trigger: SweepTrigger;
  settings: SweepSettings;
}

/**
 * Why a VM was not (or could not be) checked. None of these is a failure except probe-failed and probe-timeout.
 * vm-busy: another Run Command kept the VM busy; throttled: Azure kept throttling its probe (both after retries).
 */
export type UnknownCode =
  | "vm-deallocated"
  | "vm-stopped"
  | "vm-not-running"
  | "agent-not-ready"
  | "vm-not-found"
  | "out-of-scope"
  | "vm-busy"
  | "throttled"
  | "probe-failed"
  | "probe-timeout"
  | "not-checked";

export interface GraceWarning {
  /** rdp-lost: the grace period is over and nothing can license; expiring: it ends within the warning window. */
  kind: "rdp-lost" | "expiring";
  daysLeft: number;
  message: string;
}

/** What happened to a noncompliant VM's repair under policy remediate. */
export interface RepairNote {
  /** blocked: KILL_SWITCH is on, so no run was started. */
  state: "started" | "already-running" | "not-repairable" | "opted-out" | "over-cap" | "blocked" | "failed";
  runId?: string;
  detail?: string;
}

/** One VM's result in a sweep. */
export interface VmCheck {
  vmId: string;
  outcome: "compliant" | "noncompliant" | "unknown";
  /** Cause codes found (noncompliant only), in diagnose's order. */
  causes: CauseCode[];
  /** Noncompliant: the remediation could fix it without a person (plan verdict "fix"). */
  repairable: boolean;
  /** Unknown: why. */
  reason?: { code: UnknownCode; message: string };
  /** True when this check counts against maxErrors. */
  failed: boolean;
  graceDaysLeft: number | null;
  warning?: GraceWarning;
  /** Licensing events found for this VM in the symptom window (Logs). */
  symptoms: number;
  repair?: RepairNote;
  checkedAt: string;
}

/** Limits of the sweep's shapes. */
export const SWEEP_LIMITS = {
  /** Most VMs in one batch sub-orchestration (bounds its history and its activities' payloads). */
  batchSize: 500,
  /** VMs listed by name in a summary's "worst" list. */
  worst: 25,
  /** Waves after which the parent orchestration continues as new, keeping its history short. */
  wavesPerExecution: 100,
} as const;
