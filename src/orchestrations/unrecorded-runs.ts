import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { GUARD_ACTIVITIES } from "../activities/contracts";
import { activityFailureMessage } from "../domain/activity-failure";
import { instanceIdForVm, parseVmId } from "../domain/resource-id";
import type { RunReport } from "../domain/run";
import { UNRECORDED_RUN, type UnrecordedRunEntry } from "../entities/unrecorded-run";
import { AZURE_RETRY } from "./wait-for-operation";

type Step<T> = Generator<df.Task, T, any>;

/** The VM's unrecorded-run mark (an entity per VM, keyed like its runs). */
export function unrecordedRunEntity(vmId: string): df.EntityId {
  return new df.EntityId(UNRECORDED_RUN, instanceIdForVm(parseVmId(vmId)));
}

/** A run changed its VM when any step was applied or attempted (a restore only follows a step). */
export function changedVm(report: RunReport): boolean {
  return report.steps.length > 0;
}

export type RecordOutcome = { recorded: true } | { recorded: false; error: string; marked: boolean };

/**
 * Writes the run's report to the ledger (with retries). When that fails and the run changed the VM, the report is
 * kept in the VM's mark: the next run writes it before anything else and changes nothing until it could.
 */
export function* recordOrMark(context: OrchestrationContext, report: RunReport): Step<RecordOutcome> {
  try {
    yield context.df.callActivityWithRetry(GUARD_ACTIVITIES.recordRun, AZURE_RETRY, { report, guard: report.guard });
    return { recorded: true };
  } catch (failure) {
    const error = activityFailureMessage(failure);
    if (!changedVm(report)) return { recorded: false, error, marked: false };
    const entry: UnrecordedRunEntry = { report, failedAt: context.df.currentUtcDateTime.toISOString(), error };
    yield context.df.callEntity(unrecordedRunEntity(report.vmId), "mark", entry);
    return { recorded: false, error, marked: true };
  }
}

/**
 * Before a run may change its VM: writes every report an earlier run left unrecorded, clearing each mark it
 * writes. Returns the first it still cannot write (the run must then hold), or undefined when none is left.
 */
export function* writeUnrecordedRuns(context: OrchestrationContext, vmId: string): Step<UnrecordedRunEntry & { retryError: string } | undefined> {
  const entity = unrecordedRunEntity(vmId);
  const entries: UnrecordedRunEntry[] | null = yield context.df.callEntity(entity, "get");
  for (const entry of entries ?? []) {
    const late: RunReport = {
      ...entry.report,
      reason: `${entry.report.reason} (recorded late, by the next run: at ${entry.failedAt} the ledger answered: ${entry.error})`,
    };
    try {
      yield context.df.callActivityWithRetry(GUARD_ACTIVITIES.recordRun, AZURE_RETRY, { report: late, guard: late.guard });
    } catch (failure) {
      return { ...entry, retryError: activityFailureMessage(failure) };
    }
    yield context.df.callEntity(entity, "clear", { runId: entry.report.runId, startedAt: entry.report.startedAt });
  }
  return undefined;
}
