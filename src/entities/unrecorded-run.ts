import type { EntityContext } from "durable-functions";
import type { RunReport } from "../domain/run";

/**
 * The mark a run leaves when it changed its VM and could not write its record to the ledger: one entity per VM
 * (keyed by the VM's run ID). It lives in the task hub, the store that keeps the runs themselves, not in the ledger
 * that just failed; it holds the unwritten reports, so nothing is lost, and the next run for the VM writes them
 * before it may change anything (guards fail closed).
 */
export const UNRECORDED_RUN = "UnrecordedRun";

export interface UnrecordedRunEntry {
  report: RunReport;
  /** When writing it failed (orchestration time, ISO), and why. */
  failedAt: string;
  error: string;
}

export interface UnrecordedRunState {
  runs: UnrecordedRunEntry[];
}

/** More cannot happen (a marked VM is never changed again until its mark is cleared); the bound keeps the state small. */
const MAX_ENTRIES = 20;

export function unrecordedRun(context: EntityContext<UnrecordedRunState>): void {
  const state = context.df.getState(() => ({ runs: [] })) ?? { runs: [] };
  switch (context.df.operationName) {
    case "mark": {
      const entry = context.df.getInput<UnrecordedRunEntry>();
      const same = (r: UnrecordedRunEntry) => r.report.runId === entry?.report.runId && r.report.startedAt === entry?.report.startedAt;
      if (entry && !state.runs.some(same) && state.runs.length < MAX_ENTRIES) state.runs.push(entry);
      break;
    }
    case "get":
      context.df.return(state.runs);
      return;
    case "clear": {
      // Only a run that was written clears its own mark.
      const written = context.df.getInput<{ runId: string; startedAt: string }>();
      if (written) state.runs = state.runs.filter((r) => !(r.report.runId === written.runId && r.report.startedAt === written.startedAt));
      break;
    }
  }
  context.df.setState(state);
}
