import { isIP } from "node:net";
import { describeChar } from "./printable";

/** The only characters a host name or an IPv4/IPv6 address (without a zone ID) is made of. */
const NAME_CHAR = /^[A-Za-z0-9.:-]$/;

/**
 * Why `value` is not a license server name an operator may give, or undefined when it is one: a DNS host name
 * (FQDN or single label) or an IPv4/IPv6 address. Anything else (quotes, spaces, `;`, `$`, `%`, look-alike Unicode,
 * an IPv6 zone ID, over 253 characters) is refused, so no value that reaches a script can change what it does.
 */
export function licenseServerNameProblem(value: string): string | undefined {
  if (value.length === 0) return "it is empty";
  if (value.length > 253) return `it is ${value.length} characters long (at most 253)`;
  for (const char of value) {
    if (!NAME_CHAR.test(char)) {
      return `it contains ${describeChar(char)}; only ASCII letters, digits, '.', '-' and ':' (IPv6) may appear`;
    }
  }
  if (value.includes(":")) return isIP(value) === 6 ? undefined : "it contains ':' but is not an IPv6 address";
  if (isIP(value) === 4) return undefined;
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  if (/^[0-9.]+$/.test(name) && /[0-9]/.test(name)) return "it is made of digits and dots but is not an IPv4 address";
  for (const label of name.split(".")) {
    if (label.length === 0) return "it has an empty label (two dots in a row, or a leading dot)";
    if (label.length > 63) return `it has a label of ${label.length} characters (at most 63)`;
    if (label.startsWith("-") || label.endsWith("-")) return "a label starts or ends with '-'";
  }
  return undefined;
}

export function isValidLicenseServerName(value: string): boolean {
  return licenseServerNameProblem(value) === undefined;
}

/** Splits a comma-separated list, trims, drops empties. */
export function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
