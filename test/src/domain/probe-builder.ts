import { RdpMedicError } from "../../../src/errors";
import { parseProbeOutput } from "../../../src/domain/probe-output";
import type { FeatureState, LicenseServerCheck, LicensingMode, PlaybookPolicy, ProbeResult } from "../../../src/domain/playbook";

/** The probe's JSON line as the script prints it (ProbeResult without the parser's derived fields). */
export type ProbeWire = Omit<ProbeResult, "invalidServerNames">;

export const POLICY: PlaybookPolicy = {
  licensingMode: 4,
  licenseServers: ["rdls01.contoso.com", "rdls02.contoso.com"],
  noCalsAction: "report",
  removeUnusedLicensingRole: false,
};

export function policy(overrides: Partial<PlaybookPolicy> = {}): PlaybookPolicy {
  return { ...POLICY, ...overrides };
}

const ADDRESSES: Record<string, string> = { "rdls01.contoso.com": "10.0.0.4", "rdls02.contoso.com": "10.0.0.5" };

function okCheck(name: string): LicenseServerCheck {
  return { name, dnsResolved: true, addresses: [ADDRESSES[name.toLowerCase()] ?? "10.0.9.9"], tcp135: true, health: "ok" };
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
      rdshInstallState: 1,
      rdshFeature: "Installed",
      licensingRoleFeature: "Available",
      licensingMode: forPolicy.licensingMode,
      specifiedLicenseServers: [...forPolicy.licenseServers],
      legacyPathLicenseServers: null,
      policyLicensingMode: null,
      policyLicenseServers: null,
      graceDaysLeft: 60,
      servers: forPolicy.licenseServers.map(okCheck),
      termServiceRunning: true,
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

  mode(mode: number | null): this {
    this.wire.licensingMode = mode;
    return this;
  }

  /** Local SpecifiedLicenseServers (…\TermService\Parameters\LicenseServers); checks are added for new names. */
  servers(servers: string[] | null): this {
    this.wire.specifiedLicenseServers = servers;
    for (const s of servers ?? []) this.ensureCheck(s);
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
    return this.check(name, { dnsResolved: false, addresses: [], tcp135: false, health: "unreachable" });
  }

  portClosed(name: string): this {
    return this.check(name, { tcp135: false, health: "unreachable" });
  }

  health(name: string, health: LicenseServerCheck["health"]): this {
    return this.check(name, { health });
  }

  /** Every policy server reports this health. */
  allPolicyServers(health: LicenseServerCheck["health"]): this {
    for (const s of this.forPolicy.licenseServers) this.health(s, health);
    return this;
  }

  check(name: string, change: Partial<LicenseServerCheck>): this {
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
    this.wire.events.push({ id, log, time });
    this.wire.eventCount += 1;
    return this;
  }

  service(termServiceRunning: boolean, rdpListening: boolean): this {
    this.wire.termServiceRunning = termServiceRunning;
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

  private ensureCheck(name: string): LicenseServerCheck {
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
