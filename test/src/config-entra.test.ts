import { describe, expect, it } from "vitest";
import { loadConfig, SETTINGS } from "../../src/config";
import { configFailure } from "./config-failure";

const base = {
  ALLOWED_SCOPES: "/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/resourceGroups/rg-rdsh",
  LICENSE_SERVERS: "rdls01.contoso.com",
};
const example = (name: string) => SETTINGS.find((s) => s.name === name)!.example;

const failure = (env: Record<string, string>) => configFailure({ ...base, ...env });

describe("Microsoft Entra token settings", () => {
  it("are off when ENTRA_AUDIENCE is empty", () => {
    expect(loadConfig(base).entraAuth).toBeUndefined();
    expect(loadConfig({ ...base, ENTRA_AUDIENCE: " ", ENTRA_ISSUER: "" }).entraAuth).toBeUndefined();
  });

  it("the examples load together, the issuer kept exactly (trailing slash and all)", () => {
    const config = loadConfig({
      ...base,
      ENTRA_AUDIENCE: example("ENTRA_AUDIENCE"),
      ENTRA_ISSUER: example("ENTRA_ISSUER"),
      ENTRA_REQUIRED_ROLE: example("ENTRA_REQUIRED_ROLE"),
    });
    expect(config.entraAuth).toEqual({
      audience: "api://rdp-medic",
      issuer: "https://sts.windows.net/00000000-0000-0000-0000-000000000000/",
      requiredRole: "ActionGroupsSecureWebhook",
    });
  });

  it("accepts a v2 issuer and no role", () => {
    const issuer = "https://login.microsoftonline.com/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/v2.0";
    expect(loadConfig({ ...base, ENTRA_AUDIENCE: "api://rdp-medic", ENTRA_ISSUER: issuer }).entraAuth).toEqual({
      audience: "api://rdp-medic",
      issuer,
      requiredRole: undefined,
    });
  });

  it.each([
    [{ ENTRA_AUDIENCE: "api://rdp-medic" }, "ENTRA_ISSUER", "set both or neither"],
    [{ ENTRA_ISSUER: "https://sts.windows.net/t/" }, "ENTRA_AUDIENCE", "set both or neither"],
    [{ ENTRA_REQUIRED_ROLE: "Role" }, "ENTRA_AUDIENCE", "ENTRA_REQUIRED_ROLE"],
    [{ ENTRA_AUDIENCE: "api://rdp-medic", ENTRA_ISSUER: "http://sts.windows.net/t/" }, "ENTRA_ISSUER", "https"],
    [{ ENTRA_AUDIENCE: "api://rdp-medic", ENTRA_ISSUER: "sts.windows.net/t/" }, "ENTRA_ISSUER", "https"],
    [{ ENTRA_AUDIENCE: "api://rdp-medic", ENTRA_ISSUER: "https://sts.windows.net/" }, "ENTRA_ISSUER", "tenant"],
    [{ ENTRA_AUDIENCE: "api://rdp-medic", ENTRA_ISSUER: "https://sts.windows.net/t/?x=1" }, "ENTRA_ISSUER", "query"],
    [{ ENTRA_AUDIENCE: "api://a b", ENTRA_ISSUER: "https://sts.windows.net/t/" }, "ENTRA_AUDIENCE", "one Application ID URI"],
    [{ ENTRA_AUDIENCE: "api://a", ENTRA_ISSUER: "https://sts.windows.net/t/", ENTRA_REQUIRED_ROLE: "a b" }, "ENTRA_REQUIRED_ROLE", "without spaces"],
  ])("refuses %j naming %s", (env, setting, words) => {
    const error = failure(env);
    expect(error.setting).toBe(setting);
    expect(error.message).toContain(words);
  });
});
