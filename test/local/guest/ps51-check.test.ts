import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SHIM_PATH } from "../../../local/guest/pwsh-runtime";
import { SCRIPT_NAMES, loadScript } from "../../../src/scripts";
import { describeWithPwsh, pwshPath } from "./pwsh-kit";

const CHECKER = join(__dirname, "..", "..", "..", "local", "guest", "ps51-check.ps1");
const SCRIPTS_DIR = join(__dirname, "..", "..", "..", "src", "scripts");

interface Finding {
  file: string;
  line: number;
  rule: string;
  text: string;
}

async function check(paths: string[]): Promise<Finding[]> {
  const { stdout } = await promisify(execFile)(pwshPath as string, ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", CHECKER, ...paths], {
    env: { ...process.env, POWERSHELL_TELEMETRY_OPTOUT: "1", POWERSHELL_UPDATECHECK: "Off" },
  });
  return JSON.parse(stdout) as Finding[];
}

/** One line per construct Windows PowerShell 5.1 cannot run, and the rule the checker must name for it. */
const VIOLATIONS: Array<[string, string]> = [
  ["$a = $true ? 1 : 2", "ternary"],
  ["$a = $null ?? 3", "null-coalescing"],
  ["$a ??= 3", "null-coalescing-assignment"],
  ["Get-Item . && Get-Item .", "pipeline-chain"],
  ["$b = ${a}?.Length", "null-conditional"],
  ["$b = ${a}?[0]", "null-conditional"],
  ["1..3 | ForEach-Object -Parallel { $_ }", "parameter-7:ForEach-Object -Parallel"],
  ["$c = '{}' | ConvertFrom-Json -AsHashtable", "parameter-7:ConvertFrom-Json -AsHashtable"],
  ["$d = Test-Json -Json '{}'", "cmdlet-7:Test-Json"],
  ["class Thing { static [int] $Count = 0 }", "class-or-enum"],
  ["function F { process { 1 } clean { 2 } }", "clean-block"],
  ['$e = "`u{2713}"', "unicode-escape"],
  ["'x' | Set-Content -Path x.txt -Encoding utf8NoBOM", "encoding-7"],
  ["Start-Sleep 1 &", "background-operator"],
  ["$f = 'abc' -replace 'b', { $_.Value.ToUpper() }", "replace-scriptblock"],
  ["# caf\u00e9", "non-ascii"],
];

const fixtureName = (rule: string) => `${rule.replace(/[^a-z0-9]+/gi, "-")}.ps1`;

describeWithPwsh("ps51-check.ps1", () => {
  let dir = "";
  /** Findings for every fixture, from one checker run (a pwsh start costs more than the check). */
  let fixtureFindings: Finding[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rdp-medic-ps51-"));
    const files = await Promise.all(
      VIOLATIONS.map(async ([line, rule], i) => {
        const file = join(dir, `${i}-${fixtureName(rule)}`);
        await writeFile(file, `Write-Output 'start'\n${line}\n`);
        return file;
      }),
    );
    const broken = join(dir, "broken.ps1");
    await writeFile(broken, "function Broken {\n  Write-Output 'no end'\n");
    const clean = join(dir, "clean.ps1");
    await writeFile(clean, "$o = [ordered]@{ a = 1 }\nif ('x' -cmatch '^x\\z') { try { $r = $null; [void][int]::TryParse('1', [ref]$r) } finally { } }\n$o | ConvertTo-Json -Compress -Depth 5\n");
    fixtureFindings = await check([...files, broken, clean]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finds nothing in the in-guest scripts as sent: they parse and use only 5.1 syntax, cmdlets and parameters", async () => {
    // What Run Command receives: each script with the shared helpers in place (loadScript).
    const files = await Promise.all(
      SCRIPT_NAMES.map(async (n) => {
        const file = join(dir, `sent-${n}.ps1`);
        await writeFile(file, loadScript(n));
        return file;
      }),
    );
    const findings = await check([...files, join(SCRIPTS_DIR, "shared", "helpers.ps1")]);
    expect(findings).toEqual([]);
  });

  it.each(VIOLATIONS.map(([line, rule], i) => [line, rule, i] as const))("reports %s as %s", (_line, rule, i) => {
    const findings = fixtureFindings.filter((f) => f.file.endsWith(`${i}-${fixtureName(rule)}`));
    expect(findings.map((f) => f.rule)).toContain(rule);
    expect(findings.find((f) => f.rule === rule)?.line).toBe(2);
  });

  it("reports parse errors", () => {
    expect(fixtureFindings.some((f) => f.file.endsWith("broken.ps1") && f.rule.startsWith("parse-error"))).toBe(true);
  });

  it("passes clean 5.1 code (ordered hashtables, -cmatch, try/finally, [ref])", () => {
    expect(fixtureFindings.filter((f) => f.file.endsWith("clean.ps1"))).toEqual([]);
  });

  it("the shim parses too (it runs only under pwsh 7, so only parse errors count)", async () => {
    const findings = await check([SHIM_PATH, join(__dirname, "..", "..", "..", "local", "guest", "pwsh-session-host.ps1")]);
    expect(findings.filter((f) => f.rule.startsWith("parse-error"))).toEqual([]);
  });
});
