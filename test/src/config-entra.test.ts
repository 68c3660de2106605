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
  it("are absent when ENTRA_AUDIENCE is empty (every endpoint that needs a token then refuses)", () => {
    expect(loadConfig(base).entraAuth).toBeUndefined();
    expect(loadConfig({ ...base, ENTRA_AUDIENCE: " ", ENTRA_ISSUER: "" }).entraAuth).toBeUndefined();
  });

  it("the examples load together, the issuer kept exactly (trailing slash and all)", () => {
    const config = loadConfig({
      ...base,
      ENTRA_AUDIENCE: example("ENTRA_AUDIENCE"),
      ENTRA_CLIENT_ID: example("ENTRA_CLIENT_ID"),
      ENTRA_ISSUER: example("ENTRA_ISSUER"),
    });
    expect(config.entraAuth).toEqual({
      audience: "api://rdp-medic-prod",
      clientId: "5d3c2b1a-0f9e-4d8c-9b7a-6e5d4c3b2a10",
      issuer: "https://sts.windows.net/00000000-0000-0000-0000-000000000000/",
      jwksUri: undefined,
    });
  });

  it("accepts a v2 issuer without a client ID, and a loopback key server for local tests", () => {
    const issuer = "https://login.microsoftonline.com/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/v2.0";
    const keys = "http://127.0.0.1:7080/t/discovery/v2.0/keys";
    expect(loadConfig({ ...base, ENTRA_AUDIENCE: "api://rdp-medic", ENTRA_ISSUER: issuer, ENTRA_JWKS_URI: keys }).entraAuth).toEqual({
      audience: "api://rdp-medic",
      clientId: undefined,
      issuer,
      jwksUri: keys,
    });
  });

  it.each([
    [{ ENTRA_AUDIENCE: "api://rdp-medic" }, "ENTRA_ISSUER", "set both or neither"],
    [{ ENTRA_ISSUER: "https://sts.windows.net/t/" }, "ENTRA_AUDIENCE", "set both or neither"],
    [{ ENTRA_CLIENT_ID: "5d3c2b1a-0f9e-4d8c-9b7a-6e5d4c3b2a10" }, "ENTRA_AUDIENCE", "ENTRA_CLIENT_ID"],
    [{ ENTRA_JWKS_URI: "http://127.0.0.1:1/keys" }, "ENTRA_AUDIENCE", "ENTRA_JWKS_URI"],
    [{ ENTRA_AUDIENCE: "api://rdp-medic", ENTRA_ISSUER: "http://sts.windows.net/t/" }, "ENTRA_ISSUER", "https"],
    [{ ENTRA_AUDIENCE: "api://rdp-medic", ENTRA_ISSUER: "sts.windows.net/t/" }, "ENTRA_ISSUER", "https"],
    [{ ENTRA_AUDIENCE: "api://rdp-medic", ENTRA_ISSUER: "https://sts.windows.net/" }, "ENTRA_ISSUER", "tenant"],
    [{ ENTRA_AUDIENCE: "api://rdp-medic", ENTRA_ISSUER: "https://sts.windows.net/t/?x=1" }, "ENTRA_ISSUER", "query"],
    [{ ENTRA_AUDIENCE: "api://a b", ENTRA_ISSUER: "https://sts.windows.net/t/" }, "ENTRA_AUDIENCE", "one Application ID URI"],
    [{ ENTRA_AUDIENCE: "api://a", ENTRA_ISSUER: "https://sts.windows.net/t/", ENTRA_CLIENT_ID: "rdp-medic" }, "ENTRA_CLIENT_ID", "GUID"],
    // The key set may come from a loopback stand-in only: never from somewhere an attacker could serve keys.
    [{ ENTRA_AUDIENCE: "api://a", ENTRA_ISSUER: "https://sts.windows.net/t/", ENTRA_JWKS_URI: "https://keys.example.com/keys" }, "ENTRA_JWKS_URI", "loopback"],
    [{ ENTRA_AUDIENCE: "api://a", ENTRA_ISSUER: "https://sts.windows.net/t/", ENTRA_JWKS_URI: "ftp://127.0.0.1/keys" }, "ENTRA_JWKS_URI", "loopback"],
  ])("refuses %j naming %s", (env, setting, words) => {
    const error = failure(env);
    expect(error.setting).toBe(setting);
    expect(error.message).toContain(words);
  });
});

describe("who may act: ALERT_AUTH, ALLOW_SELF_APPROVAL, LOCAL_DEVELOPMENT_AUTH", () => {
  it("defaults: alerts by Entra secure webhook, four eyes, no local identities", () => {
    const config = loadConfig(base);
    expect(config.alertAuth).toBe("entra");
    expect(config.allowSelfApproval).toBe(false);
    expect(config.localDevelopmentAuth).toBe(false);
  });

  it("reads each switch", () => {
    const config = loadConfig({ ...base, ALERT_AUTH: "function-key", ALLOW_SELF_APPROVAL: "true", LOCAL_DEVELOPMENT_AUTH: "true" });
    expect([config.alertAuth, config.allowSelfApproval, config.localDevelopmentAuth]).toEqual(["function-key", true, true]);
  });

  it("refuses an unknown ALERT_AUTH", () => {
    expect(failure({ ALERT_AUTH: "key" }).setting).toBe("ALERT_AUTH");
  });

  it("refuses LOCAL_DEVELOPMENT_AUTH on an Azure instance, and the deployed settings never carry it", () => {
    const error = failure({ LOCAL_DEVELOPMENT_AUTH: "true", WEBSITE_INSTANCE_ID: "2f1c8b7a9e10" });
    expect(error.setting).toBe("LOCAL_DEVELOPMENT_AUTH");
    expect(error.message).toContain("local development only");
    expect(loadConfig({ ...base, LOCAL_DEVELOPMENT_AUTH: "false", WEBSITE_INSTANCE_ID: "2f1c8b7a9e10" }).localDevelopmentAuth).toBe(false);
    for (const name of ["LOCAL_DEVELOPMENT_AUTH", "ENTRA_JWKS_URI"]) expect(SETTINGS.find((s) => s.name === name)?.localOnly, name).toBe(true);
  });

  it("ENTRA_REQUIRED_ROLE is gone: the alert sender's role is fixed", () => {
    expect(SETTINGS.some((s) => s.name === "ENTRA_REQUIRED_ROLE")).toBe(false);
  });
});

describe("where the app's RDP check may connect", () => {
  it("defaults to port 3389 and no ranges", () => {
    const config = loadConfig(base);
    expect(config.rdpProbePorts).toEqual([3389]);
    expect(config.rdpProbeAddressRanges).toEqual([]);
  });

  it("reads the examples", () => {
    const config = loadConfig({ ...base, RDP_PROBE_ADDRESS_RANGES: example("RDP_PROBE_ADDRESS_RANGES"), RDP_PROBE_PORTS: "3389, 3390,3389" });
    expect(config.rdpProbeAddressRanges).toEqual(["10.20.0.0/16", "10.30.4.0/24"]);
    expect(config.rdpProbePorts).toEqual([3389, 3390]);
    expect(loadConfig({ ...base, RDP_PROBE_ADDRESS_RANGES: "fd00::/64" }).rdpProbeAddressRanges).toEqual(["fd00::/64"]);
  });

  it.each([
    [{ RDP_PROBE_ADDRESS_RANGES: "10.0.0.0" }, "RDP_PROBE_ADDRESS_RANGES"],
    [{ RDP_PROBE_ADDRESS_RANGES: "10.0.0.0/33" }, "RDP_PROBE_ADDRESS_RANGES"],
    [{ RDP_PROBE_ADDRESS_RANGES: "fd00::/129" }, "RDP_PROBE_ADDRESS_RANGES"],
    [{ RDP_PROBE_ADDRESS_RANGES: "corp.contoso.com/24" }, "RDP_PROBE_ADDRESS_RANGES"],
    [{ RDP_PROBE_ADDRESS_RANGES: "10.0.0.0/8/1" }, "RDP_PROBE_ADDRESS_RANGES"],
    [{ RDP_PROBE_ADDRESS_RANGES: Array.from({ length: 51 }, (_, i) => `10.${i}.0.0/16`).join(",") }, "RDP_PROBE_ADDRESS_RANGES"],
    [{ RDP_PROBE_PORTS: "0" }, "RDP_PROBE_PORTS"],
    [{ RDP_PROBE_PORTS: "65536" }, "RDP_PROBE_PORTS"],
    [{ RDP_PROBE_PORTS: "rdp" }, "RDP_PROBE_PORTS"],
    [{ RDP_PROBE_PORTS: Array.from({ length: 11 }, (_, i) => String(3389 + i)).join(",") }, "RDP_PROBE_PORTS"],
  ])("refuses %j", (env, setting) => {
    expect(failure(env).setting).toBe(setting);
  });
});
