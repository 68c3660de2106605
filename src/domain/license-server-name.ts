import { isIP } from "node:net";

/** RFC 1123 host name: labels of 1-63 letters, digits and hyphens, not starting or ending with a hyphen. */
const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * A license server as an operator may name it: a DNS host name (FQDN or single label) or an IPv4/IPv6 address.
 * Anything else (quotes, spaces, `;`, `$`, look-alike Unicode, over 253 characters) is refused, so no value
 * that reaches a script can change what the script does.
 */
export function isValidLicenseServerName(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  if (isIP(value) !== 0) return true;
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  return name.split(".").every((label) => HOST_LABEL.test(label)) && !/^[0-9.]+$/.test(name);
}

/** Splits a comma-separated list, trims, drops empties. */
export function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
