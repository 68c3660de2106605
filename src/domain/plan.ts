import {
  fixGpoModeAction,
  fixGpoServersAction,
  installLicenseServerAction,
  removeRdshByHandAction,
  serverAction,
} from "./human-actions";
import { gpoConflicts, licensingRoleUnused, mayWork, serverStatus, targetServers, uniqueServers } from "./licensing-state";
import type { Cause, CauseCode, Plan, PlanStep, PlaybookPolicy, ProbeResult } from "./playbook";

/**
 * Turns causes and policy into ordered steps, in the article's order: set the licensing mode, set the license
 * servers, remove the RD Session Host role (no CALs, by policy, after approval), remove an unused RD Licensing role
 * (by policy), then one restart. Anything a person must do stops the plan (no partial fix, no restart) and is said
 * exactly. Never plans a step that a Group Policy value would revert.
 */
export function planRemediation(probe: ProbeResult, causes: Cause[], policy: PlaybookPolicy): Plan {
  const has = (...codes: CauseCode[]) => causes.some((c) => codes.includes(c.code));
  const finish = (steps: PlanStep[], humanActions: string[]): Plan => ({
    verdict: steps.length > 0 ? "fix" : humanActions.length > 0 ? "needs-human" : "healthy",
    causes,
    steps,
    humanActions,
    needsApproval: steps.some((s) => s.kind === "remove-rdsh-role"),
  });

  if (has("role-not-installed")) return finish([], []);
  // A servicing operation waits: restart first, then the next run sees the settled role.
  if (has("role-pending-restart")) return finish([{ kind: "restart" }], []);

  const removeLicensingRole =
    policy.removeUnusedLicensingRole && probe.licensingRoleFeature === "Installed" && licensingRoleUnused(probe, policy);
  const targets = targetServers(probe, policy);
  // No CALs anywhere: every policy server says so and no other server the probe checked could serve.
  const noCalsAnywhere =
    targets.length > 0 &&
    targets.every((t) => t.status === "no-cals") &&
    !probe.servers.some((c) => serverStatus(probe, c.name) === "usable");

  if (noCalsAnywhere && policy.noCalsAction === "remove-rdsh-role" && probe.rdshFeature === "Installed") {
    // The licensing settings are moot once the role is gone, so they are neither set nor blocked on.
    const steps: PlanStep[] = [{ kind: "remove-rdsh-role" }];
    if (removeLicensingRole) steps.push({ kind: "remove-licensing-role" });
    steps.push({ kind: "restart" });
    return finish(steps, []);
  }

  const human: string[] = [];
  const gpo = gpoConflicts(probe, policy);
  if (gpo.mode !== null) human.push(fixGpoModeAction(probe, policy, gpo.mode));
  if (gpo.servers !== null) human.push(fixGpoServersAction(probe, policy, gpo.servers));
  if (targets.every((t) => t.status === "dns-failed")) human.push(installLicenseServerAction(policy));
  for (const t of targets) {
    const action = serverAction(probe, policy, t.name, t.status);
    if (action !== undefined) human.push(action);
  }
  if (noCalsAnywhere && policy.noCalsAction === "remove-rdsh-role") human.push(removeRdshByHandAction(probe));

  const blocked = gpo.mode !== null || gpo.servers !== null || !targets.some((t) => mayWork(t.status));
  if (blocked) return finish([], human);

  const steps: PlanStep[] = [];
  if (has("mode-not-configured", "mode-wrong") && probe.policyLicensingMode === null) {
    steps.push({ kind: "set-licensing-mode", mode: policy.licensingMode });
  }
  const gpoServers = probe.policyLicenseServers !== null && probe.policyLicenseServers.length > 0;
  if (has("no-license-server", "license-server-wrong") && !gpoServers) {
    steps.push({ kind: "set-license-servers", servers: uniqueServers(policy.licenseServers) });
  }
  if (removeLicensingRole) steps.push({ kind: "remove-licensing-role" });
  if (steps.length > 0) steps.push({ kind: "restart" });
  return finish(steps, human);
}
