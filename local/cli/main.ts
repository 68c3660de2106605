/**
 * rdp-medic CLI (offline): `demo` and `simulate --alert FILE [--scenario FILE] [--json] [--guest pwsh|model|auto]`.
 */
import { join } from "node:path";
import { simulate, type SimulationSummary } from "./simulate";

const SCENARIOS = join(__dirname, "..", "scenarios");
const USAGE = `usage:
  rdp-medic demo [--json] [--guest pwsh|model|auto]
  rdp-medic simulate --alert FILE [--scenario FILE] [--json] [--guest pwsh|model|auto]`;

interface Args {
  command: string;
  alert?: string;
  scenario?: string;
  json: boolean;
  guest: "pwsh" | "model" | "auto";
}

function parseArgs(argv: string[]): Args {
  const args: Args = { command: argv[0] ?? "", json: false, guest: "auto" };
  for (let i = 1; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--json") args.json = true;
    else if (flag === "--alert") args.alert = value();
    else if (flag === "--scenario") args.scenario = value();
    else if (flag === "--guest") {
      const g = value();
      if (g !== "pwsh" && g !== "model" && g !== "auto") throw new UsageError("--guest must be pwsh, model or auto");
      args.guest = g;
    } else throw new UsageError(`unknown option ${flag}`);
  }
  return args;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const live = !args.json && process.stdout.isTTY === true;
  const print = (line: string) => process.stdout.write(`${line}\n`);
  let summary: SimulationSummary;
  if (args.command === "demo") {
    if (!args.json) print("RDP Medic demo: an Azure Monitor alert about RD licensing errors repairs a simulated VM.\n");
    summary = await simulate({
      alertFile: join(SCENARIOS, "demo-alert.json"),
      scenarioFile: join(SCENARIOS, "demo.json"),
      guest: args.guest,
      narrate: !args.json,
      live: live,
      print,
    });
  } else if (args.command === "simulate") {
    if (!args.alert) throw new UsageError("simulate needs --alert FILE");
    summary = await simulate({
      alertFile: args.alert,
      scenarioFile: args.scenario ?? join(SCENARIOS, "demo.json"),
      guest: args.guest,
      narrate: live,
      live,
      print,
    });
  } else {
    throw new UsageError(args.command ? `unknown command ${args.command}` : "no command");
  }
  if (args.json) print(JSON.stringify(summary, null, 2));
  else if (!live && args.command !== "demo") {
    for (const run of summary.runs) print(`${run.vmId}\t${run.verdict ?? run.runtimeStatus}\tRDP ${run.rdpBefore} -> ${run.rdpAfter}`);
  } else {
    print(`\n${summary.requests.total} Azure requests (${summary.requests.stateChanging} state-changing), ${summary.virtualMinutes} min of Azure time in ${summary.wallSeconds} s`);
  }
  if (args.command === "demo") {
    const ok = summary.runs.length > 0 && summary.runs.every((r) => r.verdict === "remediated" && r.rdpAfter === "working");
    return ok ? 0 : 1;
  }
  return summary.runs.every((r) => r.runtimeStatus === "Completed") ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`rdp-medic: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
