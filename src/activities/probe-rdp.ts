import { rdpTarget } from "../domain/rdp-target";
import { probeRdp } from "../net/rdp-probe";
import type { ActivityDeps } from "./deps";

export type AppRdpCheck =
  /** refused: a tag asked for a place outside the allowed reach (or was malformed); nothing was connected to. */
  | { checked: false; reason: string; refused?: boolean }
  | { checked: true; target: string; ok: boolean; detail: string };

/**
 * A real RDP negotiation (X.224 Connection Request / Confirm) from the app to the VM, only inside the reach the
 * settings allow (RDP_PROBE_HOST_SUFFIX, RDP_PROBE_ADDRESS_RANGES, RDP_PROBE_PORTS).
 */
export function createProbeRdp(deps: Pick<ActivityDeps, "config">) {
  return async (input: { tags: Record<string, string>; computerName: string | undefined }): Promise<AppRdpCheck> => {
    const target = rdpTarget(input.tags, input.computerName, {
      hostSuffix: deps.config.rdpProbeHostSuffix,
      addressRanges: deps.config.rdpProbeAddressRanges,
      ports: deps.config.rdpProbePorts,
    });
    if (target === undefined) return { checked: false, reason: "the app has no route to the VM (RDP_PROBE_HOST_SUFFIX, or the rdp-medic-rdp-host tag inside RDP_PROBE_ADDRESS_RANGES)" };
    if ("error" in target) return { checked: false, reason: target.error, refused: true };
    const result = await probeRdp({ host: target.host, port: target.port, timeoutMs: 10_000 });
    const where = `${target.host}:${target.port}`;
    return result.ok
      ? { checked: true, target: where, ok: true, detail: `RDP negotiation succeeded (${result.selectedProtocol})` }
      : { checked: true, target: where, ok: false, detail: `${result.reason}: ${result.detail}` };
  };
}
