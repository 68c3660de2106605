import type { GuestFeatureState, GuestLicenseServer, GuestState } from "../guest-state";
import { KEYS, SERVER_COMPONENT_CACHE, cloneState, deleteRegValue, findName, setRegValue } from "../guest-registry";
import { bootLicensingEvents, licensingEvent } from "../reboot";

/** Windows Server releases as the twin stands them up: build, caption, and the PowerShell Run Command starts. */
export const RELEASES = {
  "2012R2": { osVersion: "6.3.9600", caption: "Microsoft Windows Server 2012 R2 Datacenter", powerShell: "4.0" },
  "2016": { osVersion: "10.0.14393", caption: "Microsoft Windows Server 2016 Datacenter", powerShell: "5.1.14393.7426" },
  "2019": { osVersion: "10.0.17763", caption: "Microsoft Windows Server 2019 Datacenter", powerShell: "5.1.17763.6189" },
  "2022": { osVersion: "10.0.20348", caption: "Microsoft Windows Server 2022 Datacenter", powerShell: "5.1.20348.2849" },
  "2025": { osVersion: "10.0.26100", caption: "Microsoft Windows Server 2025 Datacenter", powerShell: "5.1.26100.2161" },
} as const;

const CURRENT_VERSION = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
const CLUSTER_SETTINGS = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\ClusterSettings";
const REBOOT_KEYS = {
  "component-servicing": "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending",
  "windows-update": "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired",
} as const;

/**
 * A guest state as a change of the healthy one, in admin terms (like test/src/domain/probe-builder.ts). build()
 * adds the licensing events Windows logs at the preset's boot for the state it describes (reboot.ts), unless
 * asked not to: a preset never contradicts the twin's own account of Windows.
 */
export class GuestBuilder {
  private readonly state: GuestState;
  private bootEvents = true;

  constructor(base: GuestState) {
    this.state = cloneState(base);
  }

  /** LicensingMode: a REG_DWORD by default; REG_SZ writes the number as text (which Windows does not read). */
  mode(value: number | null, type: "REG_DWORD" | "REG_SZ" = "REG_DWORD"): this {
    if (value === null) deleteRegValue(this.state, KEYS.licensingCore, "LicensingMode");
    else setRegValue(this.state, KEYS.licensingCore, "LicensingMode", type === "REG_SZ" ? { type, value: String(value) } : { type, value });
    return this;
  }

  /** SpecifiedLicenseServers: a REG_MULTI_SZ by default; REG_SZ holds the names comma-separated in one string. */
  servers(names: string[] | null, type: "REG_MULTI_SZ" | "REG_SZ" = "REG_MULTI_SZ"): this {
    if (names === null) deleteRegValue(this.state, KEYS.licenseServers, "SpecifiedLicenseServers");
    else setRegValue(this.state, KEYS.licenseServers, "SpecifiedLicenseServers", type === "REG_SZ" ? { type, value: names.join(",") } : { type, value: names });
    return this;
  }

  /** The value at the seed edition's path (TermService\Parameters, which Windows does not read). */
  legacyServers(names: string[]): this {
    setRegValue(this.state, KEYS.termServiceParameters, "SpecifiedLicenseServers", { type: "REG_MULTI_SZ", value: names });
    return this;
  }

  gpoMode(mode: number): this {
    setRegValue(this.state, KEYS.policy, "LicensingMode", { type: "REG_DWORD", value: mode });
    return this;
  }

  gpoServers(commaSeparated: string): this {
    setRegValue(this.state, KEYS.policy, "LicenseServers", { type: "REG_SZ", value: commaSeparated });
    return this;
  }

  /** The RD Session Host role's live state (undefined removes it: Available) and, optionally, its component cache. */
  rdsh(feature: GuestFeatureState | undefined, cacheInstallState?: number): this {
    this.feature("RDS-RD-Server", feature);
    if (cacheInstallState !== undefined) setRegValue(this.state, KEYS.rdshCache, "InstallState", { type: "REG_DWORD", value: cacheInstallState });
    return this;
  }

  feature(name: string, state: GuestFeatureState | undefined): this {
    const stored = findName(this.state.features, name) ?? name;
    if (state === undefined) delete this.state.features[stored];
    else this.state.features[stored] = state;
    return this;
  }

  /** The RD Licensing role on this VM, with its license server (under the VM's address). */
  localLicenseServer(server: GuestLicenseServer): this {
    this.feature("RDS-Licensing", "Installed");
    setRegValue(this.state, `${SERVER_COMPONENT_CACHE}\\RDS-Licensing`, "InstallState", { type: "REG_DWORD", value: 1 });
    this.state.licenseServers[this.state.localAddresses![0]!] = server;
    return this;
  }

  grace(days: number): this {
    this.state.graceDaysLeft = days;
    return this;
  }

  release(name: keyof typeof RELEASES): this {
    const release = RELEASES[name];
    this.state.osVersion = release.osVersion;
    this.state.edition = { caption: release.caption, productType: 3 };
    this.state.powerShellVersion = release.powerShell;
    return this;
  }

  workgroup(): this {
    this.state.domain = null;
    return this;
  }

  sessions(active: number, disconnected: number): this {
    this.state.sessions = [
      ...Array.from({ length: active }, (_, i) => ({ user: `CONTOSO\\user${i + 1}`, state: "Active" as const })),
      ...Array.from({ length: disconnected }, (_, i) => ({ user: `CONTOSO\\away${i + 1}`, state: "Disconnected" as const })),
    ];
    return this;
  }

  /** WTSEnumerateSessions fails: nobody knows who is signed in. */
  sessionsUnreadable(): this {
    this.state.sessions = null;
    return this;
  }

  termService(running: boolean, startType: "Automatic" | "Manual" | "Disabled"): this {
    this.state.termServiceRunning = running;
    this.state.termServiceStartType = startType;
    return this;
  }

  pendingReboot(reason: keyof typeof REBOOT_KEYS): this {
    this.state.registry[REBOOT_KEYS[reason]] = {};
    return this;
  }

  /** A member of an RD Connection Broker deployment. */
  broker(name: string): this {
    setRegValue(this.state, CLUSTER_SETTINGS, "SessionDirectoryActive", { type: "REG_DWORD", value: 1 });
    setRegValue(this.state, CLUSTER_SETTINGS, "SessionDirectoryLocation", { type: "REG_SZ", value: name });
    return this;
  }

  /** A SKU without Server Manager (Get-WindowsFeature) and without the component cache. */
  withoutServerManager(editionId: string, installationType: string, caption: string, productType: number): this {
    this.state.serverManager = false;
    delete this.state.registry[findName(this.state.registry, KEYS.rdshCache)!];
    setRegValue(this.state, CURRENT_VERSION, "EditionID", { type: "REG_SZ", value: editionId });
    setRegValue(this.state, CURRENT_VERSION, "InstallationType", { type: "REG_SZ", value: installationType });
    this.state.edition = { caption, productType };
    return this;
  }

  process32Bit(): this {
    this.state.processArchitecture = "x86";
    return this;
  }

  /** Changes one license server (by address): its CALs, activation, WMI access, version, group, status. */
  licenseServer(address: string, change: Partial<GuestLicenseServer>): this {
    const current = this.state.licenseServers[address] ?? { activated: true, cals: 0, issued: 0 };
    this.state.licenseServers[address] = { ...current, ...change };
    return this;
  }

  openPorts(address: string, ports: number[]): this {
    this.state.network.openPorts[address] = ports;
    return this;
  }

  /** An event logged at a time before the boot (hours before it). */
  earlierEvent(id: 1068 | 1069 | 1128 | 1130, hoursBeforeBoot: number): this {
    const time = new Date(Date.parse(this.state.bootTime) - hoursBeforeBoot * 3_600_000).toISOString();
    this.state.events.push(licensingEvent(id, time, this.state.graceDaysLeft));
    return this;
  }

  /** Events logged at the boot whatever the state now says (a fix made after the boot, without a restart). */
  eventsAtBoot(...ids: Array<1068 | 1069 | 1128 | 1130>): this {
    this.bootEvents = false;
    for (const id of ids) this.state.events.push(licensingEvent(id, new Date(this.state.bootTime).toISOString(), this.state.graceDaysLeft));
    return this;
  }

  /** Any other change. */
  with(change: (state: GuestState) => void): this {
    change(this.state);
    return this;
  }

  build(): GuestState {
    const state = cloneState(this.state);
    if (this.bootEvents) state.events.push(...bootLicensingEvents(state, new Date(state.bootTime)));
    return state;
  }
}
