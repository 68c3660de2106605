/**
 * `npm run reliability`: runs the fault matrix through the real app offline under every covering profile of Azure's
 * response variants (one child process each: one offline app per process), writes docs/reliability.md and exits
 * non-zero when any run did not end as its fault says it should or broke an invariant.
 * Options: --out FILE (default docs/reliability.md); --only CASE[,CASE...] (prints, writes nothing);
 * --profile N (run only covering profile N in this process: prints, writes nothing; --json FILE keeps the result).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { renderReliabilityDoc, type ProfileRun } from "./report";
import { runFaultMatrix, type MatrixResult } from "./runner";
import { coveringProfiles, describeProfile } from "./variants";

const DEFAULT_OUT = join(__dirname, "..", "..", "docs", "reliability.md");

async function main(argv: string[]): Promise<number> {
  let out = DEFAULT_OUT;
  let only: string[] | undefined;
  let profileIndex: number | undefined;
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--out") out = value;
    else if (flag === "--only") only = value.split(",");
    else if (flag === "--profile") profileIndex = Number.parseInt(value, 10);
    else if (flag === "--json") json = value;
    else throw new Error(`unknown option ${flag}; usage: reliability [--out FILE] [--only CASE,...] [--profile N [--json FILE]]`);
  }
  const profiles = coveringProfiles();
  if (profileIndex !== undefined || only) {
    const profile = profiles[profileIndex ?? 0];
    if (!profile) throw new Error(`--profile must be 0..${profiles.length - 1}`);
    const result = await runFaultMatrix({ profile, ...(only ? { only } : {}), log: (line) => console.log(line) });
    printResults(result);
    if (json) writeFileSync(json, JSON.stringify(result, (_k, v: unknown) => (v instanceof RegExp ? v.source : v)));
    return result.ok ? 0 : 1;
  }
  // Every covering profile in its own process (the app reads its settings once per process).
  const dir = mkdtempSync(join(tmpdir(), "rdp-medic-reliability-"));
  const runs: ProfileRun[] = [];
  try {
    for (let i = 0; i < profiles.length; i++) {
      console.log(`profile ${i}: ${describeProfile(profiles[i]!)}`);
      const file = join(dir, `profile-${i}.json`);
      const child = spawnSync(process.execPath, [...process.execArgv, __filename, "--profile", String(i), "--json", file], { stdio: "inherit" });
      if (child.status !== 0 && child.status !== 1) throw new Error(`profile ${i}: the matrix could not run (exit ${child.status})`);
      runs.push({ index: i, result: JSON.parse(readFileSync(file, "utf8")) as MatrixResult });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(out, renderReliabilityDoc(runs));
  console.log(`wrote ${relative(process.cwd(), out)}`);
  const bad = runs.flatMap((r) => r.result.results.filter((c) => !c.ok).map((c) => `${r.index}:${c.faultCase.id}`));
  console.log(bad.length === 0 ? "every run as expected under every profile" : `not as expected: ${bad.join(", ")}`);
  return bad.length === 0 ? 0 : 1;
}

function printResults(result: MatrixResult): void {
  for (const r of result.results) {
    console.log(`${r.ok ? "ok  " : "FAIL"} ${r.faultCase.id.padEnd(18)} ${String(r.verdict ?? r.runtimeStatus).padEnd(10)} ${r.problems.join("; ")}`);
  }
  const bad = result.results.filter((r) => !r.ok).length;
  console.log(`${result.results.length - bad}/${result.results.length} as expected; ${Math.round(result.wallMs / 1000)} s of real time`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
