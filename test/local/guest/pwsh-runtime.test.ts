import { expect, it } from "vitest";
import { KEYS, getRegValue } from "../../../local/guest/guest-registry";
import type { GuestState } from "../../../local/guest/guest-state";
import { PRESET_NOW, loadPreset } from "../../../local/guest/presets";
import { createPwshRuntime } from "../../../local/guest/pwsh-runtime";
import { createPwshSession } from "../../../local/guest/pwsh-session";
import { loadScript, type ScriptName } from "../../../src/scripts";
import { describeWithPwsh } from "./pwsh-kit";

const fresh = createPwshRuntime();

/** A throw-away script for probing the shim: the marker line, then the body. */
const script = (body: string) => `# rdp-medic-script: probe\nparam([string]$Value = '')\n${body}\n`;

async function run(body: string, parameters: Record<string, string> = {}, state: GuestState = loadPreset("healthy")) {
  return fresh.run(state, script(body), parameters, PRESET_NOW);
}

describeWithPwsh("pwsh runtime (one process per run) and the shim", () => {
  it("passes parameters as values: quotes and $(...) arrive literally, nothing runs", async () => {
    const value = "x'; exit 7; '$(Set-Variable -Name Pwned -Value 1 -Scope Global)\"`n";
    const result = await run("Write-Output (ConvertTo-Json -Compress @{ value = $Value; pwned = [bool](Get-Variable -Name Pwned -Scope Global -ErrorAction SilentlyContinue) })", { Value: value });
    expect(JSON.parse(result.stdout)).toEqual({ value, pwned: false });
    expect(result.exitCode).toBe(0);
  });

  it("answers Get-Date with the given time and $env:COMPUTERNAME with the guest's name", async () => {
    const result = await run("Write-Output ((Get-Date).ToUniversalTime().ToString('o') + ' ' + $env:COMPUTERNAME)");
    expect(result.stdout.trim()).toBe("2025-03-10T09:00:00.0000000Z VM-RDSH01");
  });

  it("shims TcpClient: no real socket is opened", async () => {
    const result = await run("$c = New-Object System.Net.Sockets.TcpClient; Write-Output $c.ShimClass; Write-Output $c.ConnectAsync('ls01.contoso.com', 135).Wait(10)");
    expect(result.stdout.trim().split(/\r?\n/)).toEqual(["TcpClient", "True"]);
  });

  it("reg add without /f refuses to overwrite (Run Command cannot answer the prompt)", async () => {
    const result = await run("reg add 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core' /v LicensingMode /t REG_DWORD /d 2; Write-Output \"exit=$LASTEXITCODE\"");
    expect(result.stdout).toMatch(/overwrite\(Yes\/No\)\?/);
    expect(result.stdout).toMatch(/exit=1/);
    expect(getRegValue(result.state, KEYS.licensingCore, "LicensingMode")).toEqual({ type: "REG_DWORD", value: 4 });
  });

  it("reg add with /f writes REG_MULTI_SZ from \\0-separated data; keys and value names match case-insensitively", async () => {
    const result = await run("reg add 'hklm\\system\\currentcontrolset\\services\\termservice\\parameters\\licenseservers' /v specifiedlicenseservers /t REG_MULTI_SZ /d 'a.contoso.com\\0b.contoso.com' /f | Out-Null; Write-Output \"exit=$LASTEXITCODE\"");
    expect(result.stdout.trim()).toBe("exit=0");
    expect(getRegValue(result.state, KEYS.licenseServers, "SpecifiedLicenseServers")).toEqual({ type: "REG_MULTI_SZ", value: ["a.contoso.com", "b.contoso.com"] });
    expect(Object.keys(result.state.registry).filter((k) => k.toLowerCase() === KEYS.licenseServers.toLowerCase())).toHaveLength(1);
  });

  it("reg delete /v: refuses without /f, deletes the value with it (the key stays), fails on a missing value", async () => {
    const key = "'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core'";
    const result = await run([
      `reg delete ${key} /v LicensingMode | Out-Null; Write-Output "a=$LASTEXITCODE"`,
      `reg delete ${key} /v licensingmode /f | Out-Null; Write-Output "b=$LASTEXITCODE"`,
      `reg delete ${key} /v LicensingMode /f | Out-Null; Write-Output "c=$LASTEXITCODE"`,
    ].join("\n"));
    expect(result.stdout.trim().split(/\r?\n/)).toEqual(["a=1", "b=0", "c=1"]);
    expect(getRegValue(result.state, KEYS.licensingCore, "LicensingMode")).toBeUndefined();
    expect(result.state.registry[KEYS.licensingCore]).toEqual({});
  });

  it("dism refuses /Quiet without /NoRestart and unknown features; 3010 and UninstallPending otherwise", async () => {
    const result = await run([
      "dism /Online /Disable-Feature /FeatureName:Remote-Desktop-Services /Quiet | Out-Null; Write-Output \"a=$LASTEXITCODE\"",
      "dism /Online /Disable-Feature /FeatureName:Nope /Quiet /NoRestart | Out-Null; Write-Output \"b=$LASTEXITCODE\"",
      "dism /Online /Disable-Feature /FeatureName:Remote-Desktop-Services /Quiet /NoRestart | Out-Null; Write-Output \"c=$LASTEXITCODE\"",
    ].join("\n"));
    expect(result.stdout.trim().split(/\r?\n/)).toEqual(["a=1", "b=-2146498548", "c=3010"]);
    expect(result.state.features["RDS-RD-Server"]).toBe("UninstallPending");
  });

  it("leaves the state byte-for-byte equal when a script only reads", async () => {
    const state = loadPreset("many-servers");
    const result = await fresh.run(state, loadScript("probe"), {}, PRESET_NOW);
    expect(result.state).toEqual(state);
  });

  it("an error nobody catches: exit code 1 and text on stderr", async () => {
    const result = await run("throw 'boom'");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/boom/);
  });
});

describeWithPwsh("pwsh session (one process, a runspace per run) = one process per run", () => {
  const session = createPwshSession();
  const cases: Array<[string, ScriptName | string, Record<string, string>]> = [
    ["demo-broken", "probe", { LicenseServers: "ls01.contoso.com" }],
    ["many-servers", "probe", {}],
    ["healthy", "remove-rdsh-role", {}],
    ["demo-broken", "set-license-servers", { Servers: "ls01.contoso.com,ls02.contoso.com" }],
    ["gpo-both", "verify", { ExpectedMode: "4", ExpectedServers: "ls01.contoso.com", RdshExpected: "present" }],
    ["healthy", "set-licensing-mode", { Mode: "7" }],
  ];

  it.each(cases)("%s: %s %j", async (preset, name, parameters) => {
    const state = loadPreset(preset as never);
    const text = loadScript(name as ScriptName);
    const a = await session.run(state, text, parameters, PRESET_NOW);
    const b = await fresh.run(state, text, parameters, PRESET_NOW);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stderr).toBe(b.stderr);
    expect(a.exitCode).toBe(b.exitCode);
    expect(a.state).toEqual(b.state);
  });

  it("keeps runs apart: nothing a script defines leaks into the next run", async () => {
    const first = await session.run(loadPreset("healthy"), script("$global:Leak = 'x'; function global:Get-Leak { 1 }; Write-Output ok"), {}, PRESET_NOW);
    expect(first.stdout.trim()).toBe("ok");
    const second = await session.run(loadPreset("healthy"), script("Write-Output ([bool](Get-Variable Leak -ErrorAction SilentlyContinue)); Write-Output ([bool](Get-Command Get-Leak -ErrorAction SilentlyContinue))"), {}, PRESET_NOW);
    expect(second.stdout.trim().split(/\r?\n/)).toEqual(["False", "False"]);
  });

  it("reports an uncaught error like a process run, and carries on", async () => {
    const failed = await session.run(loadPreset("healthy"), script("throw 'boom'"), {}, PRESET_NOW);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/boom/);
    const next = await session.run(loadPreset("healthy"), loadScript("probe"), {}, PRESET_NOW);
    expect(next.exitCode).toBe(0);
    await session.close();
  });
});
