/**
 * Benchmarks (not tests): `npm run bench -- <name> [options] [--json]`.
 *   coldstart [--runs N]     bundled vs unbundled import time (target: bundled <= 35% of unbundled)
 *   sweep [--vms 1000,10000] [--throttled-vms N] [--rate-scale S] [--no-throttled]   compliance sweep at fleet scale
 */
import { coldStart } from "./coldstart";
import { sweepBench } from "./sweep";

type Bench = (args: string[], json: boolean) => Promise<number>;

const BENCHES: Record<string, Bench> = {
  async coldstart(args, json) {
    const runsAt = args.indexOf("--runs");
    const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 11;
    if (!Number.isInteger(runs) || runs < 3) throw new Error("--runs must be a whole number of at least 3");
    const result = await coldStart(runs);
    const target = 0.35;
    if (json) console.log(JSON.stringify({ ...result, target, met: result.ratio <= target }, null, 2));
    else {
      console.log(`cold start, median of ${result.runs} fresh processes:`);
      console.log(`  unbundled (dist/src/index.js):   ${result.unbundledMs.median} ms`);
      console.log(`  bundled (package, ${result.bundleKiB} KiB): ${result.bundledMs.median} ms`);
      console.log(`  ratio ${(result.ratio * 100).toFixed(1)}% (target <= ${target * 100}%) ${result.ratio <= target ? "met" : "NOT met"}`);
    }
    return result.ratio <= target ? 0 : 1;
  },
  sweep: sweepBench,
};

export function registerBench(name: string, bench: Bench): void {
  BENCHES[name] = bench;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes("--json");
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join("|")}> [options] [--json]`);
    return 2;
  }
  return bench(rest.filter((a) => a !== "--json"), json);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
