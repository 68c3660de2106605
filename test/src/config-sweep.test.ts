import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { configFailure } from "./config-failure";

const base = {
  ALLOWED_SCOPES: "/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/resourceGroups/rg-rdsh",
  LICENSE_SERVERS: "rdls01.contoso.com",
};

const failure = (env: Record<string, string>) => configFailure({ ...base, ...env });

describe("sweep settings", () => {
  it("defaults: daily at 02:00, report only, 50 at once, stop after 10 failures, 20 repairs, 14 days, 24 h", () => {
    expect(loadConfig(base).sweep).toEqual({
      schedule: "0 0 2 * * *",
      policy: "report",
      maxConcurrency: 50,
      maxErrors: 10,
      maxRemediations: 20,
      graceWarningDays: 14,
      workspaceIds: [],
      tags: { include: [], exclude: [] },
      symptomLookbackHours: 24,
    });
  });

  it("reads every value", () => {
    const sweep = loadConfig({
      ...base,
      SWEEP_SCHEDULE: "0 30 */6 * * Mon-Fri",
      SWEEP_POLICY: "remediate",
      SWEEP_MAX_CONCURRENCY: "200",
      SWEEP_MAX_ERRORS: "1",
      SWEEP_MAX_REMEDIATIONS: "0",
      GRACE_WARNING_DAYS: "30",
      SWEEP_WORKSPACE_IDS: "22222222-2222-2222-2222-22222222222A, 33333333-3333-3333-3333-333333333333",
      SWEEP_TAG_INCLUDE: "role=rdsh,env",
      SWEEP_TAG_EXCLUDE: "rdp-medic-sweep=skip",
      SYMPTOM_LOOKBACK_HOURS: "72",
    }).sweep;
    expect(sweep).toEqual({
      schedule: "0 30 */6 * * Mon-Fri",
      policy: "remediate",
      maxConcurrency: 200,
      maxErrors: 1,
      maxRemediations: 0,
      graceWarningDays: 30,
      workspaceIds: ["22222222-2222-2222-2222-22222222222a", "33333333-3333-3333-3333-333333333333"],
      tags: { include: [{ name: "role", value: "rdsh" }, { name: "env" }], exclude: [{ name: "rdp-medic-sweep", value: "skip" }] },
      symptomLookbackHours: 72,
    });
  });

  it.each([
    ["SWEEP_SCHEDULE", "0 2 * * *", /six fields/],
    ["SWEEP_SCHEDULE", "0 0 2 * * * *", /six fields/],
    ["SWEEP_SCHEDULE", "0 0 2 * * ; rm", /six fields/],
    ["SWEEP_POLICY", "fix", /report, remediate or enforce/],
    ["SWEEP_MAX_CONCURRENCY", "0", /1 to 1000/],
    ["SWEEP_MAX_CONCURRENCY", "5000", /1 to 1000/],
    ["SWEEP_MAX_ERRORS", "0", /1 to 10000/],
    ["SWEEP_MAX_REMEDIATIONS", "-1", /0 to 10000/],
    ["GRACE_WARNING_DAYS", "121", /0 to 120/],
    ["SWEEP_WORKSPACE_IDS", "my-workspace", /not a workspace ID/],
    ["SWEEP_TAG_INCLUDE", "=prod", /name=value/],
    ["SWEEP_TAG_EXCLUDE", "a/b", /name=value/],
    ["SYMPTOM_LOOKBACK_HOURS", "0", /1 to 720/],
  ])("%s=%s is refused, naming the setting", (name, value, message) => {
    const error = failure({ [name]: value });
    expect(error.setting).toBe(name);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`Example: ${name}=`);
  });
});
