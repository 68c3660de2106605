import { describe, expect, it } from "vitest";
import { parseProbeOutput, PROBE_LIMITS } from "../../../src/domain/probe-output";
import { codeOf, probe } from "./probe-builder";

const stdoutOf = (json: Record<string, unknown>) => `noise\n${JSON.stringify(json)}\n`;

describe("parseProbeOutput", () => {
  it("returns every field of a valid report, and no invalid server names", () => {
    const b = probe().grace(97).event(1128).event(1069, "Admin");
    const parsed = b.build();
    expect(parsed).toEqual({ ...b.toJson(), invalidServerNames: [] });
    expect(parsed.events).toEqual([
      { id: 1128, log: "System", time: "2024-05-01T10:00:00.0000000Z" },
      { id: 1069, log: "Admin", time: "2024-05-01T10:00:00.0000000Z" },
    ]);
  });

  it("reads the RCM Admin channel by its full name as Admin", () => {
    const json = probe().event(1068, "Admin").toJson();
    (json.events as Array<Record<string, unknown>>)[0]!.log = "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin";
    expect(parseProbeOutput(stdoutOf(json), "").events[0]!.log).toBe("Admin");
  });

  it("accepts nulls where Windows has no value", () => {
    const parsed = probe()
      .rdsh("Unknown", null)
      .mode(null)
      .servers(null)
      .grace(null)
      .build();
    expect(parsed).toMatchObject({ rdshInstallState: null, licensingMode: null, specifiedLicenseServers: null, graceDaysLeft: null });
  });

  it("keeps server names Windows holds that are not host names, and reports them as invalid", () => {
    const parsed = probe()
      .servers(["rdls01.contoso.com", "ls1;ls2", "bad name"])
      .gpoServers(["$(evil)"])
      .legacyServers(["ls1 ls2"])
      .build();
    expect(parsed.specifiedLicenseServers).toEqual(["rdls01.contoso.com", "ls1;ls2", "bad name"]);
    expect(parsed.invalidServerNames).toEqual(["ls1;ls2", "bad name", "ls1 ls2", "$(evil)"]);
  });

  it("does not copy fields it does not know into the result", () => {
    const json = probe().toJson();
    expect(codeOf(() => parseProbeOutput(stdoutOf({ ...json, extra: 1 }), ""))).toBe("output-invalid");
  });

  const tooMany = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
  const check = { name: "rdls01.contoso.com", dnsResolved: true, addresses: ["10.0.0.4"], tcp135: true, health: "ok" };
  const event = { id: 1128, log: "System", time: "2024-05-01T10:00:00Z" };

  const bad: Array<[string, string, unknown]> = [
    ["missing field", "graceDaysLeft", undefined],
    ["mode as a string", "licensingMode", "4"],
    ["fractional mode", "licensingMode", 4.5],
    ["negative mode", "licensingMode", -1],
    ["mode beyond a DWORD", "licensingMode", 2 ** 32],
    ["InstallState as boolean", "rdshInstallState", true],
    ["unknown feature state", "rdshFeature", "Enabled"],
    ["licensing role state lower-case", "licensingRoleFeature", "installed"],
    ["grace days absurd", "graceDaysLeft", 100000],
    ["computer name with a space", "computerName", "RDSH 01"],
    ["computer name empty", "computerName", ""],
    ["computer name too long", "computerName", "a".repeat(64)],
    ["server list as a string", "specifiedLicenseServers", "rdls01.contoso.com"],
    ["server list with a number", "specifiedLicenseServers", ["rdls01", 5]],
    ["server list with an empty name", "specifiedLicenseServers", [""]],
    ["server name absurdly long", "policyLicenseServers", ["a".repeat(PROBE_LIMITS.serverNameLength + 1)]],
    ["too many servers", "specifiedLicenseServers", tooMany(PROBE_LIMITS.serverLists + 1, (i) => `ls${i}`)],
    ["local address not an IP", "localAddresses", ["rdsh01"]],
    ["checks not a list", "servers", {}],
    ["too many checks", "servers", tooMany(PROBE_LIMITS.serverChecks + 1, () => check)],
    ["check health unknown word", "servers", [{ ...check, health: "great" }]],
    ["check with an extra field", "servers", [{ ...check, note: "x" }]],
    ["check address not an IP", "servers", [{ ...check, addresses: ["10.0.0.300"] }]],
    ["check open port for a name that did not resolve", "servers", [{ ...check, dnsResolved: false, addresses: [] }]],
    ["check addresses for a name that did not resolve", "servers", [{ ...check, dnsResolved: false, tcp135: false }]],
    ["check tcp135 as a string", "servers", [{ ...check, tcp135: "true" }]],
    ["event id not a licensing event", "events", [{ ...event, id: 4624 }]],
    ["event log unknown", "events", [{ ...event, log: "Security" }]],
    ["event time without a zone", "events", [{ ...event, time: "2024-05-01T10:00:00" }]],
    ["event time not a date", "events", [{ ...event, time: "2024-13-45T10:00:00Z" }]],
    ["too many events", "events", tooMany(PROBE_LIMITS.events + 1, () => event)],
    ["event count below the events listed", "eventCount", 0],
    ["truncated as a number", "truncated", 0],
    ["termServiceRunning null", "termServiceRunning", null],
  ];

  it.each(bad)("rejects %s with output-invalid", (_name, key, value) => {
    const json = probe().event(1128).toJson();
    if (value === undefined) delete json[key];
    else json[key] = value;
    expect(codeOf(() => parseProbeOutput(stdoutOf(json), ""))).toBe("output-invalid");
  });

  it("rejects another script's line, stderr, and a missing line with their own codes", () => {
    const json = probe().toJson();
    expect(codeOf(() => parseProbeOutput(stdoutOf({ ...json, rdpMedic: "verify" }), ""))).toBe("output-wrong-script");
    expect(codeOf(() => parseProbeOutput(stdoutOf(json), "Get-CimInstance : Access denied"))).toBe("script-stderr");
    expect(codeOf(() => parseProbeOutput("", ""))).toBe("output-missing");
  });

  it("a fully loaded report still fits in Run Command's 4096 bytes", () => {
    const b = probe().grace(120).computer("RDSH01", ["10.0.1.4", "fd00::4"]);
    for (let i = 0; i < 10; i++) b.event(1128, "System", "2024-05-01T10:00:00.0000000Z");
    const names = Array.from({ length: 10 }, (_, i) => `rdls${i}.licensing.example-domain.contoso.com`);
    b.servers(names);
    expect(Buffer.byteLength(b.stdout())).toBeLessThan(4096);
    expect(b.build().servers).toHaveLength(12);
  });
});
