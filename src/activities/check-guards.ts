import { evaluateGuards, serversOfPlan, type GuardDecision } from "../domain/guards";
import type { Plan, ProbeResult } from "../domain/playbook";
import type { ActivityDeps } from "./deps";

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Reads the ledger and decides whether this VM may be changed now (cooldown, recurrence, license-server breaker). */
export function createCheckGuards(deps: Pick<ActivityDeps, "config" | "ledger">) {
  /** `now` is the orchestration's time: the same clock that stamped the runs in the ledger. */
  return async (input: { vmId: string; plan: Plan; probe: ProbeResult; now: string }): Promise<GuardDecision> => {
    const ledger = deps.ledger;
    if (!ledger) return { action: "proceed", notes: ["no ledger configured (LEDGER_TABLE_ENDPOINT): history guards are off"] };
    const settings = deps.config.guards;
    const now = new Date(input.now);
    // The ledger finds runs by start time; the guards judge them by end time. A run can last up to its approval
    // wait plus its operations, so look back that much further and let the guards filter.
    const longestRun = deps.config.approvalTimeoutHours * 60 * MINUTE + deps.config.operationTimeoutMinutes * 8 * MINUTE;
    const vmSince = new Date(now.getTime() - Math.max(settings.recurrenceWindowDays * DAY, settings.cooldownMinutes * MINUTE) - longestRun);
    const serverSince = new Date(now.getTime() - settings.breakerWindowMinutes * MINUTE - longestRun);
    const vmHistory = await ledger.recentRunsForVm(input.vmId, vmSince, 200);
    const serverHistory = new Map<string, Awaited<ReturnType<typeof ledger.recentRunsForLicenseServer>>>();
    for (const server of serversOfPlan(input.plan, deps.config.policy.licenseServers)) {
      serverHistory.set(server, await ledger.recentRunsForLicenseServer(server, serverSince, 500));
    }
    return evaluateGuards({ vmId: input.vmId, now, plan: input.plan, probe: input.probe, vmHistory, serverHistory, settings });
  };
}
