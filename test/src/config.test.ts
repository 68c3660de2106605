import { describe, expect, it } from "vitest";
import { loadConfig, SETTINGS } from "../../src/config";
import { configFailure } from "./config-failure";

const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
const base = {
  ALLOWED_SCOPES: `/subscriptions/${SUB}/resourceGroups/rg-rdsh`,
  LICENSE_SERVERS: "rdls01.contoso.com,10.0.0.4",
};

const failure = configFailure;

describe("settings", () => {
  it("defaults follow the article: per-user mode 4, report when no CALs, public ARM", () => {
    const config = loadConfig(base);
    expect(config.policy).toEqual({
      licensingMode: 4,
      licenseServers: ["rdls01.contoso.com", "10.0.0.4"],
      noCalsAction: "report",
      removeUnusedLicensingRole: false,
      restartWithUsers: "approve",
      maintenanceWindow: undefined,
      enforceDriftInSweeps: false,
    });
    expect(config.allowedScopes).toEqual([{ subscriptionId: SUB, resourceGroup: "rg-rdsh" }]);
    expect(config.armEndpoint).toBe("https://management.azure.com");
    expect(config.killSwitch).toBe(false);
  });

  it.each([
    [{ ALLOWED_SCOPES: "" }, "ALLOWED_SCOPES", "is missing"],
    [{ ALLOWED_SCOPES: "/subscriptions/not-a-guid" }, "ALLOWED_SCOPES", "not a subscription"],
    [{ LICENSE_SERVERS: "" }, "LICENSE_SERVERS", "is missing"],
    [{ LICENSE_SERVERS: "ok.contoso.com,bad;name" }, "LICENSE_SERVERS", "not a host name"],
    [{ LICENSE_SERVERS: "$(calc).contoso.com" }, "LICENSE_SERVERS", "not a host name"],
    [{ LICENSING_MODE: "6" }, "LICENSING_MODE", "must be 4"],
    [{ NO_CALS_ACTION: "delete-everything" }, "NO_CALS_ACTION", "must be report"],
    [{ ARM_ENDPOINT: "http://management.azure.com" }, "ARM_ENDPOINT", "https"],
    [{ MANAGED_IDENTITY_CLIENT_ID: "me" }, "MANAGED_IDENTITY_CLIENT_ID", "GUID"],
    [{ KILL_SWITCH: "maybe" }, "KILL_SWITCH", "true or false"],
    [{ POLL_INTERVAL_SECONDS: "0" }, "POLL_INTERVAL_SECONDS", "whole number"],
    [{ TASK_HUB_NAME: "a-b" }, "TASK_HUB_NAME", "letters and digits"],
    [{ LOCAL_CA_CERT_FILE: "/nonexistent/ca.pem" }, "LOCAL_CA_CERT_FILE", "cannot be read"],
  ])("refuses %j naming %s with an example", (override, setting, words) => {
    const error = failure({ ...base, ...override });
    expect(error.setting).toBe(setting);
    expect(error.message).toContain(setting);
    expect(error.message).toContain(words);
    expect(error.message).toContain("Example:");
  });

  it("more than 10 license servers is refused", () => {
    const servers = Array.from({ length: 11 }, (_, i) => `ls${i}.contoso.com`).join(",");
    expect(failure({ ...base, LICENSE_SERVERS: servers }).setting).toBe("LICENSE_SERVERS");
  });

  it("every setting has an example that loads when set alone on top of the required ones", () => {
    for (const spec of SETTINGS) {
      if (spec.name === "LOCAL_CA_CERT_FILE") continue; // an example path, not a file on this machine
      if (spec.name.startsWith("ENTRA_")) continue; // set together; see config-entra.test.ts
      expect(() => loadConfig({ ...base, [spec.name]: spec.example }), spec.name).not.toThrow();
    }
  });
});
