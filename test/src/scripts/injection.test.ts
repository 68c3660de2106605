import { expect, it } from "vitest";
import { KEYS } from "../../../local/guest/guest-registry";
import { loadPreset } from "../../../local/guest/presets";
import type { ProbeResult } from "../../../src/domain/playbook";
import { parseProbeOutput } from "../../../src/domain/probe-output";
import { ScriptFailedError } from "../../../src/domain/script-output";
import type { ScriptName } from "../../../src/scripts";
import { describeWithPwsh, runScript } from "../../local/guest/pwsh-kit";
import { INJECTION_CORPUS } from "../../fixtures/injection-corpus";

/** Server-list values a caller must never get through: each is refused by the script itself. */
const HOSTILE_SERVERS: Array<[string, string]> = [
  ["double quotes", 'ls01.contoso.com" /f; reg delete HKLM\\SYSTEM /f; "'],
  ["single quote", "ls01.contoso.com'; Remove-Item C:\\ -Recurse; '"],
  ["semicolon", "ls01.contoso.com;whoami"],
  ["subexpression", "$(Set-Content C:\\pwned.txt 1)"],
  ["variable", "$env:COMPUTERNAME"],
  ["backticks", "ls01`.contoso`.com"],
  ["newline", "ls01.contoso.com\nls02.contoso.com"],
  ["carriage return", "ls01.contoso.com\r"],
  ["tab", "ls01.contoso.com\tls02.contoso.com"],
  ["ampersand", "ls01.contoso.com & calc.exe"],
  ["pipe", "ls01.contoso.com|Out-File x"],
  ["redirect", "ls01.contoso.com>x"],
  ["cmd variable", "%COMPUTERNAME%"],
  ["reg separator", "ls01.contoso.com\\0evil.contoso.com"],
  ["Cyrillic look-alike", "ls01.c\u043entoso.com"],
  ["fullwidth letters", "\uff4c\uff53\uff10\uff11.contoso.com"],
  ["zero-width space", "ls01.contoso.com\u200b"],
  ["right-to-left override", "ls01.\u202econtoso.com"],
  ["Kelvin sign", "\u212a01.contoso.com"],
  ["300-character name", `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(56)}`],
  ["64-character label", `${"a".repeat(64)}.contoso.com`],
  ["leading hyphen", "-ls01.contoso.com"],
  ["numeric name", "10.0.1"],
  ["IPv6 with zone", "fe80::1%eth0"],
  ["eleven servers", Array.from({ length: 11 }, (_, i) => `ls${i}.contoso.com`).join(",")],
];

const HOSTILE_MODES = ["4; reg delete HKLM\\SYSTEM /f", "4\n", " 4", "04", "$(4)", "\uff14", "4`", "6", "5", ""];

/** Runs a script with a hostile parameter: an error line (invalid-parameter), empty stderr, nothing changed. */
async function expectRefused(script: ScriptName, parameters: Record<string, string>) {
  const state = loadPreset("healthy");
  const run = await runScript(state, script, parameters);
  expect(run.json).toEqual({
    rdpMedic: script,
    v: 1,
    error: { code: "invalid-parameter", message: expect.stringMatching(/^[^\u0000-\u001f]{1,1000}$/) },
  });
  expect(run.stderr).toBe("");
  expect(run.exitCode).toBe(1);
  expect(run.state).toEqual(state);
  return run;
}

describeWithPwsh("hostile parameters are refused inside the scripts", () => {
  it.each(HOSTILE_SERVERS)("set-license-servers refuses %s", async (_what, value) => {
    const run = await expectRefused("set-license-servers", { Servers: value });
    expect(() => JSON.parse(run.stdout)).not.toThrow();
  });

  it.each(HOSTILE_SERVERS.slice(0, 12))("probe refuses %s in LicenseServers", async (_what, value) => {
    await expectRefused("probe", { LicenseServers: value });
  });

  it.each(HOSTILE_SERVERS.slice(12))("verify refuses %s in ExpectedServers", async (_what, value) => {
    await expectRefused("verify", { ExpectedServers: value, ExpectedMode: "4", RdshExpected: "present" });
  });

  it.each(HOSTILE_MODES)("set-licensing-mode refuses Mode %j", async (mode) => {
    await expectRefused("set-licensing-mode", { Mode: mode });
  });

  it.each<Record<string, string>>([
    { ExpectedMode: "4; x" },
    { ExpectedMode: "ANY" },
    { RdshExpected: "present;x" },
    { RdshExpected: "true" },
    { ExpectedServers: "" },
    { LicensingEvents: "no" },
    { LicensingEvents: "Any" },
    { LicensingEvents: "check;whoami" },
    { LicensingEvents: "" },
  ])("verify refuses %j", async (parameters) => {
    await expectRefused("verify", parameters);
  });

  it("the refusal is a ScriptFailedError for the TypeScript parser", async () => {
    const run = await expectRefused("probe", { LicenseServers: "a;b" });
    expect(() => parseProbeOutput(run.stdout, run.stderr)).toThrow(ScriptFailedError);
  });

  it("accepts what the contract allows: a host binding 'a,b' as an array joins it with a space", async () => {
    const run = await runScript("demo-broken", "set-license-servers", { Servers: "ls01.contoso.com ls02.contoso.com" });
    expect(run.json).toMatchObject({ changed: true, after: { specifiedLicenseServers: ["ls01.contoso.com", "ls02.contoso.com"] } });
  });
});

/** Restore values besides the corpus: only 'keep', 'absent' and <KIND>:<canonical base64 of a well-formed value> pass. */
const DWORD_2 = "REG_DWORD:AgAAAA==";
const HOSTILE_RESTORE_VALUES = [
  "4", "2", "0", "absent;whoami", "Absent", "ABSENT", " absent", "absent ", "absent\n", "Keep", "KEEP", "keep ", " keep", "null",
  "REG_DWORD", "REG_DWORD:", "REG_DWORD:BAAAAA", "REG_DWORD:BAAAAB==", "REG_DWORD:BAAAAA==;whoami", "REG_DWORD:BAAAAA== ", " REG_DWORD:BAAAAA==",
  "REG_DWORD:BAAA AA==", "REG_DWORD:BAAAAA==\n", "REG_DWORD:BAAAAAA=", "REG_DWORD:BAAA", "reg_dword:BAAAAA==", "REG_LINK:BAAAAA==",
  "REG_DWORD:BAAAAA==:x", "REG_QWORD:BAAAAA==", "REG_SZ:bABzADAAMQA=", "REG_SZ:AA==", "REG_MULTI_SZ:bABzADAAMQAAAA==", "REG_MULTI_SZ:AQA=",
  `REG_BINARY:${Buffer.alloc(2049).toString("base64")}`, "REG_DWORD:$(whoami)", "REG_DWORD:BAAAAA==`", "REG_DWORD:\uff22AAAAA==",
];

describeWithPwsh("restore-licensing refuses the injection corpus and malformed values inside the script", () => {
  // The other parameter is a valid one that would change the guest: a check made too late would show in the state.
  it.each(INJECTION_CORPUS.map((e) => [e.label, e.value]))("LicenseServers: %s", async (_label, value) => {
    await expectRefused("restore-licensing", { LicensingMode: DWORD_2, LicenseServers: value });
  });

  it.each([...INJECTION_CORPUS.map((e) => [e.label, e.value]), ...HOSTILE_RESTORE_VALUES.map((m) => [JSON.stringify(m).slice(0, 60), m])])(
    "LicensingMode: %s",
    async (_label, value) => {
      await expectRefused("restore-licensing", { LicensingMode: value as string, LicenseServers: "REG_MULTI_SZ:bABzADAAMgAAAAAA" });
    },
  );

  it.each(HOSTILE_RESTORE_VALUES.map((m) => [JSON.stringify(m).slice(0, 60), m]))("LicenseServers: %s", async (_label, value) => {
    await expectRefused("restore-licensing", { LicensingMode: DWORD_2, LicenseServers: value as string });
  });

  it("hostile text inside a well-formed value is written as data, exactly, never run", async () => {
    const entries = ["$(Set-Content pwned 1)", 'ls"; reg delete HKLM\\SYSTEM /f; "', "a;b|c&d", "`n"];
    const data = Buffer.from(`${entries.join("\u0000")}\u0000\u0000`, "utf16le").toString("base64");
    const run = await runScript("healthy", "restore-licensing", { LicensingMode: "keep", LicenseServers: `REG_MULTI_SZ:${data}` });
    expect(run.json).toMatchObject({ changed: true });
    expect(run.stderr).toBe("");
    expect(run.state.registry[KEYS.licenseServers]).toEqual({ SpecifiedLicenseServers: { type: "REG_MULTI_SZ", value: entries } });
  });
});

describeWithPwsh("hostile values already in the registry are data, never code", () => {
  it("probe reports them safely, looks none of them up and changes nothing", async () => {
    const state = loadPreset("healthy");
    const names = ["$(Set-Content pwned 1)", 'ls"; whoami; "', "ls01\u0007.contoso.com", `${"x".repeat(300)}`];
    state.registry[KEYS.licenseServers] = { SpecifiedLicenseServers: { type: "REG_MULTI_SZ", value: names } };
    const run = await runScript(state, "probe");
    expect(run.stderr).toBe("");
    expect(run.state).toEqual(state);
    const probe = parseProbeOutput(run.stdout, run.stderr) as ProbeResult;
    expect(probe.specifiedLicenseServers).toEqual([names[0], names[1], "ls01?.contoso.com", "x".repeat(256)]);
    expect(probe.truncated).toBe(true);
    expect(probe.servers.map((s) => [s.dnsResolved, s.tcp135, s.status, s.cals])).toEqual(names.map(() => [false, false, null, null]));
    expect(probe.invalidServerNames).toHaveLength(4);
  });
});
