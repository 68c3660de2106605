import { RdpMedicError } from "../../../src/errors";
import { parseProbeOutput } from "../../../src/domain/probe-output";
import type {
  CalFacts,
  FeatureState,
  LicenseServerCheck,
  LicensingMode,
  PendingRebootReason,
  PlaybookPolicy,
  ProbeResult,
  RegKind,
  ServiceStartType,
  ServiceStatus,
} from "../../../src/domain/playbook";
import { encodeRegValue } from "../../../src/domain/registry-value";

/** A server check as the script prints it (without the parser's derived health). */
export type CheckWire = Omit<LicenseServerCheck, "health">;

/** The probe's JSON line as the script prints it (ProbeResult without the parser's derived fields). */
export type ProbeWire = Omit<ProbeResult, "invalidServerNames" | "servers"> & { servers: CheckWire[] };

export const POLICY: PlaybookPolicy = {
  licensingMode: 4,
  licenseServers: ["rdls01.contoso.com", "rdls02.contoso.com"],
  noCalsAction: "report",
  removeUnusedLicensingRole: false,
  restartWithUsers: "approve",
  maintenanceWindow: undefined,
  enforceDriftInSweeps: false,
};

export function policy(overrides: Partial<PlaybookPolicy> = {}): PlaybookPolicy {
  return { ...POLICY, ...overrides };
}

const ADDRESSES: Record<string, string> = { "rdls01.contoso.com": "10.0.0.4", "rdls02.contoso.com": "10.0.0.5" };

function okCheck(name: string): CheckWire {
  return { name, dnsResolved: true, addresses: [ADDRESSES[name.toLowerCase()] ?? "10.0.9.9"], tcp135: true, status: 11, cals: null };
}

/** The exact value facts the probe prints for a mode and a server list. */
function modeFact(mode: number | null, kind: RegKind = "REG_DWORD") {
  if (mode === null) return null;
  return { kind, data: encodeRegValue(kind, kind === "REG_DWORD" ? mode : String(mode)).toString("base64") };
}
function serversFact(servers: string[] | null, kind: RegKind = "REG_MULTI_SZ") {
  if (servers === null) return null;
  return { kind, data: encodeRegValue(kind, kind === "REG_MULTI_SZ" ? servers : servers.join(",")).toString("base64") };
}

/**
 * Builds a probe report from admin-level facts, starting from a healthy RD Session Host that uses the policy's
 * servers. `build()` prints it as the script would and parses it with the real parser.
 */
export class ProbeBuilder {
  private wire: ProbeWire;

  constructor(private readonly forPolicy: PlaybookPolicy = POLICY) {
    this.wire = {
      rdpMedic: "probe",
      v: 1,
      computerName: "RDSH01",
      localAddresses: ["10.0.1.4"],
      os: { version: "10.0.20348", build: 20348, caption: "Microsoft Windows Server 2022 Datacenter", edition: "ServerDatacenter", installationType: "Server", productType: 3 },
      psVersion: "5.1.20348.2849",
      is64BitProcess: true,
      domain: { joined: true, name: "contoso.com" },
      bootTime: "2024-05-01T08:00:00Z",
      sessions: { active: 0, disconnected: 0 },
      termService: { status: "Running", startType: "Automatic" },
      pendingReboot: [],
      broker: null,
      serverManager: true,
      rdshInstallState: 1,
      rdshFeature: "Installed",
      licensingRoleFeature: "Available",
      licensingMode: forPolicy.licensingMode,
      licensingModeValue: modeFact(forPolicy.licensingMode),
      specifiedLicenseServers: [...forPolicy.licenseServers],
      specifiedLicenseServersValue: serversFact([...forPolicy.licenseServers]),
      legacyPathLicenseServers: null,
      policyLicensingMode: null,
      policyLicenseServers: null,
      graceDaysLeft: 60,
      servers: forPolicy.licenseServers.map(okCheck),
      localLicenseServer: null,
      rdpListening: true,
      events: [],
      eventCount: 0,
      truncated: false,
    };
  }

  rdsh(feature: FeatureState, installState: number | null): this {
    this.wire.rdshFeature = feature;
    this.wire.rdshInstallState = installState;
    return this;
  }

  licensingRole(feature: FeatureState): this {
    this.wire.licensingRoleFeature = feature;
    return this;
  }

  /** Local LicensingMode as a REG_DWORD, or of another kind (then Windows does not read it: licensingMode is null). */
  mode(mode: number | null, kind: RegKind = "REG_DWORD"): this {
    this.wire.licensingMode = kind === "REG_DWORD" ? mode : null;
    this.wire.licensingModeValue = modeFact(mode, kind);
    return this;
  }

  /** Local SpecifiedLicenseServers (…\TermService\Parameters\LicenseServers); checks are added for new names. */
  servers(servers: string[] | null, kind: RegKind = "REG_MULTI_SZ"): this {
    // The probe drops blank entries, whatever the kind.
    this.wire.specifiedLicenseServers = servers === null ? null : (kind === "REG_MULTI_SZ" ? servers : [servers.join(",")]).filter((e) => e.trim() !== "");
    this.wire.specifiedLicenseServersValue = serversFact(servers, kind);
    for (const s of servers ?? []) if (kind === "REG_MULTI_SZ") this.ensureCheck(s);
    return this;
  }

  /** The raw data of a value left out of the report (too large). */
  withoutRawData(value: "licensingModeValue" | "specifiedLicenseServersValue"): this {
    const fact = this.wire[value];
    if (fact !== null) this.wire[value] = { kind: fact.kind, data: null };
    this.wire.truncated = true;
    return this;
  }

  /** The connectivity status Windows reports for a server. */
  status(name: string, status: number | null): this {
    return this.check(name, { status });
  }

  /** CAL facts of a server (visible from the host). */
  cals(name: string, facts: CalFacts | null): this {
    return this.check(name, { cals: facts });
  }

  /** The RD Licensing role on this VM, with its own CAL facts. */
  localLicenseServer(facts: CalFacts | null): this {
    this.wire.licensingRoleFeature = "Installed";
    this.wire.localLicenseServer = facts;
    return this;
  }

  os(build: number, edition = "ServerDatacenter", productType = 3): this {
    this.wire.os = { ...this.wire.os, version: `10.0.${build}`, build, edition, productType };
    return this;
  }

  workgroup(name = "WORKGROUP"): this {
    this.wire.domain = { joined: false, name };
    return this;
  }

  domainUnknown(): this {
    this.wire.domain = null;
    return this;
  }

  sessions(active: number, disconnected: number): this {
    this.wire.sessions = { active, disconnected };
    return this;
  }

  sessionsUnknown(): this {
    this.wire.sessions = null;
    return this;
  }

  termService(status: ServiceStatus, startType: ServiceStartType = "Automatic"): this {
    this.wire.termService = { status, startType };
    return this;
  }

  pendingReboot(...reasons: PendingRebootReason[]): this {
    this.wire.pendingReboot = reasons;
    return this;
  }

  broker(name: string | null): this {
    this.wire.broker = name;
    return this;
  }

  noServerManager(edition = "ServerRdsh", productType = 1): this {
    this.wire.serverManager = false;
    this.wire.rdshFeature = "Unknown";
    this.wire.licensingRoleFeature = "Unknown";
    this.wire.os = { ...this.wire.os, edition, productType };
    return this;
  }

  legacyServers(servers: string[] | null): this {
    this.wire.legacyPathLicenseServers = servers;
    return this;
  }

  gpoMode(mode: LicensingMode | number | null): this {
    this.wire.policyLicensingMode = mode;
    return this;
  }

  gpoServers(servers: string[] | null): this {
    this.wire.policyLicenseServers = servers;
    for (const s of servers ?? []) this.ensureCheck(s);
    return this;
  }

  grace(days: number | null): this {
    this.wire.graceDaysLeft = days;
    return this;
  }

  dnsFails(name: string): this {
    return this.check(name, { dnsResolved: false, addresses: [], tcp135: false, status: null, cals: null });
  }

  portClosed(name: string): this {
    return this.check(name, { tcp135: false, status: 6, cals: null });
  }

  /** A server in a state an admin names: its CAL facts visible from the host. */
  health(name: string, health: "ok" | "not-activated" | "no-cals" | "cals-exhausted" | "unreachable" | "unknown"): this {
    switch (health) {
      case "ok":
        return this.check(name, { status: 11, cals: null });
      case "not-activated":
        return this.check(name, { status: 11, cals: { activated: false, packs: [] } });
      case "no-cals":
        return this.check(name, { status: 11, cals: { activated: true, packs: [] } });
      case "cals-exhausted":
        return this.check(name, { status: 11, cals: { activated: true, packs: [{ type: "user", version: 7, total: 20, issued: 20 }] } });
      case "unreachable":
        return this.check(name, { status: 6, cals: null });
      case "unknown":
        return this.check(name, { status: 0, cals: null });
    }
  }

  /** Every policy server reports this health. */
  allPolicyServers(health: Parameters<ProbeBuilder["health"]>[1]): this {
    for (const s of this.forPolicy.licenseServers) this.health(s, health);
    return this;
  }

  check(name: string, change: Partial<CheckWire>): this {
    const check = this.ensureCheck(name);
    Object.assign(check, change);
    return this;
  }

  withoutCheck(name: string): this {
    this.wire.servers = this.wire.servers.filter((c) => c.name !== name);
    return this;
  }

  computer(name: string, addresses: string[]): this {
    this.wire.computerName = name;
    this.wire.localAddresses = addresses;
    return this;
  }

  event(id: number, log: "System" | "Admin" = "System", time = "2024-05-01T10:00:00.0000000Z"): this {
    // Events are since the last boot: a later event moves nothing, an earlier boot keeps it in.
    this.wire.events.push({ id, log, time });
    this.wire.eventCount += 1;
    return this;
  }

  service(termServiceRunning: boolean, rdpListening: boolean): this {
    this.wire.termService = { status: termServiceRunning ? "Running" : "Stopped", startType: "Automatic" };
    this.wire.rdpListening = rdpListening;
    return this;
  }

  /** Escape hatch for parser tests: any field, any value. */
  set(key: string, value: unknown): this {
    (this.wire as unknown as Record<string, unknown>)[key] = value;
    return this;
  }

  toJson(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.wire)) as Record<string, unknown>;
  }

  /** What Run Command would return as stdout: some noise, then the JSON line. */
  stdout(): string {
    return `Probing RD licensing...\r\n${JSON.stringify(this.wire)}\r\n`;
  }

  build(): ProbeResult {
    return parseProbeOutput(this.stdout(), "");
  }

  private ensureCheck(name: string): CheckWire {
    let check = this.wire.servers.find((c) => c.name === name);
    if (!check) {
      check = okCheck(name);
      this.wire.servers.push(check);
    }
    return check;
  }
}

export function probe(forPolicy: PlaybookPolicy = POLICY): ProbeBuilder {
  return new ProbeBuilder(forPolicy);
}

/** Asserts that `fn` throws a typed error with this code, and returns it. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof RdpMedicError)) throw new Error(`untyped error thrown: ${String(e)}`);
    return e.code;
  }
  throw new Error("expected an error, none was thrown");
}
