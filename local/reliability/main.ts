/**
 * `npm run reliability`: runs the fault matrix through the real app offline, writes docs/reliability.md and exits
 * non-zero when any run did not end as its fault says it should or broke an invariant.
 * Options: --out FILE (default docs/reliability.md), --only CASE[,CASE...] (prints, writes nothing).
 */
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { renderReliabilityDoc } from "./report";
import { runFaultMatrix } from "./runner";

const DEFAULT_OUT = join(__dirname, "..", "..", "docs", "reliability.md");

async function main(argv: string[]): Promise<number> {
  let out = DEFAULT_OUT;
  let only: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--out") out = value;
    else if (flag === "--only") only = value.split(",");
    else throw new Error(`unknown option ${flag}; usage: reliability [--out FILE] [--only CASE,...]`);
  }
  const result = await runFaultMatrix({ ...(only ? { only } : {}), log: (line) => console.log(line) });
  for (const r of result.results) {
    console.log(`${r.ok ? "ok  " : "FAIL"} ${r.faultCase.id.padEnd(18)} ${String(r.verdict ?? r.runtimeStatus).padEnd(10)} ${r.problems.join("; ")}`);
  }
  if (!only) {
    writeFileSync(out, renderReliabilityDoc(result));
    console.log(`wrote ${relative(process.cwd(), out)}`);
  }
  const bad = result.results.filter((r) => !r.ok).length;
  console.log(`${result.results.length - bad}/${result.results.length} as expected; ${Math.round(result.wallMs / 1000)} s of real time`);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
