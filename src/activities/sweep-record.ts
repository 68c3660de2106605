import { unknownCheck } from "../domain/sweep-check";
import { summarise, type SweepSummary } from "../domain/sweep-summary";
import { unpackTargets } from "../domain/sweep-targets";
import type { RecordChecksInput, RecordUncheckedInput, SweepReport } from "./sweep-contracts";
import type { SweepDeps } from "./sweep-deps";

/** Stores a batch's per-VM results (when a ledger is configured). */
export function createSweepRecordChecks(deps: Pick<SweepDeps, "ledger">) {
  return async (input: RecordChecksInput): Promise<{ recorded: number }> => {
    if (!deps.ledger) return { recorded: 0 };
    await deps.ledger.recordChecks(input.sweepId, input.checks);
    return { recorded: input.checks.length };
  };
}

/** The VMs a stopped sweep never reached: recorded as unknown "not-checked"; returns their summary. */
export function createSweepRecordUnchecked(deps: Pick<SweepDeps, "ledger" | "now">) {
  return async (input: RecordUncheckedInput): Promise<SweepSummary> => {
    const now = deps.now();
    const checks = unpackTargets(input.targets).map((t) => unknownCheck(t.vmId, "not-checked", input.reason, { symptoms: t.symptoms, now }));
    if (deps.ledger) {
      for (let i = 0; i < checks.length; i += 1000) await deps.ledger.recordChecks(input.sweepId, checks.slice(i, i + 1000));
    }
    return summarise(checks);
  };
}

export function createSweepRecordReport(deps: Pick<SweepDeps, "ledger">) {
  return async (report: SweepReport): Promise<{ recorded: boolean }> => {
    if (!deps.ledger) return { recorded: false };
    await deps.ledger.recordReport(report);
    return { recorded: true };
  };
}
