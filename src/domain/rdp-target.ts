import { BlockList, isIP } from "node:net";
import { isValidLicenseServerName } from "./license-server-name";

/** The VM tag that says where the app can reach a VM's RDP listener ("host" or "host:port"). */
export const RDP_HOST_TAG = "rdp-medic-rdp-host";

export interface RdpTarget {
  host: string;
  port: number;
}

/** Where the app's RDP check may connect: the operator's settings, never a tag alone. */
export interface RdpReach {
  /** RDP_PROBE_HOST_SUFFIX: host names under this domain. */
  hostSuffix: string | undefined;
  /** RDP_PROBE_ADDRESS_RANGES: CIDR ranges (validated at start). */
  addressRanges: readonly string[];
  /** RDP_PROBE_PORTS: allowed ports; the first is used when none is named. */
  ports: readonly number[];
}

export type RdpTargetDecision =
  | RdpTarget
  /** The tag is malformed, or names a place outside the allowed reach: never connected to. */
  | { error: string }
  | undefined;

/**
 * Where the app negotiates RDP with a VM. The tag may choose the host and port, but only inside the reach the
 * settings allow: a host name under the suffix, or an address in the ranges, on an allowed port. Without a tag:
 * <computer name>.<suffix> on the first allowed port, when a suffix is set. Otherwise nowhere (undefined: the
 * in-guest verify is the only check). Whoever can write tags cannot steer the app anywhere else.
 */
export function rdpTarget(tags: Record<string, string>, computerName: string | undefined, reach: RdpReach): RdpTargetDecision {
  const defaultPort = reach.ports[0] ?? 3389;
  const key = Object.keys(tags).find((k) => k.toLowerCase() === RDP_HOST_TAG);
  if (key !== undefined) {
    const value = (tags[key] ?? "").trim();
    // host, host:port, [IPv6] or [IPv6]:port
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]+))(?::(\d{1,5}))?$/.exec(value);
    const host = match?.[1] ?? match?.[2];
    const port = match?.[3] === undefined ? defaultPort : Number(match[3]);
    // Host names and addresses as license servers are checked (no IPv6 zone IDs, no look-alike characters).
    if (!host || !isValidLicenseServerName(host) || port < 1 || port > 65535) {
      return { error: `tag ${RDP_HOST_TAG} must be host or host:port, not "${value.slice(0, 80)}"` };
    }
    if (!reach.ports.includes(port)) {
      return { error: `tag ${RDP_HOST_TAG} names port ${port}, which is not in RDP_PROBE_PORTS (${reach.ports.join(", ")})` };
    }
    if (!withinReach(host, reach)) {
      return { error: `tag ${RDP_HOST_TAG} names ${host}, which is neither under RDP_PROBE_HOST_SUFFIX nor in RDP_PROBE_ADDRESS_RANGES` };
    }
    return { host: host.toLowerCase(), port };
  }
  if (reach.hostSuffix === undefined || computerName === undefined) return undefined;
  const host = `${computerName.toLowerCase()}.${reach.hostSuffix.toLowerCase()}`;
  return isValidLicenseServerName(host) ? { host, port: defaultPort } : { error: `"${host.slice(0, 80)}" is not a valid host name` };
}

/** A host name strictly under the suffix (not the suffix itself), or an address inside one of the ranges. */
export function withinReach(host: string, reach: Pick<RdpReach, "hostSuffix" | "addressRanges">): boolean {
  const family = isIP(host);
  if (family !== 0) return inRanges(host, family === 6 ? "ipv6" : "ipv4", reach.addressRanges);
  if (reach.hostSuffix === undefined) return false;
  const name = host.toLowerCase().replace(/\.$/, "");
  const suffix = reach.hostSuffix.toLowerCase().replace(/^\.|\.$/g, "");
  return name.endsWith(`.${suffix}`) && name.length > suffix.length + 1;
}

function inRanges(address: string, family: "ipv4" | "ipv6", ranges: readonly string[]): boolean {
  const list = new BlockList();
  for (const range of ranges) {
    const [network = "", prefix = ""] = range.split("/");
    // Only ranges of the address's own family: BlockList would match IPv4 addresses against IPv6 ranges (as mapped).
    if (isIP(network) !== (family === "ipv6" ? 6 : 4) || !/^\d{1,3}$/.test(prefix)) continue;
    list.addSubnet(network, Number(prefix), family);
  }
  return list.check(address, family);
}
