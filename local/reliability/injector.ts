/**
 * Applies each case's injections: rules "at start" right before the case's alert, the others at the first idle
 * moment (every run waiting on a durable timer) after the request they wait for. Requests this runner sends
 * itself are remembered, so that the checks judge only the app's requests.
 */
import type { AzureSimulator, RequestLogEntry } from "../simulator";
import type { Injection } from "./injections";
import type { FaultCase } from "./matrix";
import { OtherClient } from "./other-client";

interface CaseProgress {
  faultCase: FaultCase;
  vmId: string;
  /** Index of the next injection to apply (they apply in order). */
  next: number;
  /** What happened, for the report. */
  done: string[];
  error?: string;
}

export class FaultInjector {
  private readonly cases: CaseProgress[];
  private readonly other: OtherClient;
  private readonly ownSeqs = new Set<number>();
  private scanned = 0;

  constructor(
    private readonly sim: AzureSimulator,
    cases: ReadonlyArray<{ faultCase: FaultCase; vmId: string }>,
  ) {
    this.cases = cases.map((c) => ({ ...c, next: 0, done: [] }));
    this.other = new OtherClient(sim);
  }

  /** Applies the case's "before the alert" rules. */
  beforeAlert(caseId: string): void {
    const progress = this.progress(caseId);
    while (progress.next < progress.faultCase.injections.length) {
      const injection = progress.faultCase.injections[progress.next]!;
      if (injection.when.at !== "start" || injection.action.kind !== "rule") break;
      this.sim.addFault(injection.action.rule);
      progress.done.push("rule added before the alert");
      progress.next++;
    }
  }

  /** Called when the host is idle: applies the injections whose request has happened. */
  async onIdle(): Promise<void> {
    const entries = this.sim.requestLog.entries().filter((e) => e.seq > this.scanned && !this.ownSeqs.has(e.seq));
    this.scanned = Math.max(this.scanned, ...entries.map((e) => e.seq));
    for (const progress of this.cases) {
      const mine = entries.filter((e) => e.vmId === progress.vmId);
      let from = 0;
      while (progress.next < progress.faultCase.injections.length && progress.error === undefined) {
        const injection = progress.faultCase.injections[progress.next]!;
        const when = injection.when;
        const found = when.at === "after" ? mine.slice(from).findIndex(when.match) : -1;
        if (found < 0) break;
        from += found + 1;
        const trigger = mine[from - 1]!;
        await this.apply(progress, injection, trigger);
        progress.next++;
      }
    }
  }

  /** Sequence numbers of the requests this runner sent (another client's Run Command and its polls). */
  ownRequests(): ReadonlySet<number> {
    return this.ownSeqs;
  }

  /** What was injected into a case, and any injection that could not be made. */
  outcome(caseId: string): { applied: string[]; pending: number; error: string | undefined } {
    const p = this.progress(caseId);
    return { applied: p.done, pending: p.faultCase.injections.length - p.next, error: p.error };
  }

  private async apply(progress: CaseProgress, injection: Injection, trigger: RequestLogEntry): Promise<void> {
    const before = this.lastSeq();
    try {
      switch (injection.action.kind) {
        case "rule":
          this.sim.addFault(injection.action.rule);
          progress.done.push(`rule added after request #${trigger.seq}`);
          break;
        case "occupy-run-command":
          await this.other.occupyRunCommand(progress.vmId, trigger.pollOf === "vm.runCommand" ? trigger.path : undefined);
          progress.done.push(`another Run Command took the lock after request #${trigger.seq}`);
          break;
        case "release-run-command":
          await this.other.releaseRunCommand(progress.vmId);
          progress.done.push(`the other Run Command ended after request #${trigger.seq}`);
          break;
      }
    } catch (error) {
      progress.error = (error as Error).message;
    } finally {
      // The host is idle: every request logged meanwhile is this runner's own.
      for (let seq = before + 1; seq <= this.lastSeq(); seq++) this.ownSeqs.add(seq);
      this.scanned = Math.max(this.scanned, this.lastSeq());
    }
  }

  private lastSeq(): number {
    const entries = this.sim.requestLog.entries();
    return entries.length === 0 ? 0 : entries[entries.length - 1]!.seq;
  }

  private progress(caseId: string): CaseProgress {
    const found = this.cases.find((c) => c.faultCase.id === caseId);
    if (!found) throw new Error(`unknown case ${caseId}`);
    return found;
  }
}
