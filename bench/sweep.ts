/**
 * Sweep benchmark: `npm run bench -- sweep [--vms 1000,10000] [--throttled-vms 1000] [--rate-scale 4] [--no-throttled] [--json]`.
 * Each measurement is a fresh process (bench/sweep-run.ts) with the simulator in a child process. Targets:
 * 10,000 VMs under 60 s wall; time(10,000)/time(1,000) <= 12; no instance history above 2,000 events; at most one
 * Resource Graph request per 1,000 VMs per scope; under throttling, no check fails or gives up because of 429 and
 * the sweep reaches >= 90% of the rate the throttling allows.
 */
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import type { RunResult } from "./sweep-run";

/** The simulator's throttling buckets (azure-facts §4.4, §4.5) that a probe draws on, before rate scaling. */
const BUCKETS = {
  armReads: { capacity: 250, perSecond: 25 },
  armWrites: { capacity: 200, perSecond: 10 },
  computeUpdateVm: { capacity: 1500, perSecond: 500 / 60 },
} as const;

export interface ThrottleFigures {
  vms: number;
  rateScale: number;
  /** Seconds the buckets need at least for the requests the sweep made: max over buckets of (used - burst) / refill. */
  allowedSeconds: number;
  /** The bucket that bound it. */
  bindingBucket: string;
  actualSeconds: number;
  allowedVmsPerSecond: number;
  achievedVmsPerSecond: number;
  ratio: number;
  status429: number;
  failedChecks: number;
  throttledUnknowns: number;
}

export function throttleFigures(run: RunResult): ThrottleFigures {
  const scale = run.rateScale ?? 1;
  const used = { armReads: run.served.admitted.reads, armWrites: run.served.admitted.writes, computeUpdateVm: run.served.admitted.updateVm };
  let allowedSeconds = 0;
  let bindingBucket = "none";
  for (const [name, bucket] of Object.entries(BUCKETS) as Array<[keyof typeof BUCKETS, (typeof BUCKETS)[keyof typeof BUCKETS]]>) {
    const seconds = Math.max(0, (used[name] - bucket.capacity) / (bucket.perSecond * scale));
    if (seconds > allowedSeconds) {
      allowedSeconds = seconds;
      bindingBucket = name;
    }
  }
  const actualSeconds = (run.served.lastMs - run.served.firstMs) / 1000;
  return {
    vms: run.vms,
    rateScale: scale,
    allowedSeconds: round(allowedSeconds),
    bindingBucket,
    actualSeconds: round(actualSeconds),
    allowedVmsPerSecond: round(run.vms / allowedSeconds),
    achievedVmsPerSecond: round(run.vms / actualSeconds),
    ratio: round(allowedSeconds / actualSeconds),
    status429: run.status429,
    failedChecks: run.report.failed,
    throttledUnknowns: run.report.byUnknownReason.throttled ?? 0,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function runOnce(vms: number, throttled: boolean, rateScale: number): RunResult {
  const args = [...process.execArgv, join(__dirname, "sweep-run.ts"), "--vms", String(vms), ...(throttled ? ["--throttled", "--rate-scale", String(rateScale)] : [])];
  const result = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "inherit"] });
  if (result.status !== 0) throw new Error(`bench/sweep-run.ts --vms ${vms}${throttled ? " --throttled" : ""} failed (${result.status})`);
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as RunResult;
}

function option(args: string[], flag: string, fallback: string): string {
  const at = args.indexOf(flag);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
}

export async function sweepBench(args: string[], json: boolean): Promise<number> {
  const sizes = option(args, "--vms", "1000,10000").split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--vms takes whole numbers, comma-separated");
  const throttledVms = Number(option(args, "--throttled-vms", "1000"));
  const rateScale = Number(option(args, "--rate-scale", "4"));
  const runs = sizes.map((n) => runOnce(n, false, 1));
  const throttledRun = args.includes("--no-throttled") ? undefined : runOnce(throttledVms, true, rateScale);
  const throttle = throttledRun ? throttleFigures(throttledRun) : undefined;

  const of = (n: number) => runs.find((r) => r.vms === n);
  const small = of(1000);
  const large = of(10000);
  const checks: Array<{ target: string; value: string; met: boolean }> = [];
  if (large) checks.push({ target: "10,000 VMs checked in under 60 s wall", value: `${(large.wallMs / 1000).toFixed(1)} s`, met: large.wallMs < 60_000 });
  if (small && large) {
    const ratio = large.wallMs / small.wallMs;
    checks.push({ target: "time(10,000) / time(1,000) <= 12", value: `${ratio.toFixed(1)} (CPU ${(large.appCpuMs / small.appCpuMs).toFixed(1)})`, met: ratio <= 12 });
  }
  const largest = Math.max(...runs.map((r) => r.largestHistory.events), throttledRun?.largestHistory.events ?? 0);
  checks.push({ target: "no instance history above 2,000 events", value: String(largest), met: largest <= 2000 });
  const listingOk = runs.every((r) => r.report.listingRequests.resourceGraph <= Math.ceil(r.vms / 1000));
  checks.push({
    target: "target listing: at most one request per 1,000 VMs per scope",
    value: runs.map((r) => `${r.report.listingRequests.resourceGraph} for ${r.vms}`).join(", "),
    met: listingOk,
  });
  if (throttle) {
    checks.push({
      target: "under throttling, no check fails because of 429",
      value: `${throttle.status429} x 429, ${throttle.failedChecks} failed, ${throttle.throttledUnknowns} given up`,
      met: throttle.failedChecks === 0 && throttle.throttledUnknowns === 0,
    });
    checks.push({
      target: ">= 90% of the rate the throttling allows",
      value: `${throttle.achievedVmsPerSecond} of ${throttle.allowedVmsPerSecond} VMs/s (${(throttle.ratio * 100).toFixed(0)}%, ${throttle.bindingBucket})`,
      met: throttle.ratio >= 0.9,
    });
  }
  const met = checks.every((c) => c.met);

  if (json) {
    console.log(JSON.stringify({ runs, throttled: throttledRun ? { run: throttledRun, figures: throttle } : undefined, checks, met }, null, 2));
  } else {
    for (const r of [...runs, ...(throttledRun ? [throttledRun] : [])]) {
      console.log(
        `${r.vms} VMs${r.throttled ? ` (throttled, rate x${r.rateScale})` : ""}: wall ${(r.wallMs / 1000).toFixed(1)} s, app CPU ${(r.appCpuMs / 1000).toFixed(1)} s, ` +
          `simulator CPU ${(r.simulatorCpuMs / 1000).toFixed(1)} s, replays ${r.replays}, largest history ${r.largestHistory.events} events, ` +
          `429s ${r.status429}, peak RSS ${r.peakRssMiB} MiB, load average ${r.loadAverage.start}-${r.loadAverage.end} on ${cpus().length} cores`,
      );
      console.log(`  requests: ${Object.entries(r.armRequests).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    }
    if (throttle) {
      console.log(`throttling: allowed ${throttle.allowedVmsPerSecond} VMs/s (${throttle.allowedSeconds} s, ${throttle.bindingBucket}), achieved ${throttle.achievedVmsPerSecond} VMs/s (${throttle.actualSeconds} s)`);
    }
    for (const c of checks) console.log(`${c.met ? "met    " : "NOT met"}  ${c.target}: ${c.value}`);
  }
  return met ? 0 : 1;
}
