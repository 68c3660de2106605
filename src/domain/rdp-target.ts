import { isValidLicenseServerName } from "./license-server-name";

/** The VM tag that says where the app can reach a VM's RDP listener ("host" or "host:port"). */
export const RDP_HOST_TAG = "rdp-medic-rdp-host";

export interface RdpTarget {
  host: string;
  port: number;
}

/**
 * Where the app negotiates RDP with a VM: the tag's host[:port] when set, else <computer name>.<suffix>:3389 when a
 * suffix is configured, else nowhere (the in-guest verify is then the only check).
 */
export function rdpTarget(tags: Record<string, string>, computerName: string | undefined, suffix: string | undefined): RdpTarget | { error: string } | undefined {
  const key = Object.keys(tags).find((k) => k.toLowerCase() === RDP_HOST_TAG);
  if (key !== undefined) {
    const value = (tags[key] ?? "").trim();
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+)(?::(\d{1,5}))?$/.exec(value);
    const host = match?.[1]?.replace(/^\[|\]$/g, "");
    const port = match?.[2] === undefined ? 3389 : Number(match[2]);
    // Host names and addresses as license servers are checked (no IPv6 zone IDs, no look-alike characters).
    if (!host || !isValidLicenseServerName(host) || port < 1 || port > 65535) {
      return { error: `tag ${RDP_HOST_TAG} must be host or host:port, not "${value.slice(0, 80)}"` };
    }
    return { host, port };
  }
  if (suffix === undefined || computerName === undefined) return undefined;
  const host = `${computerName.toLowerCase()}.${suffix}`;
  return isValidLicenseServerName(host) ? { host, port: 3389 } : { error: `"${host.slice(0, 80)}" is not a valid host name` };
}
