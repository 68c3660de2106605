import { describe, expect, it } from "vitest";
import type { PlanStep, PlaybookPolicy } from "../../../src/domain/playbook";
import { decideRestart, describeUsers } from "../../../src/domain/restart-decision";
import { probe } from "./probe-builder";

const restart: PlanStep[] = [{ kind: "set-licensing-mode", mode: 4 }, { kind: "restart" }];
const window = { text: "Sat 01:00-04:00", days: [6], startMinute: 60, endMinute: 240 };
const with_ = (restartWithUsers: PlaybookPolicy["restartWithUsers"], maintenanceWindow: PlaybookPolicy["maintenanceWindow"] = window) => ({ restartWithUsers, maintenanceWindow });

describe("decideRestart", () => {
  it("no restart planned: none, whoever is signed in", () => {
    expect(decideRestart(probe().sessions(3, 0).build(), [], with_("force"))).toEqual({ mode: "none", users: { active: 3, disconnected: 0 }, detail: "no restart is planned" });
    expect(decideRestart(probe().build(), [{ kind: "remove-licensing-role" }], with_("force")).mode).toBe("none");
  });

  it("nobody signed in: the restart simply happens, under every policy", () => {
    for (const policy of ["approve", "wait", "force"] as const) {
      expect(decideRestart(probe().build(), restart, with_(policy))).toEqual({ mode: "no-users", users: { active: 0, disconnected: 0 }, detail: "RDSH01 restarts: nobody is signed in" });
    }
  });

  it.each([
    ["active users", [2, 0]],
    ["only disconnected users (their work is lost too)", [0, 1]],
    ["as many active as disconnected users", [1, 1]],
    ["users that could not be counted", null],
  ] as const)("%s: approve asks, wait waits, force forces", (_name, users) => {
    const b = users === null ? probe().sessionsUnknown() : probe().sessions(users[0], users[1]);
    const p = b.build();
    expect(decideRestart(p, restart, with_("approve")).mode).toBe("approve");
    expect(decideRestart(p, restart, with_("wait"))).toMatchObject({ mode: "wait", window });
    expect(decideRestart(p, restart, with_("force")).mode).toBe("force");
    // wait without a window falls back to asking a person (config refuses this combination; the plan stays safe).
    expect(decideRestart(p, restart, { restartWithUsers: "wait", maintenanceWindow: undefined }).mode).toBe("approve");
  });

  it("says how many users, in every decision", () => {
    const p = probe().sessions(2, 1).build();
    expect(decideRestart(p, restart, with_("approve")).detail).toBe("Restarting RDSH01 with 3 users (2 active, 1 disconnected) signed in needs approval");
    expect(decideRestart(p, restart, with_("force")).detail).toBe("RDSH01 restarts with 3 users (2 active, 1 disconnected) signed in: RESTART_WITH_USERS=force");
    expect(decideRestart(p, restart, with_("wait")).detail).toBe(
      "RDSH01 has 3 users (2 active, 1 disconnected) signed in: the run waits for the maintenance window (Sat 01:00-04:00 UTC) before it changes anything and restarts",
    );
    expect(decideRestart(probe().sessionsUnknown().build(), restart, with_("approve")).detail).toContain("an unknown number of users signed in (they could not be counted)");
    expect(describeUsers({ active: 1, disconnected: 0 })).toBe("1 user (1 active, 0 disconnected)");
  });
});
