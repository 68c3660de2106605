import type { GuardSettings } from "../config";
import type { Plan, ProbeResult } from "./playbook";
import type { RunRecord } from "./run-record";

/** What the history says about changing this VM now. */
export type GuardDecision =
  | { action: "proceed"; notes: string[] }
  | { action: "hold"; guard: "cooldown"; reason: string }
  | { action: "needs-human"; guard: "recurrence"; reason: string }
  | { action: "needs-human"; guard: "license-server-breaker"; server: string; reason: string; notify: boolean };

export interface GuardInput {
  vmId: string;
  now: Date;
  plan: Plan;
  probe: ProbeResult;
  /** This VM's recent runs (newest first). */
  vmHistory: readonly RunRecord[];
  /** Recent runs per license server the plan depends on (newest first). */
  serverHistory: ReadonlyMap<string, readonly RunRecord[]>;
  settings: GuardSettings;
}

const MINUTE = 60_000;

/** A run changed the VM when at least one step was applied. */
export function changedVm(record: RunRecord): boolean {
  return record.steps.some((s) => s.status === "applied" || s.status === "rolled-back");
}

/** A run found something to fix (whatever it then did about it). */
export function neededFix(record: RunRecord): boolean {
  return record.plan.some((step) => step.kind !== "restart");
}

/** The license servers a plan makes the VM depend on: the ones it sets, else the policy's. */
export function serversOfPlan(plan: Plan, policyServers: readonly string[]): string[] {
  const set = plan.steps.find((s) => s.kind === "set-license-servers");
  const servers = set && set.kind === "set-license-servers" ? set.servers : policyServers;
  return [...new Set(servers.map((s) => s.toLowerCase().replace(/\.$/, "")))];
}

/**
 * The guards that read the ledger, in order: recurrence (the same VM keeps needing the fix), the license-server
 * circuit breaker (many VMs of one server need fixes and the server does not answer properly), then the cooldown.
 */
export function evaluateGuards(input: GuardInput): GuardDecision {
  const { settings, now } = input;
  const since = (minutes: number) => now.getTime() - minutes * MINUTE;

  const recentFixes = input.vmHistory.filter(
    (r) => r.verdict === "remediated" && Date.parse(r.endedAt) >= since(settings.recurrenceWindowDays * 1440),
  );
  if (recentFixes.length >= settings.recurrenceLimit) {
    return {
      action: "needs-human",
      guard: "recurrence",
      reason:
        `this VM was repaired ${recentFixes.length} times in the last ${settings.recurrenceWindowDays} days: something keeps ` +
        "undoing the fix (a Group Policy, an image or configuration tool, a script); find it before repairing again",
    };
  }

  const notes: string[] = [];
  for (const [server, history] of input.serverHistory) {
    const windowStart = since(settings.breakerWindowMinutes);
    const vms = new Set(
      history.filter((r) => neededFix(r) && Date.parse(r.endedAt) >= windowStart && r.vmId !== input.vmId).map((r) => r.vmId),
    );
    vms.add(input.vmId);
    if (vms.size < settings.breakerThreshold) continue;
    const check = input.probe.servers.find((s) => s.name.toLowerCase().replace(/\.$/, "") === server);
    const answers = check !== undefined && check.dnsResolved && check.tcp135 && check.health === "ok";
    if (answers) {
      notes.push(`${vms.size} VMs of license server ${server} needed fixes recently, but it answers: the breaker stays closed`);
      continue;
    }
    const alreadyReported = history.some(
      (r) => r.guard === "license-server-breaker" && r.vmId !== input.vmId && Date.parse(r.endedAt) >= windowStart,
    );
    return {
      action: "needs-human",
      guard: "license-server-breaker",
      server,
      notify: !alreadyReported,
      reason:
        `license server ${server} is the likely cause: ${vms.size} VMs that use it needed a fix within ` +
        `${settings.breakerWindowMinutes} minutes and it ${check ? `reports ${check.health}${check.tcp135 ? "" : ", TCP 135 closed"}` : "was not checked"}; ` +
        "no VM is changed for this server until it answers",
    };
  }

  const lastChange = input.vmHistory.find(changedVm);
  if (lastChange && Date.parse(lastChange.endedAt) > since(settings.cooldownMinutes)) {
    const until = new Date(Date.parse(lastChange.endedAt) + settings.cooldownMinutes * MINUTE).toISOString();
    return {
      action: "hold",
      guard: "cooldown",
      reason: `run ${lastChange.runId} changed this VM at ${lastChange.endedAt}; no new change before ${until} (cooldown)`,
    };
  }
  return { action: "proceed", notes };
}
