import { MODE_CAUSES } from "./diagnose";
import {
  brokerAction,
  calsHiddenForRemovalAction,
  fixGpoModeAction,
  fixGpoServersAction,
  installLicenseServerAction,
  licensingEventsAction,
  licensingRoleInUseAction,
  modeSwitchHiddenAction,
  notBackedUpAction,
  perUserInWorkgroupAction,
  rebootPendingAction,
  roleUnknownAction,
  serverAction,
  termServiceAction,
} from "./human-actions";
import { calFactsOf, checkOf, servingOf, type Serving } from "./license-servers";
import { calTypeOf, effectiveMode, effectiveServers, gpoConflicts, uniqueServers } from "./licensing-state";
import type { ApprovalReason, Cause, CauseCode, Plan, PlanStep, PlaybookPolicy, ProbeResult } from "./playbook";
import { decideRestart } from "./restart-decision";

export interface PlanOptions {
  /** Bring drift back to the policy too (runs started by a sweep under SWEEP_POLICY=enforce). */
  enforceDrift: boolean;
}

/** Step order (the article's): mode, servers, role removals; one restart after them. */
const ORDER: PlanStep["kind"][] = ["set-licensing-mode", "set-license-servers", "remove-rdsh-role", "remove-licensing-role"];

/**
 * Turns causes into ordered steps. It changes a setting only when a cause says licensing breaks because of it
 * (drift only under enforceDrift), never writes what Group Policy or a connection broker would revert, never a
 * value it could not put back exactly, never a mode away from the CALs the license servers have, and never acts
 * on a host whose role or service state it cannot read. Anything a person must do for a broken host stops the
 * plan (no partial fix) and is said exactly. Role removals need approval; the restart is decided last
 * (restart-decision.ts).
 */
export function planRemediation(probe: ProbeResult, causes: Cause[], policy: PlaybookPolicy, options: PlanOptions = { enforceDrift: false }): Plan {
  const has = (...codes: CauseCode[]) => causes.some((c) => codes.includes(c.code));
  const breaking = causes.filter((c) => c.effect === "breaks");
  const drifting = causes.filter((c) => c.effect === "drift");
  const human: string[] = [];
  const approvals: ApprovalReason[] = [];
  /** The plan: the changes in order and one restart after them ("fix"), else the verdict given. */
  const finish = (changes: PlanStep[], otherwise: Exclude<Plan["verdict"], "fix">, restartOnly = false): Plan => {
    const ordered = [...changes].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
    if (ordered.length > 0 || restartOnly) ordered.push({ kind: "restart" });
    const restart = decideRestart(probe, ordered, policy);
    if (restart.mode === "approve") approvals.push({ kind: "restart-with-users", detail: restart.detail });
    return {
      verdict: ordered.length > 0 ? "fix" : otherwise,
      causes,
      steps: ordered,
      humanActions: [...new Set(human)],
      needsApproval: approvals.length > 0,
      approvals,
      restart,
    };
  };

  // No role, no RD licensing: nothing to fix and nothing for a person to do about it.
  if (has("role-not-installed")) return finish([], "healthy");
  if (has("role-state-unknown")) {
    human.push(roleUnknownAction(probe));
    return finish([], "needs-human");
  }
  if (has("termservice-disabled", "termservice-stopped")) {
    human.push(termServiceAction(probe));
    return finish([], "needs-human");
  }
  // A servicing operation waits: restart first, then the next run sees the settled role.
  if (has("role-pending-restart")) return finish([], "needs-human", true);

  const writes = new Writes(probe, policy, human);
  // A licensing role the policy would remove but that other hosts may use: a person decides.
  const roleInUse = has("licensing-role-in-use");
  if (roleInUse) human.push(licensingRoleInUseAction(probe));

  if (breaking.length > 0) {
    const steps: PlanStep[] = [];
    const removal = noCalsRemoval(probe, causes, policy, human, approvals);
    if (removal !== undefined) return finish(removal, "needs-human");

    const current = effectiveMode(probe).value;
    // Switching towards the CALs there are is a fix; the policy's mode must be the one they are for.
    const needsMode = has(...MODE_CAUSES) || (breaking.some((c) => c.code === "cal-type-mismatch") && current !== policy.licensingMode);
    const targetMode = needsMode ? policy.licensingMode : current;
    const configured = effectiveServers(probe).value;
    const configuredServes = configured !== null && configured.some((name) => servingOf(probe, name, targetMode).state !== "no");
    const serverStep = configuredServes ? undefined : writes.servers(targetMode, "broken");
    if (serverStep !== undefined) steps.push(serverStep);
    if (needsMode) {
      const step = writes.mode(policy.licensingMode, serverStep !== undefined ? policy.licenseServers : (configured ?? []));
      if (step !== undefined) steps.push(step);
    }
    if (has("licensing-events") && steps.length === 0 && !writes.blocked) human.push(licensingEventsAction(probe));
    // No partial fix: a broken host gets every step it needs, or none.
    return finish(writes.blocked ? [] : steps, "needs-human");
  }

  if (drifting.length > 0 && options.enforceDrift) {
    const steps: PlanStep[] = [];
    if (has("mode-wrong")) {
      const step = writes.modeSwitch();
      if (step !== undefined) steps.push(step);
    }
    const mode = steps.some((s) => s.kind === "set-licensing-mode") ? policy.licensingMode : effectiveMode(probe).value;
    if (has("license-server-wrong", "server-named-differently")) {
      const step = writes.servers(mode, "drift");
      if (step !== undefined) steps.push(step);
    }
    writes.gpoActions();
    if (has("licensing-role-unused")) {
      if (probe.pendingReboot.length > 0) human.push(rebootPendingAction(probe, "remove the RD Licensing role"));
      else {
        steps.push({ kind: "remove-licensing-role" });
        approvals.push({ kind: "remove-licensing-role", detail: licensingRoleApproval(probe) });
      }
    }
    return finish(steps, roleInUse ? "needs-human" : "drift");
  }
  writes.gpoActions();
  if (has("broker-managed") && drifting.length > 0) human.push(brokerAction(probe, policy));
  return finish([], roleInUse ? "needs-human" : drifting.length > 0 ? "drift" : "healthy");
}

/** The registry writes a plan may make, each refused (with what a person must do) when it would not be safe. */
class Writes {
  blocked = false;

  constructor(
    private readonly probe: ProbeResult,
    private readonly policy: PlaybookPolicy,
    private readonly human: string[],
  ) {}

  private refuse(action: string): undefined {
    this.blocked = true;
    this.human.push(action);
    return undefined;
  }

  /** Things that stop any local write of this value. */
  private localWriteProblem(value: "LicensingMode" | "SpecifiedLicenseServers"): string | undefined {
    const { probe, policy } = this;
    if (probe.broker !== null) return brokerAction(probe, policy);
    if (value === "LicensingMode" && probe.policyLicensingMode !== null) return fixGpoModeAction(probe, policy, probe.policyLicensingMode);
    const servers = effectiveServers(probe);
    if (value === "SpecifiedLicenseServers" && servers.source === "gpo") return fixGpoServersAction(probe, policy, servers.value!);
    const fact = value === "LicensingMode" ? probe.licensingModeValue : probe.specifiedLicenseServersValue;
    if (fact !== null && fact.data === null) return notBackedUpAction(probe, value);
    return undefined;
  }

  /**
   * Sets the mode of a broken host: never per user on a workgroup host, never away from the CALs the servers it
   * will use have (where they are visible).
   */
  mode(mode: 2 | 4, servers: readonly string[]): PlanStep | undefined {
    const { probe, policy } = this;
    const problem = this.localWriteProblem("LicensingMode");
    if (problem !== undefined) return this.refuse(problem);
    if (mode === 4 && inWorkgroup(probe)) return this.refuse(perUserInWorkgroupAction(probe, policy));
    const type = calTypeOf(mode);
    const mismatch = uniqueServers(servers).find((name) => {
      const facts = calFactsOf(probe, name);
      return facts !== null && facts.packs.length > 0 && !facts.packs.some((p) => p.type === type);
    });
    if (mismatch !== undefined) return this.refuse(serverAction(probe, policy, mismatch, servingOf(probe, mismatch, mode))!);
    return { kind: "set-licensing-mode", mode };
  }

  /** Switches a working mode to the policy's (enforce): only when every serving server's CALs are visible and fit. */
  modeSwitch(): PlanStep | undefined {
    const { probe, policy } = this;
    const problem = this.localWriteProblem("LicensingMode");
    if (problem !== undefined) return this.refuse(problem);
    if (policy.licensingMode === 4 && inWorkgroup(probe)) return this.refuse(perUserInWorkgroupAction(probe, policy));
    const targets = this.targets(policy.licensingMode);
    const hidden = targets.filter((t) => t.serving.state !== "no" && calFactsOf(probe, t.name) === null).map((t) => t.name);
    if (hidden.length > 0) return this.refuse(modeSwitchHiddenAction(probe, policy, hidden));
    if (!targets.some((t) => t.serving.state === "yes")) return this.refuseServers(targets);
    return { kind: "set-licensing-mode", mode: policy.licensingMode };
  }

  /**
   * Writes the policy's servers. For a broken host a server that may serve is enough (its status unknown is not
   * taken as broken); drift is changed only towards a server Windows says is valid.
   */
  servers(mode: number | null, why: "broken" | "drift"): PlanStep | undefined {
    const problem = this.localWriteProblem("SpecifiedLicenseServers");
    if (problem !== undefined) return this.refuse(problem);
    const targets = this.targets(mode);
    const good = targets.filter((t) => (why === "broken" ? t.serving.state !== "no" : t.serving.state === "yes"));
    if (good.length === 0) return this.refuseServers(targets);
    return { kind: "set-license-servers", servers: uniqueServers(this.policy.licenseServers) };
  }

  /** Refused for the policy's servers: what a person does about each that cannot serve; installing one when none resolves. */
  private refuseServers(targets: Array<{ name: string; serving: Serving }>): undefined {
    const { probe, policy } = this;
    this.blocked = true;
    if (targets.every((t) => checkOf(probe, t.name)?.dnsResolved === false)) this.human.push(installLicenseServerAction(probe, policy));
    for (const t of targets) {
      const action = serverAction(probe, policy, t.name, t.serving);
      if (action !== undefined) this.human.push(action);
    }
    return undefined;
  }

  gpoActions(): void {
    const gpo = gpoConflicts(this.probe, this.policy);
    if (gpo.mode !== null) this.human.push(fixGpoModeAction(this.probe, this.policy, gpo.mode));
    if (gpo.servers !== null) this.human.push(fixGpoServersAction(this.probe, this.policy, gpo.servers));
  }

  private targets(mode: number | null) {
    return uniqueServers(this.policy.licenseServers).map((name) => ({ name, serving: servingOf(this.probe, name, mode) }));
  }

}

/**
 * NO_CALS_ACTION=remove-rdsh-role: the role goes (after approval) only when the host can see that no license
 * server it could use has a CAL: every policy and configured server's CALs visible and none installed.
 */
function noCalsRemoval(probe: ProbeResult, causes: Cause[], policy: PlaybookPolicy, human: string[], approvals: ApprovalReason[]): PlanStep[] | undefined {
  if (policy.noCalsAction !== "remove-rdsh-role") return undefined;
  const names = uniqueServers([...policy.licenseServers, ...(effectiveServers(probe).value ?? [])]);
  const serving = names.map((name) => ({ name, serving: servingOf(probe, name, null) }));
  if (!serving.some((s) => s.serving.cause === "no-cals") || serving.some((s) => s.serving.state === "yes")) return undefined;
  const unseen = serving.filter((s) => s.serving.cause !== "no-cals").map((s) => s.name);
  if (unseen.length > 0) {
    human.push(calsHiddenForRemovalAction(probe, unseen));
    return undefined;
  }
  if (probe.pendingReboot.length > 0) {
    human.push(rebootPendingAction(probe, "remove the RD Session Host role"));
    return undefined;
  }
  approvals.push({
    kind: "remove-rdsh-role",
    detail: `Remove the RD Session Host role from ${probe.computerName}: no license server it can use has any RDS CAL (${names.join(", ")}), so it keeps only the two administrative sessions.`,
  });
  const steps: PlanStep[] = [{ kind: "remove-rdsh-role" }];
  if (causes.some((c) => c.code === "licensing-role-unused")) {
    steps.push({ kind: "remove-licensing-role" });
    approvals.push({ kind: "remove-licensing-role", detail: licensingRoleApproval(probe) });
  }
  return steps;
}

function inWorkgroup(probe: ProbeResult): boolean {
  return probe.domain !== null && !probe.domain.joined;
}

function licensingRoleApproval(probe: ProbeResult): string {
  return `Remove the RD Licensing role from ${probe.computerName}: no setting here uses it and it has issued no CALs to anyone.`;
}
