import { isIP } from "node:net";
import type { GuestState, RegValue } from "../guest-state";
import { featureState, findName, getRegValue, isPortOpen, resolveHost } from "../guest-registry";

/**
 * TypeScript twins of the shared helpers in src/scripts/shared/helpers.ps1, applied to a GuestState the way the shim
 * answers the scripts' commands. Each function names the PowerShell function it mirrors.
 */

export const MAX_SERVERS = 10;
export const RCM_PROVIDER = "Microsoft-Windows-TerminalServices-RemoteConnectionManager";
export const RCM_ADMIN_LOG = `${RCM_PROVIDER}/Admin`;

/** A script-reported failure: printed as {"rdpMedic","v","error":{code,message}}. */
export class ModelScriptError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Get-SafeText */
export function safeText(text: string, max: number): string {
  const clean = text.replace(UNSAFE, "?");
  return clean.length > max ? clean.slice(0, max) : clean;
}

const OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const IPV4 = new RegExp(`^(${OCTET}\\.){3}${OCTET}$`);

/** Test-IpAddress */
export function isIpAddress(value: string): boolean {
  if (IPV4.test(value)) return true;
  if (!value.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(value)) return false;
  if (value.includes(".") && !IPV4.test(value.slice(value.lastIndexOf(":") + 1))) return false;
  return isIP(value) === 6;
}

const LABEL = /^[A-Za-z0-9-]{1,63}$/;

/** Test-LicenseServerName */
export function isLicenseServerName(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  if (isIpAddress(value)) return true;
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  if (/^[0-9.]*$/.test(name)) return false;
  return name.split(".").every((label) => LABEL.test(label) && !label.startsWith("-") && !label.endsWith("-"));
}

/** Split-Parameter: commas and spaces separate; other whitespace stays in the name. */
export function splitParameter(value: string): string[] {
  return value.split(/[, ]+/).filter((p) => p.length > 0);
}

/** Test-SameName */
export function sameName(a: string, b: string): boolean {
  return a.replace(/\.$/, "").toLowerCase() === b.replace(/\.$/, "").toLowerCase();
}

/** Add-UniqueNames */
export function addUniqueNames(list: string[], names: readonly string[]): void {
  for (const name of names) if (!list.some((existing) => sameName(existing, name))) list.push(name);
}

/** Read-ServerList */
export function readServerList(parameterName: string, value: string, required: boolean): string[] {
  const names = splitParameter(value);
  if (required && names.length === 0) {
    throw new ModelScriptError("invalid-parameter", `${parameterName} must name at least one license server.`);
  }
  if (names.length > MAX_SERVERS) {
    throw new ModelScriptError("invalid-parameter", `${parameterName} names ${names.length} servers; at most ${MAX_SERVERS} are allowed.`);
  }
  names.forEach((name, i) => {
    if (!isLicenseServerName(name)) {
      throw new ModelScriptError("invalid-parameter", `${parameterName} item ${i + 1} is not a valid host name or IP address.`);
    }
  });
  const unique: string[] = [];
  addUniqueNames(unique, names);
  return unique;
}

/** Assert-64BitProcess: a 32-bit (WOW64) process sees redirected registry and WMI views. */
export function assert64BitProcess(state: GuestState): void {
  if (state.processArchitecture === "x86") {
    throw new ModelScriptError(
      "process-32-bit",
      "This script runs in a 32-bit PowerShell process, which sees redirected registry and WMI views: run it with 64-bit Windows PowerShell (%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe).",
    );
  }
}

/** Read-RegEntry + Get-RegEntryBytes: a value's kind and its bytes in the registry's binary form. */
export function regEntryBytes(v: RegValue): Buffer {
  switch (v.type) {
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return Buffer.from(`${v.value}\u0000`, "utf16le");
    case "REG_MULTI_SZ":
      return Buffer.from(v.value.length === 0 ? "\u0000" : `${v.value.join("\u0000")}\u0000\u0000`, "utf16le");
    case "REG_DWORD": {
      const bytes = Buffer.alloc(4);
      bytes.writeInt32LE(v.value | 0, 0);
      return bytes;
    }
    case "REG_QWORD": {
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64LE(BigInt.asIntN(64, BigInt(v.value)), 0);
      return bytes;
    }
    case "REG_BINARY":
    case "REG_NONE":
      return Buffer.from(v.value, "base64");
  }
}

/** Get-RegValueFact: {kind, data} (data null when longer than maxData), null when absent. */
export function regValueFact(state: GuestState, key: string, name: string, maxData: number): { kind: string; data: string | null } | null {
  const v = getRegValue(state, key, name);
  if (v === undefined) return null;
  const data = regEntryBytes(v).toString("base64");
  return { kind: v.type, data: data.length > maxData ? null : data };
}

/** Get-RegKind */
export function regKind(state: GuestState, key: string, name: string): string | null {
  return getRegValue(state, key, name)?.type ?? null;
}

/** Get-FeatureState, answered by the shim's Get-WindowsFeature (missing without Server Manager). */
export function reportedFeatureState(state: GuestState, name: string): string {
  if (state.serverManager === false) return "Unknown";
  const value = featureState(state, name);
  switch (value) {
    case "Installed":
    case "Available":
    case "InstallPending":
    case "UninstallPending":
      return value;
    default:
      return (value as string) === "Removed" ? "Available" : "Unknown";
  }
}

/** Format-Time: UTC, whole seconds. */
export function formatTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Resolve-HostAddresses (Resolve-DnsName answered by the shim). */
export function resolveHostAddresses(state: GuestState, name: string): string[] {
  if (isIpAddress(name)) return [name];
  const addresses: string[] = [];
  for (const address of resolveHost(state, name)) if (!addresses.includes(address)) addresses.push(address);
  return addresses;
}

/** Test-TcpPort with the shim's TcpClient. */
export function tcpAnswers(state: GuestState, host: string, port: number): boolean {
  return resolveHost(state, host).some((address) => isPortOpen(state, address, port));
}

/** Get-LicensingEvents: RCM Admin 1068/1069 and System 1128/1130 since a time, newest first. */
export function licensingEvents(state: GuestState, since: Date): Array<{ id: number; log: string; time: Date }> {
  const found: Array<{ id: number; log: string; time: Date }> = [];
  const admin = RCM_ADMIN_LOG.toLowerCase();
  for (const e of state.events) {
    const log = e.log.toLowerCase();
    const wanted =
      (log === admin && (e.id === 1068 || e.id === 1069)) ||
      (log === "system" && e.provider.toLowerCase() === RCM_PROVIDER.toLowerCase() && (e.id === 1128 || e.id === 1130));
    const time = new Date(e.time);
    if (wanted && time.getTime() >= since.getTime()) found.push({ id: e.id, log: e.log, time });
  }
  return found.sort((a, b) => b.time.getTime() - a.time.getTime() || a.id - b.id);
}

/** The stored spelling of a feature, for writes. */
export function featureKey(state: GuestState, name: string): string {
  return findName(state.features, name) ?? name;
}
