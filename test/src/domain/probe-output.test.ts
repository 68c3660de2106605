import { describe, expect, it } from "vitest";
import { parseProbeOutput, PROBE_LIMITS } from "../../../src/domain/probe-output";
import { codeOf, probe } from "./probe-builder";

const stdoutOf = (json: Record<string, unknown>) => `noise\n${JSON.stringify(json)}\n`;

describe("parseProbeOutput", () => {
  it("returns every field of a valid report, with the derived health and no invalid server names", () => {
    const b = probe().grace(97).event(1128).event(1069, "Admin");
    const parsed = b.build();
    const json = b.toJson() as { servers: Array<Record<string, unknown>> };
    expect(parsed).toEqual({ ...json, servers: json.servers.map((c) => ({ ...c, health: "ok" })), invalidServerNames: [] });
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
      .sessionsUnknown()
      .domainUnknown()
      .set("bootTime", null)
      .status("rdls01.contoso.com", null)
      .build();
    expect(parsed).toMatchObject({
      rdshInstallState: null,
      licensingMode: null,
      licensingModeValue: null,
      specifiedLicenseServers: null,
      specifiedLicenseServersValue: null,
      graceDaysLeft: null,
      sessions: null,
      domain: null,
      bootTime: null,
    });
    expect(parsed.servers[0]).toMatchObject({ status: null, cals: null, health: "unknown" });
  });

  it("reads a value of another kind: the exact value, and no number Windows would not read", () => {
    const parsed = probe().mode(4, "REG_SZ").servers(["rdls01.contoso.com"], "REG_SZ").build();
    expect(parsed.licensingMode).toBeNull();
    expect(parsed.licensingModeValue).toEqual({ kind: "REG_SZ", data: Buffer.from("4\u0000", "utf16le").toString("base64") });
    expect(parsed.specifiedLicenseServers).toEqual(["rdls01.contoso.com"]);
    expect(parsed.specifiedLicenseServersValue?.kind).toBe("REG_SZ");
  });

  it("accepts a value whose data the probe left out for size", () => {
    expect(probe().withoutRawData("specifiedLicenseServersValue").build().specifiedLicenseServersValue).toEqual({ kind: "REG_MULTI_SZ", data: null });
  });

  it.each([
    ["valid, CALs hidden", 11, null, "ok"],
    ["valid, CALs free", 11, { activated: true, packs: [{ type: "user", version: 7, total: 5, issued: 1 }] }, "ok"],
    ["valid, not activated", 11, { activated: false, packs: [] }, "not-activated"],
    ["valid, no CALs", 11, { activated: true, packs: [] }, "no-cals"],
    ["valid, all issued", 11, { activated: true, packs: [{ type: "user", version: 7, total: 5, issued: 5 }] }, "cals-exhausted"],
    ["not connectable", 6, null, "unreachable"],
    ["older license server", 4, null, "unknown"],
    ["validity unknown", 7, null, "unknown"],
  ] as const)("derives the health of a server: %s", (_name, status, cals, health) => {
    expect(probe().status("rdls01.contoso.com", status).cals("rdls01.contoso.com", cals as never).build().servers[0]!.health).toBe(health);
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
  const check = { name: "rdls01.contoso.com", dnsResolved: true, addresses: ["10.0.0.4"], tcp135: true, status: 11, cals: null };
  const pack = { type: "user", version: 7, total: 10, issued: 2 };
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
    ["check with a printed health (the parser derives it)", "servers", [{ ...check, health: "ok" }]],
    ["check status negative", "servers", [{ ...check, status: -1 }]],
    ["check status as a string", "servers", [{ ...check, status: "11" }]],
    ["check status for a name that did not resolve", "servers", [{ ...check, dnsResolved: false, addresses: [], tcp135: false }]],
    ["check CALs for a name that did not resolve", "servers", [{ ...check, dnsResolved: false, addresses: [], tcp135: false, status: null, cals: { activated: true, packs: [] } }]],
    ["CAL pack type unknown", "servers", [{ ...check, cals: { activated: true, packs: [{ ...pack, type: "site" }] } }]],
    ["CAL pack with an extra field", "servers", [{ ...check, cals: { activated: true, packs: [{ ...pack, expires: 1 }] } }]],
    ["too many CAL packs", "servers", [{ ...check, cals: { activated: true, packs: tooMany(PROBE_LIMITS.calPacks + 1, () => pack) } }]],
    ["CAL activation as a string", "servers", [{ ...check, cals: { activated: "yes", packs: [] } }]],
    ["local license server without packs", "localLicenseServer", { activated: true }],
    ["os without a build", "os", { version: "10.0.20348", caption: "", edition: "", installationType: "", productType: 3 }],
    ["os build not in its version", "os", { version: "10.0.20348", build: 17763, caption: "", edition: "", installationType: "", productType: 3 }],
    ["os version not a version", "os", { version: "Windows", build: 0, caption: "", edition: "", installationType: "", productType: 3 }],
    ["product type 4", "os", { version: "10.0.20348", build: 20348, caption: "", edition: "", installationType: "", productType: 4 }],
    ["PowerShell version with a label", "psVersion", "7.6.0-preview.1"],
    ["64-bit as a string", "is64BitProcess", "true"],
    ["domain joined as a string", "domain", { joined: "yes", name: "contoso.com" }],
    ["boot time without a zone", "bootTime", "2024-05-01T08:00:00"],
    ["sessions negative", "sessions", { active: -1, disconnected: 0 }],
    ["sessions with an extra count", "sessions", { active: 1, disconnected: 0, idle: 2 }],
    ["TermService status unknown", "termService", { status: "Sleeping", startType: "Automatic" }],
    ["TermService start type lower-case", "termService", { status: "Running", startType: "automatic" }],
    ["pending reboot reason unknown", "pendingReboot", ["sccm"]],
    ["pending reboot reason twice", "pendingReboot", ["windows-update", "windows-update"]],
    ["broker as a number", "broker", 1],
    ["server manager as a string", "serverManager", "true"],
    ["value kind unknown", "licensingModeValue", { kind: "REG_LINK", data: "" }],
    ["value data not base64", "licensingModeValue", { kind: "REG_DWORD", data: "BAAA AA==" }],
    ["value data of a wrong size for its kind", "licensingModeValue", { kind: "REG_DWORD", data: "BAAAAAAA" }],
    ["value data over the limit", "specifiedLicenseServersValue", { kind: "REG_BINARY", data: "A".repeat(PROBE_LIMITS.rawData + 4) }],
    ["value with an extra field", "licensingModeValue", { kind: "REG_DWORD", data: "BAAAAA==", text: "4" }],
    ["a mode without a DWORD value", "licensingModeValue", { kind: "REG_SZ", data: "NAAAAA==" }],
    ["servers listed but no value fact", "specifiedLicenseServersValue", null],
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
    ["termService null", "termService", null],
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
    const b = probe().grace(120).computer("RDSH01", ["10.0.1.4", "fd00::4"]).broker("cb01.contoso.com").pendingReboot("windows-update");
    for (let i = 0; i < 10; i++) b.event(1128, "System", "2024-05-01T10:00:00.0000000Z");
    const names = Array.from({ length: 6 }, (_, i) => `rdls${i}.licensing.contoso.com`);
    b.servers(names);
    for (const name of names.slice(0, 4)) b.cals(name, { activated: true, packs: [{ type: "user", version: 7, total: 50, issued: 12 }] });
    expect(Buffer.byteLength(b.stdout())).toBeLessThan(4096);
    expect(b.build().servers).toHaveLength(8);
  });
});

describe("the contract's example (docs/playbook-contract.md)", () => {
  it("is a report the parser accepts", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const doc = readFileSync(join(__dirname, "..", "..", "..", "docs", "playbook-contract.md"), "utf8");
    const section = doc.slice(doc.indexOf("## `probe` (read-only)"));
    const example = /```json\n(.*)\n```/.exec(section)?.[1] ?? "";
    const parsed = parseProbeOutput(`${example}\n`, "");
    expect(parsed).toMatchObject({ rdpMedic: "probe", sessions: { active: 2, disconnected: 1 }, specifiedLicenseServers: ["rdls01.contoso.com"] });
    expect(parsed.servers[0]?.health).toBe("ok");
  });
});
