/**
 * One measured sweep: the real app (src/index.ts) in the local durable host in this process, its SDK clients
 * pointed at the simulator in a child process (fast TypeScript guest model, zero latency), N VMs.
 *   tsx bench/sweep-run.ts --vms N [--throttled --rate-scale S]     prints one JSON line
 * Run by bench/sweep.ts, one fresh process per measurement (the app reads its settings once per process).
 */
import { fork, type ChildProcess } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { functionRegistry } from "../local/durable/functions-core";
import { LocalDurableHost } from "../local/durable/host";
import type { SweepReport } from "../src/activities/sweep-contracts";
import { BENCH_SUB, BENCH_WORKSPACE } from "./sweep-fleet";
import type { ServedSummary, SimulatorHello } from "./sweep-simulator";

interface RunArgs {
  vms: number;
  throttled: boolean;
  rateScale: number;
}

function parseArgs(argv: string[]): RunArgs {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const vms = Number(value("--vms"));
  if (!Number.isInteger(vms) || vms < 1) throw new Error("--vms must be a positive whole number");
  const rateScale = Number(value("--rate-scale") ?? "1");
  if (!(rateScale > 0)) throw new Error("--rate-scale must be positive");
  return { vms, throttled: argv.includes("--throttled"), rateScale };
}

function next<T>(child: ChildProcess, kind: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { kind?: string }) => {
      if (message.kind !== kind) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`the simulator process ended (${code}) before "${kind}"`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

export interface RunResult {
  vms: number;
  throttled: boolean;
  rateScale?: number;
  wallMs: number;
  /** CPU of the app's process (orchestrations, activities, SDK clients, durable host). */
  appCpuMs: number;
  /** CPU of the simulator's process (Azure's side, guests). */
  simulatorCpuMs: number;
  replays: number;
  episodes: number;
  instances: number;
  largestHistory: { events: number; instanceId: string };
  armRequests: Record<string, number>;
  status429: number;
  peakRssMiB: number;
  /** The machine's 1-minute load average at the start and the end (other work competes for the same cores). */
  loadAverage: { start: number; end: number };
  served: ServedSummary;
  report: Pick<SweepReport, "state" | "rate"> & { checked: number; compliant: number; noncompliant: number; unknown: number; failed: number; byUnknownReason: Record<string, number>; listingRequests: SweepReport["targets"]["requests"] };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const child = fork(join(__dirname, "sweep-simulator.ts"), [String(args.vms), args.throttled ? "throttled" : "plain", String(args.rateScale)], {
    execArgv: process.execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const sim = await next<SimulatorHello>(child, "ready");
    Object.assign(process.env, sim.msiEnvironment, {
      ALLOWED_SCOPES: `/subscriptions/${BENCH_SUB}`,
      LICENSE_SERVERS: "ls01.contoso.com",
      ARM_ENDPOINT: sim.armEndpoint,
      LOGS_ENDPOINT: sim.logsEndpoint,
      LOCAL_CA_CERT_FILE: sim.caCertFile,
      MANAGED_IDENTITY_CLIENT_ID: "0c0ffee0-0000-4000-8000-000000000001",
      SWEEP_POLICY: "report",
      SWEEP_MAX_CONCURRENCY: "1000",
      SWEEP_MAX_ERRORS: "10000",
      SWEEP_WORKSPACE_IDS: BENCH_WORKSPACE,
    });
    void functionRegistry;
    await import("../src/index.js");
    const host = await LocalDurableHost.start({ maxEpisodesPerRun: 1_000_000 });

    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
    const load0 = loadavg()[0] ?? 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const started = await host.invokeRoute("POST", `${host.origin}/api/sweeps?code=bench`, { headers: { "content-type": "application/json" }, body: "{}" });
    if (started.status !== 202) throw new Error(`POST /api/sweeps answered ${started.status}: ${started.body}`);
    const sweepId = (started.json as { sweepId: string }).sweepId;
    await host.runUntilIdle();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());

    const status = host.getStatus(sweepId);
    if (status?.runtimeStatus !== "Completed") throw new Error(`sweep ${sweepId} ended ${status?.runtimeStatus}: ${JSON.stringify(status?.output).slice(0, 2000)}`);
    const report = status.output as SweepReport;
    child.send({ kind: "report" });
    const served = await next<ServedSummary>(child, "served");
    const instances = host.store.list({});
    const largest = instances.reduce(
      (best, r) => (r.stats.largestHistory > best.events ? { events: r.stats.largestHistory, instanceId: r.instanceId } : best),
      { events: 0, instanceId: "" },
    );
    const result: RunResult = {
      vms: args.vms,
      throttled: args.throttled,
      ...(args.throttled ? { rateScale: args.rateScale } : {}),
      wallMs: Math.round(wallMs),
      appCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      simulatorCpuMs: served.cpuMs,
      replays: host.hub.counters.replays,
      episodes: host.hub.counters.episodes,
      instances: instances.length,
      largestHistory: largest,
      armRequests: served.byOperation,
      status429: served.status429,
      peakRssMiB: Math.round(peakRss / 1048576),
      loadAverage: { start: Math.round(load0 * 10) / 10, end: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
      served,
      report: {
        state: report.state,
        checked: report.summary.checked,
        compliant: report.summary.compliant,
        noncompliant: report.summary.noncompliant,
        unknown: report.summary.unknown,
        failed: report.summary.failed,
        byUnknownReason: report.summary.byUnknownReason,
        rate: report.rate,
        listingRequests: report.targets.requests,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    await host.close();
  } finally {
    child.send({ kind: "stop" });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
