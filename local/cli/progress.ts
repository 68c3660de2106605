import type { LocalDurableHost } from "../durable/host";

/** Prints each run's step as it changes (polling the host), for people watching a terminal. */
export function watchSteps(host: LocalDurableHost, print: (line: string) => void, intervalMs = 25): () => void {
  const seen = new Map<string, string>();
  const started = Date.now();
  const tick = () => {
    for (const status of host.listInstances()) {
      const custom = status.customStatus as { step?: string; vmId?: string } | null;
      const step = custom?.step;
      if (!step || seen.get(status.instanceId) === step) continue;
      seen.set(status.instanceId, step);
      const vm = custom?.vmId?.split("/").pop() ?? status.instanceId;
      const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
      print(`  ${seconds}s  ${vm.padEnd(16)} ${step}`);
    }
  };
  const timer = setInterval(tick, intervalMs);
  return () => {
    clearInterval(timer);
    tick();
  };
}
