import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { configFailure } from "./config-failure";

const base = {
  ALLOWED_SCOPES: "/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/resourceGroups/rg-rdsh",
  LICENSE_SERVERS: "rdls01.contoso.com",
};

describe("restart and drift settings", () => {
  it("defaults: a restart with users needs approval; no window; sweeps do not enforce drift", () => {
    expect(loadConfig(base).policy).toMatchObject({ restartWithUsers: "approve", maintenanceWindow: undefined, enforceDriftInSweeps: false });
  });

  it("reads wait with its window, and force", () => {
    expect(loadConfig({ ...base, RESTART_WITH_USERS: "wait", MAINTENANCE_WINDOW: "Sat,Sun 02:00-05:00" }).policy).toMatchObject({
      restartWithUsers: "wait",
      maintenanceWindow: { text: "Sat,Sun 02:00-05:00", days: [0, 6], startMinute: 120, endMinute: 300 },
    });
    expect(loadConfig({ ...base, RESTART_WITH_USERS: "force" }).policy.restartWithUsers).toBe("force");
    expect(loadConfig({ ...base, MAINTENANCE_WINDOW: " 22:00-02:00 " }).policy.maintenanceWindow?.days).toHaveLength(7);
  });

  it("SWEEP_POLICY=enforce makes sweep runs enforce drift; remediate does not", () => {
    expect(loadConfig({ ...base, SWEEP_POLICY: "enforce" })).toMatchObject({ sweep: { policy: "enforce" }, policy: { enforceDriftInSweeps: true } });
    expect(loadConfig({ ...base, SWEEP_POLICY: "remediate" }).policy.enforceDriftInSweeps).toBe(false);
  });

  it.each([
    [{ RESTART_WITH_USERS: "yes" }, "RESTART_WITH_USERS", /approve, wait or force/],
    [{ RESTART_WITH_USERS: "Approve" }, "RESTART_WITH_USERS", /approve, wait or force/],
    [{ RESTART_WITH_USERS: "wait" }, "MAINTENANCE_WINDOW", /must be set when RESTART_WITH_USERS is wait/],
    [{ MAINTENANCE_WINDOW: "weekends" }, "MAINTENANCE_WINDOW", /\[days \]HH:MM-HH:MM/],
    [{ MAINTENANCE_WINDOW: "Caturday 01:00-02:00" }, "MAINTENANCE_WINDOW", /not a day/],
    [{ MAINTENANCE_WINDOW: "01:00-01:00" }, "MAINTENANCE_WINDOW", /same minute/],
  ] as const)("refuses %j naming %s", (env, setting, message) => {
    const error = configFailure({ ...base, ...env });
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(message);
  });
});
