/**
 * A run record <-> its Table entity. Scalars are columns (readable in Storage Explorer, usable in filters); lists
 * and maps are JSON strings, each fitted to MAX_PROPERTY_CHARS. Six JSON columns of at most 32K code units plus
 * short scalars stay far below the 1 MiB entity limit, whether counted as UTF-16 (as Azure does) or as the UTF-8
 * request body (at most 3 bytes per code unit, since JSON.stringify escapes control characters).
 */
import { InputError } from "../errors";
import type { ApprovalReason, Cause, PlanStep } from "../domain/playbook";
import type { PendingAlert, RunDecision } from "../domain/run";
import { isRunVerdict, type RunRecord, type StepResult } from "../domain/run-record";
import {
  MAX_PROPERTY_CHARS,
  cutText,
  dropStepValues,
  fitList,
  shrinkStepValues,
  shrinkText,
} from "./ledger-fit";
import { isStorableRunId, normaliseServer, normaliseVmId, runRowKey, toEpochMs, vmPartition } from "./ledger-keys";

export const SCHEMA_VERSION = 1;
const MAX_SCALAR_CHARS = 1024;
const MAX_ERROR_CHARS = 4000;

export interface RunEntity {
  partitionKey: string;
  rowKey: string;
  kind: "run";
  schema: number;
  runId: string;
  vmId: string;
  triggerKind: string;
  alertId?: string;
  alertRule?: string;
  sweepId?: string;
  /** Who started a manual run: object ID and name (readable in Storage Explorer, usable in filters). */
  startedById?: string;
  startedByName?: string;
  startedAt: Date;
  endedAt: Date;
  verdict: string;
  snapshotId?: string;
  errorCode?: string;
  errorMessage?: string;
  reason?: string;
  guard?: string;
  licenseServersJson: string;
  causesJson: string;
  planJson: string;
  stepsJson: string;
  humanActionsJson: string;
  durationsJson: string;
  /** Who approved, rejected or canceled (absent when nobody did). */
  decisionsJson?: string;
  /** What a person was asked to approve (absent when nothing was). */
  approvalsJson?: string;
  pendingAlertsJson?: string;
  truncated: boolean;
}

/** The entity to store, the record as stored (normalised, maybe shortened) and its start in epoch ms. */
export function toRunEntity(record: RunRecord): { entity: RunEntity; stored: RunRecord; startedMs: number } {
  checkRecord(record);
  const startedMs = toEpochMs(record.startedAt, "startedAt");
  const endedMs = toEpochMs(record.endedAt, "endedAt");
  const vmId = normaliseVmId(record.vmId);

  const servers = fitList(unique(record.licenseServers.map(normaliseServer)), MAX_PROPERTY_CHARS);
  const causes = fitList<Cause>(record.causes, MAX_PROPERTY_CHARS, [
    (c) => ({ ...c, detail: cutText(c.detail, 1000) }),
    (c) => ({ ...c, detail: cutText(c.detail, 100) }),
  ]);
  const plan = fitList<PlanStep>(record.plan, MAX_PROPERTY_CHARS);
  const steps = fitList<StepResult>(record.steps, MAX_PROPERTY_CHARS, [shrinkStepValues, dropStepValues]);
  const humanActions = fitList(record.humanActions ?? [], MAX_PROPERTY_CHARS, [shrinkText(1000), shrinkText(100)]);
  const durations = fitList(Object.entries(record.durationsMs), MAX_PROPERTY_CHARS);
  const decisions = fitList<RunDecision>(record.decisions ?? [], MAX_PROPERTY_CHARS, [
    (d) => ({ ...d, ...(d.comment === undefined ? {} : { comment: cutText(d.comment, 200) }) }),
  ]);
  const approvals = fitList<ApprovalReason>(record.approvals ?? [], MAX_PROPERTY_CHARS, [(a) => ({ ...a, detail: cutText(a.detail, 300) })]);
  const pendingAlerts = fitList<PendingAlert>(record.pendingAlerts ?? [], MAX_PROPERTY_CHARS);
  const errorMessage = record.error ? cutText(record.error.message, MAX_ERROR_CHARS) : undefined;

  const truncated =
    record.truncated === true ||
    [servers, causes, plan, steps, humanActions, durations, decisions, approvals, pendingAlerts].some((f) => f.truncated) ||
    (record.error !== undefined && errorMessage !== record.error.message);

  const stored: RunRecord = {
    runId: record.runId,
    vmId,
    trigger: { ...record.trigger },
    startedAt: new Date(startedMs).toISOString(),
    endedAt: new Date(endedMs).toISOString(),
    verdict: record.verdict,
    causes: causes.items,
    plan: plan.items,
    steps: steps.items,
    ...(record.humanActions === undefined ? {} : { humanActions: humanActions.items }),
    ...(record.snapshotId === undefined ? {} : { snapshotId: record.snapshotId }),
    licenseServers: servers.items,
    ...(record.error === undefined ? {} : { error: { code: record.error.code, message: errorMessage ?? "" } }),
    ...(record.reason === undefined ? {} : { reason: cutText(record.reason, MAX_ERROR_CHARS) }),
    ...(record.guard === undefined ? {} : { guard: record.guard }),
    durationsMs: Object.fromEntries(durations.items),
    ...(record.startedBy === undefined ? {} : { startedBy: { id: record.startedBy.id, name: record.startedBy.name } }),
    ...(record.decisions === undefined ? {} : { decisions: decisions.items }),
    ...(record.approvals === undefined ? {} : { approvals: approvals.items }),
    ...(record.pendingAlerts === undefined ? {} : { pendingAlerts: pendingAlerts.items }),
    ...(truncated ? { truncated: true } : {}),
  };

  const entity: RunEntity = {
    partitionKey: vmPartition(vmId),
    rowKey: runRowKey(startedMs, record.runId),
    kind: "run",
    schema: SCHEMA_VERSION,
    runId: record.runId,
    vmId,
    triggerKind: record.trigger.kind,
    ...(record.trigger.alertId === undefined ? {} : { alertId: record.trigger.alertId }),
    ...(record.trigger.alertRule === undefined ? {} : { alertRule: record.trigger.alertRule }),
    ...(record.trigger.sweepId === undefined ? {} : { sweepId: record.trigger.sweepId }),
    ...(record.startedBy === undefined ? {} : { startedById: record.startedBy.id, startedByName: record.startedBy.name }),
    startedAt: new Date(startedMs),
    endedAt: new Date(endedMs),
    verdict: record.verdict,
    ...(record.snapshotId === undefined ? {} : { snapshotId: record.snapshotId }),
    ...(record.error === undefined ? {} : { errorCode: record.error.code, errorMessage }),
    ...(record.reason === undefined ? {} : { reason: cutText(record.reason, MAX_ERROR_CHARS) }),
    ...(record.guard === undefined ? {} : { guard: record.guard }),
    licenseServersJson: servers.json,
    causesJson: causes.json,
    planJson: plan.json,
    stepsJson: steps.json,
    humanActionsJson: record.humanActions === undefined ? "null" : humanActions.json,
    durationsJson: JSON.stringify(stored.durationsMs),
    ...(record.decisions === undefined ? {} : { decisionsJson: decisions.json }),
    ...(record.approvals === undefined ? {} : { approvalsJson: approvals.json }),
    ...(record.pendingAlerts === undefined ? {} : { pendingAlertsJson: pendingAlerts.json }),
    truncated,
  };
  return { entity, stored, startedMs };
}

export function fromRunEntity(entity: Record<string, unknown>): RunRecord {
  const text = (name: string): string | undefined => {
    const value = entity[name];
    return typeof value === "string" ? value : undefined;
  };
  const time = (name: string): string => {
    const value = entity[name];
    return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
  };
  const json = <T>(name: string, fallback: T): T => {
    const value = text(name);
    return value === undefined ? fallback : (JSON.parse(value) as T);
  };
  const verdict = text("verdict");
  if (!isRunVerdict(verdict)) throw new Error(`ledger entity ${String(entity.rowKey)} has no valid verdict`);
  const humanActions = json<string[] | null>("humanActionsJson", null);
  const errorCode = text("errorCode");
  const alertId = text("alertId");
  const alertRule = text("alertRule");
  const sweepId = text("sweepId");
  const startedById = text("startedById");
  const decisions = json<RunDecision[] | undefined>("decisionsJson", undefined);
  const approvals = json<ApprovalReason[] | undefined>("approvalsJson", undefined);
  const pendingAlerts = json<PendingAlert[] | undefined>("pendingAlertsJson", undefined);
  const snapshotId = text("snapshotId");
  const reason = text("reason");
  const guard = text("guard");
  return {
    runId: text("runId") ?? "",
    vmId: text("vmId") ?? "",
    trigger: {
      kind: text("triggerKind") as RunRecord["trigger"]["kind"],
      ...(alertId === undefined ? {} : { alertId }),
      ...(alertRule === undefined ? {} : { alertRule }),
      ...(sweepId === undefined ? {} : { sweepId }),
    },
    startedAt: time("startedAt"),
    endedAt: time("endedAt"),
    verdict,
    causes: json<Cause[]>("causesJson", []),
    plan: json<PlanStep[]>("planJson", []),
    steps: json<StepResult[]>("stepsJson", []),
    ...(humanActions === null ? {} : { humanActions }),
    ...(snapshotId === undefined ? {} : { snapshotId }),
    licenseServers: json<string[]>("licenseServersJson", []),
    ...(errorCode === undefined ? {} : { error: { code: errorCode, message: text("errorMessage") ?? "" } }),
    ...(reason === undefined ? {} : { reason }),
    ...(guard === undefined ? {} : { guard }),
    durationsMs: json<Record<string, number>>("durationsJson", {}),
    ...(startedById === undefined ? {} : { startedBy: { id: startedById, name: text("startedByName") ?? startedById } }),
    ...(decisions === undefined ? {} : { decisions }),
    ...(approvals === undefined ? {} : { approvals }),
    ...(pendingAlerts === undefined ? {} : { pendingAlerts }),
    ...(entity.truncated === true ? { truncated: true } : {}),
  };
}

function checkRecord(record: RunRecord): void {
  const fail = (message: string) => {
    throw new InputError("run-record-invalid", message);
  };
  if (typeof record.runId !== "string" || !isStorableRunId(record.runId)) {
    fail("runId must be 1-200 characters without '/', '\\', '#', '?' or control characters");
  }
  if (typeof record.vmId !== "string" || normaliseVmId(record.vmId).length === 0) fail("vmId is empty");
  if (!isRunVerdict(record.verdict)) fail(`verdict ${String(record.verdict)} is not one of the run verdicts`);
  if (!["alert", "manual", "sweep"].includes(record.trigger?.kind)) fail("trigger.kind must be alert, manual or sweep");
  for (const [name, value] of [
    ["vmId", record.vmId],
    ["trigger.alertId", record.trigger.alertId],
    ["trigger.alertRule", record.trigger.alertRule],
    ["startedBy.id", record.startedBy?.id],
    ["startedBy.name", record.startedBy?.name],
    ["trigger.sweepId", record.trigger.sweepId],
    ["snapshotId", record.snapshotId],
    ["error.code", record.error?.code],
    ["guard", record.guard],
  ] as const) {
    if (value !== undefined && value.length > MAX_SCALAR_CHARS) fail(`${name} is longer than ${MAX_SCALAR_CHARS} characters`);
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v.length > 0))];
}
