import type { GuestEvent, GuestFeatureState, GuestLicenseServer, GuestState, RegValue } from "../guest/guest-state";
import { validateGuestExtensions } from "../guest/guest-validation";
import { ScenarioError } from "./errors";
import { isIsoTime, isRecord, requireBoolean, requireNumber, requireString } from "./validate";

/** Structural check of a GuestState from a scenario file (the shape in local/guest/guest-state.ts). */
export function validateGuestState(value: unknown, at: string): GuestState {
  if (!isRecord(value)) throw new ScenarioError(at, "must be an object (GuestState)");
  const bootTime = requireString(value, "bootTime", at);
  if (!isIsoTime(bootTime)) throw new ScenarioError(`${at}.bootTime`, "must be an ISO 8601 time");
  const graceDaysLeft = requireNumber(value, "graceDaysLeft", at);
  if (!Number.isInteger(graceDaysLeft) || graceDaysLeft < 0) throw new ScenarioError(`${at}.graceDaysLeft`, "must be a non-negative integer");
  return {
    computerName: requireString(value, "computerName", at),
    osVersion: requireString(value, "osVersion", at),
    registry: validateRegistry(value.registry, `${at}.registry`),
    features: validateFeatures(value.features, `${at}.features`),
    termServiceRunning: requireBoolean(value, "termServiceRunning", at),
    listeningPorts: portList(value.listeningPorts, `${at}.listeningPorts`),
    graceDaysLeft,
    network: validateNetwork(value.network, `${at}.network`),
    licenseServers: validateLicenseServers(value.licenseServers, `${at}.licenseServers`),
    events: validateEvents(value.events, `${at}.events`),
    bootTime,
    // The host facts and license servers the guest twin checks itself.
    ...validateGuestExtensions(value, at, (field, message) => {
      throw new ScenarioError(field, message);
    }),
  };
}

function validateRegistry(value: unknown, at: string): Record<string, Record<string, RegValue>> {
  if (!isRecord(value)) throw new ScenarioError(at, "must be an object: key path -> value name -> value");
  const out: Record<string, Record<string, RegValue>> = {};
  for (const [key, values] of Object.entries(value)) {
    if (!isRecord(values)) throw new ScenarioError(`${at}[${JSON.stringify(key)}]`, "must be an object: value name -> value");
    const entries: Record<string, RegValue> = {};
    for (const [name, reg] of Object.entries(values)) entries[name] = validateRegValue(reg, `${at}[${JSON.stringify(key)}][${JSON.stringify(name)}]`);
    out[key] = entries;
  }
  return out;
}

function validateRegValue(value: unknown, at: string): RegValue {
  if (!isRecord(value)) throw new ScenarioError(at, "must be {type, value}");
  switch (value.type) {
    case "REG_DWORD":
      if (typeof value.value !== "number" || !Number.isInteger(value.value)) throw new ScenarioError(`${at}.value`, "must be an integer for REG_DWORD");
      return { type: "REG_DWORD", value: value.value };
    case "REG_SZ":
      if (typeof value.value !== "string") throw new ScenarioError(`${at}.value`, "must be a string for REG_SZ");
      return { type: "REG_SZ", value: value.value };
    case "REG_MULTI_SZ":
      if (!Array.isArray(value.value) || !value.value.every((v) => typeof v === "string")) {
        throw new ScenarioError(`${at}.value`, "must be an array of strings for REG_MULTI_SZ");
      }
      return { type: "REG_MULTI_SZ", value: [...(value.value as string[])] };
    default:
      throw new ScenarioError(`${at}.type`, 'must be "REG_DWORD", "REG_SZ" or "REG_MULTI_SZ"');
  }
}

const FEATURE_STATES: readonly GuestFeatureState[] = ["Installed", "Available", "InstallPending", "UninstallPending"];

function validateFeatures(value: unknown, at: string): Record<string, GuestFeatureState> {
  if (!isRecord(value)) throw new ScenarioError(at, "must be an object: feature name -> state");
  const out: Record<string, GuestFeatureState> = {};
  for (const [name, state] of Object.entries(value)) {
    if (!FEATURE_STATES.includes(state as GuestFeatureState)) throw new ScenarioError(`${at}.${name}`, `must be one of ${FEATURE_STATES.join(", ")}`);
    out[name] = state as GuestFeatureState;
  }
  return out;
}

function portList(value: unknown, at: string): number[] {
  if (!Array.isArray(value)) throw new ScenarioError(at, "must be an array of port numbers");
  value.forEach((p, i) => {
    if (typeof p !== "number" || !Number.isInteger(p) || p < 1 || p > 65535) throw new ScenarioError(`${at}[${i}]`, "must be a port number");
  });
  return [...(value as number[])];
}

function validateNetwork(value: unknown, at: string): GuestState["network"] {
  if (!isRecord(value)) throw new ScenarioError(at, "must be {dns, openPorts}");
  if (!isRecord(value.dns)) throw new ScenarioError(`${at}.dns`, "must be an object: host name -> addresses");
  const dns: Record<string, string[]> = {};
  for (const [host, addrs] of Object.entries(value.dns)) {
    if (!Array.isArray(addrs) || !addrs.every((a) => typeof a === "string")) throw new ScenarioError(`${at}.dns.${host}`, "must be an array of addresses");
    dns[host] = [...(addrs as string[])];
  }
  if (!isRecord(value.openPorts)) throw new ScenarioError(`${at}.openPorts`, "must be an object: address -> ports");
  const openPorts: Record<string, number[]> = {};
  for (const [addr, ports] of Object.entries(value.openPorts)) openPorts[addr] = portList(ports, `${at}.openPorts.${addr}`);
  return { dns, openPorts };
}

function validateLicenseServers(value: unknown, at: string): Record<string, GuestLicenseServer> {
  if (!isRecord(value)) throw new ScenarioError(at, "must be an object: address -> {activated, cals, issued}");
  const out: Record<string, GuestLicenseServer> = {};
  for (const [addr, server] of Object.entries(value)) {
    const here = `${at}.${addr}`;
    if (!isRecord(server)) throw new ScenarioError(here, "must be {activated, cals, issued}");
    out[addr] = {
      activated: requireBoolean(server, "activated", here),
      cals: requireNumber(server, "cals", here),
      issued: requireNumber(server, "issued", here),
    };
  }
  return out;
}

function validateEvents(value: unknown, at: string): GuestEvent[] {
  if (!Array.isArray(value)) throw new ScenarioError(at, "must be an array of events");
  return value.map((event, i) => {
    const here = `${at}[${i}]`;
    if (!isRecord(event)) throw new ScenarioError(here, "must be {log, provider, id, time, message}");
    const time = requireString(event, "time", here);
    if (!isIsoTime(time)) throw new ScenarioError(`${here}.time`, "must be an ISO 8601 time");
    const id = requireNumber(event, "id", here);
    if (!Number.isInteger(id)) throw new ScenarioError(`${here}.id`, "must be an integer event ID");
    return {
      log: requireString(event, "log", here),
      provider: requireString(event, "provider", here),
      id,
      time,
      message: typeof event.message === "string" ? event.message : requireString(event, "message", here),
    };
  });
}
