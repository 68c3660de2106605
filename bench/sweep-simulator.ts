/**
 * The simulator for one benchmark run, in its own process (as Azure is not in the app's process): started with
 * the bench fleet, it sends its endpoints to the parent, and on "report" sends back what it served.
 */
import { createModelRuntime } from "../local/guest/model-runtime";
import { startAzureSimulator, type RequestLogEntry } from "../local/simulator";
import { benchFleet } from "./sweep-fleet";

export interface SimulatorHello {
  kind: "ready";
  armEndpoint: string;
  logsEndpoint: string;
  caCertFile: string;
  msiEnvironment: Record<string, string>;
}

export interface ServedSummary {
  kind: "served";
  byOperation: Record<string, number>;
  status429: number;
  /** Successful ARM requests per throttling bucket (ARM reads and writes, Compute UpdateVM). */
  admitted: { reads: number; writes: number; updateVm: number };
  firstMs: number;
  lastMs: number;
  cpuMs: number;
}

function summary(entries: RequestLogEntry[], cpuMs: number): ServedSummary {
  const arm = entries.filter((e) => e.category !== "token" && e.category !== "logs");
  const byOperation: Record<string, number> = {};
  for (const e of entries) if (e.category !== "token") byOperation[e.operation] = (byOperation[e.operation] ?? 0) + 1;
  const ok = arm.filter((e) => e.status !== 429);
  const times = arm.map((e) => Date.parse(e.time));
  return {
    kind: "served",
    byOperation,
    status429: entries.filter((e) => e.status === 429).length,
    admitted: {
      reads: ok.filter((e) => e.method === "GET").length,
      writes: ok.filter((e) => e.method !== "GET" && e.method !== "DELETE").length,
      updateVm: ok.filter((e) => e.operation === "vm.runCommand").length,
    },
    firstMs: Math.min(...times),
    lastMs: Math.max(...times),
    cpuMs,
  };
}

async function main(): Promise<void> {
  const [vms, throttled, rateScale] = [Number(process.argv[2]), process.argv[3] === "throttled", Number(process.argv[4] ?? "1")];
  const sim = await startAzureSimulator({
    scenario: benchFleet(vms, new Date()),
    guestRuntime: createModelRuntime(),
    ...(throttled ? { throttling: { enabled: true, rateScale } } : {}),
  });
  const cpu0 = process.cpuUsage();
  process.on("message", (message: { kind: string }) => {
    if (message.kind === "report") {
      const cpu = process.cpuUsage(cpu0);
      process.send?.(summary(sim.requestLog.entries(), Math.round((cpu.user + cpu.system) / 1000)));
    } else if (message.kind === "stop") {
      void sim.stop().then(() => process.exit(0));
    }
  });
  const hello: SimulatorHello = {
    kind: "ready",
    armEndpoint: sim.armEndpoint,
    logsEndpoint: sim.logsEndpoint,
    caCertFile: sim.caCertFile,
    msiEnvironment: { ...sim.msiEnvironment },
  };
  process.send?.(hello);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
