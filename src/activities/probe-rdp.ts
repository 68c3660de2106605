import { rdpTarget } from "../domain/rdp-target";
import { probeRdp } from "../net/rdp-probe";
import type { ActivityDeps } from "./deps";

export type AppRdpCheck =
  | { checked: false; reason: string }
  | { checked: true; target: string; ok: boolean; detail: string };

/** A real RDP negotiation (X.224 Connection Request / Confirm) from the app to the VM, where the app can reach it. */
export function createProbeRdp(deps: Pick<ActivityDeps, "config">) {
  return async (input: { tags: Record<string, string>; computerName: string | undefined }): Promise<AppRdpCheck> => {
    const target = rdpTarget(input.tags, input.computerName, deps.config.rdpProbeHostSuffix);
    if (target === undefined) return { checked: false, reason: "the app has no route to the VM (RDP_PROBE_HOST_SUFFIX or the rdp-medic-rdp-host tag)" };
    if ("error" in target) return { checked: false, reason: target.error };
    const result = await probeRdp({ host: target.host, port: target.port, timeoutMs: 10_000 });
    const where = `${target.host}:${target.port}`;
    return result.ok
      ? { checked: true, target: where, ok: true, detail: `RDP negotiation succeeded (${result.selectedProtocol})` }
      : { checked: true, target: where, ok: false, detail: `${result.reason}: ${result.detail}` };
  };
}
