/** What a person is told when a run needs one. Sent by src/notify; built by the orchestration's activities. */
import type { ApprovalReason, CauseCode } from "./playbook";
import type { Actor, RunDecision } from "./run";
import type { RunVerdict } from "./run-record";

/** decided: a run ended after a person approved, rejected or canceled it (the team sees who, and the outcome). */
export type NotificationReason = "approval-needed" | "needs-human" | "failed" | "decided";

export interface RunNotification {
  reason: NotificationReason;
  runId: string;
  vmId: string;
  /** The run's verdict; "awaiting-approval" while it waits for one. */
  verdict: RunVerdict | "awaiting-approval";
  /** One or two sentences: what happened and what is asked. */
  summary: string;
  causes?: CauseCode[];
  /** Exact actions for a person. */
  humanActions?: string[];
  /** Where to read the run's status (and approve or reject it). */
  statusUrl?: string;
  snapshotId?: string;
  startedAt?: string;
  /** Who started the run (a manual run), from their token. */
  startedBy?: Actor;
  /** Who approved, rejected or canceled it, when, with what comment. */
  decisions?: RunDecision[];
  /** What the approval is (or was) for: each role removal, a restart with the number of users signed in. */
  approvals?: ApprovalReason[];
}

export interface NotifyResult {
  delivered: boolean;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  error?: string;
}

export interface RunNotifier {
  /** Never throws: a failing receiver must not fail the run. */
  notify(notification: RunNotification): Promise<NotifyResult>;
}
