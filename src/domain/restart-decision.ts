import type { PlanStep, PlaybookPolicy, ProbeResult, RestartDecision } from "./playbook";

/**
 * A restart is a decision, not a step. With nobody signed in it simply happens. With users signed in (active or
 * disconnected: either loses unsaved work) or when they could not be counted, RESTART_WITH_USERS decides: approve
 * (a person approves it, told how many users), wait (the run waits for MAINTENANCE_WINDOW before it changes
 * anything) or force. Pure.
 */
export function decideRestart(probe: ProbeResult, steps: readonly PlanStep[], policy: Pick<PlaybookPolicy, "restartWithUsers" | "maintenanceWindow">): RestartDecision {
  const users = probe.sessions;
  if (!steps.some((s) => s.kind === "restart")) return { mode: "none", users, detail: "no restart is planned" };
  if (users !== null && users.active + users.disconnected === 0) {
    return { mode: "no-users", users, detail: `${probe.computerName} restarts: nobody is signed in` };
  }
  const who = users === null ? "an unknown number of users signed in (they could not be counted)" : `${describeUsers(users)} signed in`;
  if (policy.restartWithUsers === "force") {
    return { mode: "force", users, detail: `${probe.computerName} restarts with ${who}: RESTART_WITH_USERS=force` };
  }
  if (policy.restartWithUsers === "wait" && policy.maintenanceWindow !== undefined) {
    return {
      mode: "wait",
      users,
      window: policy.maintenanceWindow,
      detail: `${probe.computerName} has ${who}: the run waits for the maintenance window (${policy.maintenanceWindow.text} UTC) before it changes anything and restarts`,
    };
  }
  return { mode: "approve", users, detail: `Restarting ${probe.computerName} with ${who} needs approval` };
}

export function describeUsers(users: { active: number; disconnected: number }): string {
  const total = users.active + users.disconnected;
  return `${total} user${total === 1 ? "" : "s"} (${users.active} active, ${users.disconnected} disconnected)`;
}
