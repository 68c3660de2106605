import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { configFailure } from "./config-failure";

const base = {
  ALLOWED_SCOPES: "/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/resourceGroups/rg-rdsh",
  LICENSE_SERVERS: "rdls01.contoso.com",
};

describe("SNAPSHOT_EXPIRY_SCHEDULE", () => {
  it("defaults to daily at 03:30", () => {
    expect(loadConfig(base).snapshotExpirySchedule).toBe("0 30 3 * * *");
  });

  it("takes any six-field NCRONTAB expression", () => {
    expect(loadConfig({ ...base, SNAPSHOT_EXPIRY_SCHEDULE: "0 0 */6 * * Mon-Fri" }).snapshotExpirySchedule).toBe("0 0 */6 * * Mon-Fri");
  });

  it.each(["0 3 * * *", "0 30 3 * * * *", "0 30 3 * * ; rm", "daily"])("refuses %j, naming the setting", (value) => {
    const error = configFailure({ ...base, SNAPSHOT_EXPIRY_SCHEDULE: value });
    expect(error.setting).toBe("SNAPSHOT_EXPIRY_SCHEDULE");
    expect(error.message).toMatch(/six fields/);
  });
});
