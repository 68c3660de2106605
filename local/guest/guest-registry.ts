import type { GuestFeatureState, GuestLicenseServer, GuestState, RegValue } from "./guest-state";

/** Registry keys and values the playbook reads and writes (GuestState key spelling). */
export const KEYS = {
  rdshCache: "HKLM\\SOFTWARE\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache\\RDS-RD-Server",
  licensingCore: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core",
  licenseServers: "HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers",
  termServiceParameters: "HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters",
  policy: "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services",
  rdpTcp: "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp",
} as const;

export const SERVER_COMPONENT_CACHE = "HKLM\\SOFTWARE\\Microsoft\\ServerManager\\ServicingStorage\\ServerComponentCache";

/** The stored spelling of a name in a record, compared case-insensitively (as Windows compares keys). */
export function findName(record: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(record).find((k) => k.toLowerCase() === lower);
}

export function getRegValue(state: GuestState, key: string, name: string): RegValue | undefined {
  const storedKey = findName(state.registry, key);
  if (storedKey === undefined) return undefined;
  const values = state.registry[storedKey] ?? {};
  const storedName = findName(values, name);
  return storedName === undefined ? undefined : values[storedName];
}

/** Writes a value as `reg add ... /f` does: keeps the stored spelling of an existing key and value name. */
export function setRegValue(state: GuestState, key: string, name: string, value: RegValue): void {
  const storedKey = findName(state.registry, key) ?? key;
  const values = (state.registry[storedKey] ??= {});
  values[findName(values, name) ?? name] = value;
}

/** Deletes a value as `reg delete <key> /v <name> /f` does: the key stays, even when it is left empty. */
export function deleteRegValue(state: GuestState, key: string, name: string): void {
  const storedKey = findName(state.registry, key);
  if (storedKey === undefined) return;
  const values = state.registry[storedKey] ?? {};
  const storedName = findName(values, name);
  if (storedName !== undefined) delete values[storedName];
}

/** A REG_DWORD as the scripts report it (unsigned); null when absent or of another kind (Windows reads only a DWORD). */
export function readDword(state: GuestState, key: string, name: string): number | null {
  const v = getRegValue(state, key, name);
  return v?.type === "REG_DWORD" ? v.value >>> 0 : null;
}

/** What Get-ItemProperty hands a script for a value, as text entries (Get-RegMultiString's @($value)). */
export function entriesOf(v: RegValue): string[] {
  switch (v.type) {
    case "REG_MULTI_SZ":
      return [...v.value];
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return [v.value];
    case "REG_DWORD":
      return [String(v.value | 0)];
    case "REG_QWORD":
      return [String(v.value)];
    case "REG_BINARY":
    case "REG_NONE":
      return [...Buffer.from(v.value, "base64")].map(String);
  }
}

/** The RDP listener's port: RDP-Tcp PortNumber, 3389 unless set to another valid port. */
export function rdpPort(state: GuestState): number {
  const port = readDword(state, KEYS.rdpTcp, "PortNumber");
  return port === null || port < 1 || port > 65535 ? 3389 : port;
}

/** A REG_MULTI_SZ without blank entries, null when absent. */
export function readMultiString(state: GuestState, key: string, name: string): string[] | null {
  const v = getRegValue(state, key, name);
  if (v === undefined) return null;
  return entriesOf(v).filter((e) => e.trim().length > 0);
}

/** Splits a comma-separated list, trims, drops empties (PowerShell's Trim and JavaScript's trim agree on ASCII). */
export function splitCommaList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The Group Policy LicenseServers value: comma-separated; null when absent or empty. */
export function readCommaList(state: GuestState, key: string, name: string): string[] | null {
  const v = getRegValue(state, key, name);
  if (v === undefined) return null;
  const names = splitCommaList(entriesOf(v).join(","));
  return names.length === 0 ? null : names;
}

export function featureState(state: GuestState, name: string): GuestFeatureState {
  const stored = findName(state.features, name);
  return stored === undefined ? "Available" : (state.features[stored] ?? "Available");
}

export interface LicensingConfig {
  localMode: number | null;
  policyMode: number | null;
  effectiveMode: number | null;
  specifiedServers: string[] | null;
  policyServers: string[] | null;
  effectiveServers: string[] | null;
  serversSource: "policy" | "local";
}

/** The licensing values Windows uses: Group Policy wins over the local ones, which count only as the kind Windows reads. */
export function licensingConfig(state: GuestState): LicensingConfig {
  const localMode = readDword(state, KEYS.licensingCore, "LicensingMode");
  const policyMode = readDword(state, KEYS.policy, "LicensingMode");
  const specifiedValue = getRegValue(state, KEYS.licenseServers, "SpecifiedLicenseServers");
  const specifiedServers = specifiedValue?.type === "REG_MULTI_SZ" ? readMultiString(state, KEYS.licenseServers, "SpecifiedLicenseServers") : null;
  const policyServers = readCommaList(state, KEYS.policy, "LicenseServers");
  return {
    localMode,
    policyMode,
    effectiveMode: policyMode ?? localMode,
    specifiedServers,
    policyServers,
    effectiveServers: policyServers ?? (specifiedServers !== null && specifiedServers.length > 0 ? specifiedServers : null),
    serversSource: policyServers !== null ? "policy" : "local",
  };
}


/** The addresses a name resolves to in the fake network (an IP literal resolves to itself, localhost to 127.0.0.1). */
export function resolveHost(state: GuestState, name: string): string[] {
  if (/^([0-9]{1,3}\.){3}[0-9]{1,3}$/.test(name) || name.includes(":")) return [name];
  const bare = name.replace(/\.$/, "");
  if (bare.toLowerCase() === "localhost") return ["127.0.0.1"];
  const stored = findName(state.network.dns, bare);
  return stored === undefined ? [] : [...(state.network.dns[stored] ?? [])];
}

/** A loopback address, or one of the VM's own: reaching it is reaching this VM. */
export function isOwnAddress(state: GuestState, address: string): boolean {
  const a = address.toLowerCase();
  return a === "::1" || a.startsWith("127.") || (state.localAddresses ?? []).some((own) => own.toLowerCase() === a);
}

/** A port on the VM itself is open when the VM listens on it; elsewhere, as network.openPorts says. */
export function isPortOpen(state: GuestState, address: string, port: number): boolean {
  if (isOwnAddress(state, address)) return state.listeningPorts.includes(port);
  const stored = findName(state.network.openPorts, address);
  return stored !== undefined && (state.network.openPorts[stored] ?? []).includes(port);
}

/** The license server at an address: the VM's own (under its first own address) when the address is this VM. */
export function licenseServerAt(state: GuestState, address: string): GuestLicenseServer | undefined {
  if (isOwnAddress(state, address)) {
    if (featureState(state, "RDS-Licensing") !== "Installed") return undefined;
    for (const own of state.localAddresses ?? []) {
      const stored = findName(state.licenseServers, own);
      if (stored !== undefined) return state.licenseServers[stored];
    }
    return undefined;
  }
  const stored = findName(state.licenseServers, address);
  return stored === undefined ? undefined : state.licenseServers[stored];
}

/** The license server a name reaches over RPC (resolves, TCP 135 answers, a license server is there), and where. */
export function reachableLicenseServer(state: GuestState, name: string): GuestLicenseServer | undefined {
  for (const address of resolveHost(state, name)) {
    if (!isPortOpen(state, address, 135)) continue;
    const server = licenseServerAt(state, address);
    if (server !== undefined) return server;
  }
  return undefined;
}

/** Whether the VM's identity may read the license server's WMI at this name (always for the VM itself). */
export function remoteWmiAllowed(state: GuestState, name: string): boolean {
  for (const address of resolveHost(state, name)) {
    if (!isPortOpen(state, address, 135)) continue;
    const server = licenseServerAt(state, address);
    if (server === undefined) continue;
    return isOwnAddress(state, address) || server.remoteWmi === "allowed";
  }
  return false;
}

export function cloneState(state: GuestState): GuestState {
  return JSON.parse(JSON.stringify(state)) as GuestState;
}
