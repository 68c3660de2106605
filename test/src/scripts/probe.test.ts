import { expect, it } from "vitest";
import { cloneState } from "../../../local/guest/guest-registry";
import { loadPreset } from "../../../local/guest/presets";
import type { LicenseServerCheck, ProbeResult } from "../../../src/domain/playbook";
import { describeWithPwsh, runScript } from "../../local/guest/pwsh-kit";

const probe = async (...args: Parameters<typeof runScript> extends [infer G, unknown, ...infer R] ? [G, ...R] : never) => {
  const [guest, parameters, now] = args as [Parameters<typeof runScript>[0], Record<string, string>?, Date?];
  const run = await runScript(guest, "probe", parameters, now);
  return { ...run, probe: run.json as unknown as ProbeResult };
};

const server = (p: ProbeResult, name: string): LicenseServerCheck | undefined => p.servers.find((s) => s.name === name);

describeWithPwsh("probe.ps1 under pwsh", () => {
  it("reports a healthy RD Session Host and changes nothing", async () => {
    const state = loadPreset("healthy");
    const { probe: p, state: after, stderr, exitCode } = await probe(state);
    expect(stderr).toBe("");
    expect(exitCode).toBe(0);
    expect(p).toMatchObject({
      rdpMedic: "probe",
      v: 1,
      computerName: "VM-RDSH01",
      localAddresses: ["10.0.3.4"],
      rdshInstallState: 1,
      rdshFeature: "Installed",
      licensingRoleFeature: "Available",
      licensingMode: 4,
      licensingModeValue: { kind: "REG_DWORD", data: "BAAAAA==" },
      specifiedLicenseServers: ["ls01.contoso.com"],
      specifiedLicenseServersValue: { kind: "REG_MULTI_SZ", data: Buffer.from("ls01.contoso.com\u0000\u0000", "utf16le").toString("base64") },
      legacyPathLicenseServers: null,
      policyLicensingMode: null,
      policyLicenseServers: null,
      os: { version: "10.0.20348", build: 20348, caption: "Microsoft Windows Server 2022 Datacenter", edition: "ServerDatacenter", installationType: "Server", productType: 3 },
      psVersion: "5.1.20348.2849",
      is64BitProcess: true,
      domain: { joined: true, name: "contoso.com" },
      bootTime: "2025-03-10T02:00:00Z",
      sessions: { active: 0, disconnected: 0 },
      termService: { status: "Running", startType: "Automatic" },
      pendingReboot: [],
      broker: null,
      serverManager: true,
      localLicenseServer: null,
      rdpListening: true,
      events: [],
      eventCount: 0,
      truncated: false,
    });
    // Remote WMI to the license server is denied, as on a real one: Windows' status is known, its CALs are not.
    expect(p.servers).toEqual([{ name: "ls01.contoso.com", dnsResolved: true, addresses: ["10.0.1.4"], tcp135: true, status: 11, cals: null }]);
    expect(after).toEqual(state);
  });

  it("reports the demo VM: mode 5, no servers, grace over, the events since boot only", async () => {
    const { probe: p } = await probe("demo-broken");
    expect(p.licensingMode).toBe(5);
    expect(p.specifiedLicenseServers).toBeNull();
    expect(p.graceDaysLeft).toBe(0);
    expect(p.servers).toEqual([]);
    expect(p.eventCount).toBe(3);
    expect(p.events.map((e) => e.id).sort()).toEqual([1069, 1128, 1130]);
    expect(p.events.every((e) => e.time === "2025-03-10T02:00:00Z")).toBe(true);
  });

  it("checks the intended servers passed as LicenseServers too", async () => {
    const { probe: p } = await probe("demo-broken", { LicenseServers: "ls01.contoso.com, 10.0.1.5" });
    expect(p.servers).toEqual([
      { name: "ls01.contoso.com", dnsResolved: true, addresses: ["10.0.1.4"], tcp135: true, status: 11, cals: null },
      { name: "10.0.1.5", dnsResolved: true, addresses: ["10.0.1.5"], tcp135: true, status: 11, cals: null },
    ]);
  });

  it("tells DNS failure, a closed port 135 and a host that is no license server apart", async () => {
    expect(server((await probe("dns-failure")).probe, "ls-old.contoso.com")).toEqual({
      name: "ls-old.contoso.com", dnsResolved: false, addresses: [], tcp135: false, status: null, cals: null,
    });
    expect(server((await probe("server-unreachable")).probe, "ls01.contoso.com")).toMatchObject({ dnsResolved: true, tcp135: false, status: 6, cals: null });
    expect(server((await probe("wrong-servers")).probe, "fs01.contoso.com")).toMatchObject({ dnsResolved: true, tcp135: true, status: 6, cals: null });
  });

  it("reports the connectivity status Windows computes: older server, not in its group, beta, 2008 R2, unknown validity", async () => {
    const status = async (preset: Parameters<typeof probe>[0]) => server((await probe(preset)).probe, "ls01.contoso.com")?.status;
    expect(await status("license-server-older")).toBe(4);
    expect(await status("ws2025-older-ls")).toBe(4);
    expect(await status("host-not-in-license-group")).toBe(5);
    expect(await status("license-server-beta")).toBe(3);
    expect(await status("license-server-2008r2")).toBe(1);
    expect(await status("status-unknown-validity")).toBe(7);
    expect(await status("status-access-denied")).toBe(8);
    expect(await status("ws2016-healthy")).toBe(11);
  });

  it("reads a license server's CALs only where its WMI may be read: granted, or this VM itself", async () => {
    expect(server((await probe("server-not-activated")).probe, "ls01.contoso.com")?.cals).toBeNull();
    expect(server((await probe("grace-over")).probe, "ls01.contoso.com")?.cals).toBeNull();
    expect(server((await probe("server-not-activated-visible")).probe, "ls01.contoso.com")?.cals).toEqual({ activated: false, packs: [] });
    expect(server((await probe("no-cals-visible")).probe, "ls01.contoso.com")?.cals).toEqual({ activated: true, packs: [] });
    expect(server((await probe("cals-exhausted")).probe, "ls01.contoso.com")?.cals).toEqual({ activated: true, packs: [{ type: "user", version: 7, total: 20, issued: 20 }] });
    expect(server((await probe("cal-type-mismatch")).probe, "ls01.contoso.com")?.cals?.packs).toEqual([{ type: "device", version: 7, total: 40, issued: 39 }]);
    expect(server((await probe("cal-version-too-old")).probe, "ls01.contoso.com")?.cals?.packs).toEqual([{ type: "user", version: 5, total: 50, issued: 12 }]);
    const self = (await probe("self-licensed-localhost")).probe;
    expect(server(self, "localhost")).toMatchObject({ addresses: ["127.0.0.1"], status: 11, cals: { activated: true, packs: [{ type: "user", version: 7, total: 20, issued: 4 }] } });
    expect(self.localLicenseServer).toEqual({ activated: true, packs: [{ type: "user", version: 7, total: 20, issued: 4 }] });
    expect((await probe("licensing-role-issuing")).probe.localLicenseServer).toEqual({ activated: true, packs: [{ type: "user", version: 7, total: 50, issued: 14 }] });
  });

  it("reports the host: OS, PowerShell, domain, sessions, TermService, pending reboot, broker, Server Manager", async () => {
    expect((await probe("ws2012r2-healthy")).probe).toMatchObject({ os: { version: "6.3.9600", build: 9600, caption: "Microsoft Windows Server 2012 R2 Datacenter" }, psVersion: "4.0" });
    expect((await probe("workgroup-per-user")).probe.domain).toEqual({ joined: false, name: "WORKGROUP" });
    expect((await probe("users-signed-in")).probe.sessions).toEqual({ active: 2, disconnected: 1 });
    expect((await probe("sessions-unreadable")).probe.sessions).toBeNull();
    expect((await probe("termservice-disabled")).probe).toMatchObject({ termService: { status: "Stopped", startType: "Disabled" }, graceDaysLeft: null });
    expect((await probe("termservice-stopped")).probe.servers[0]).toMatchObject({ status: null });
    expect((await probe("no-cals-reboot-pending")).probe.pendingReboot).toEqual(["component-servicing"]);
    expect((await probe("pending-reboot")).probe.pendingReboot).toEqual(["windows-update"]);
    expect((await probe("broker-managed")).probe.broker).toBe("cb01.contoso.com");
    expect((await probe("multi-session")).probe).toMatchObject({
      serverManager: false,
      rdshFeature: "Unknown",
      rdshInstallState: null,
      os: { edition: "ServerRdsh", installationType: "Client", productType: 1, build: 22631 },
    });
  });

  it("reports a value's exact kind and data: REG_SZ where Windows reads a DWORD or a list", async () => {
    const mode = (await probe("mode-reg-sz")).probe;
    expect(mode.licensingMode).toBeNull();
    expect(mode.licensingModeValue).toEqual({ kind: "REG_SZ", data: Buffer.from("4\u0000", "utf16le").toString("base64") });
    const servers = (await probe("servers-reg-sz")).probe;
    expect(servers.specifiedLicenseServers).toEqual(["ls01.contoso.com"]);
    expect(servers.specifiedLicenseServersValue).toEqual({ kind: "REG_SZ", data: Buffer.from("ls01.contoso.com\u0000", "utf16le").toString("base64") });
  });

  it("reports Group Policy values next to the local ones and checks the policy server first", async () => {
    const { probe: p } = await probe("gpo-both");
    expect(p.policyLicensingMode).toBe(2);
    expect(p.policyLicenseServers).toEqual(["ls-gpo.contoso.com"]);
    expect(p.licensingMode).toBe(4);
    expect(p.servers.map((s) => s.name)).toEqual(["ls-gpo.contoso.com", "ls01.contoso.com"]);
  });

  it("reports a value at the seed article's legacy path separately", async () => {
    const { probe: p } = await probe("legacy-path");
    expect(p.specifiedLicenseServers).toBeNull();
    expect(p.legacyPathLicenseServers).toEqual(["ls01.contoso.com"]);
  });

  it("reports a plain server without the role: InstallState 0, no grace days", async () => {
    const { probe: p } = await probe("role-not-installed");
    expect(p).toMatchObject({ rdshInstallState: 0, rdshFeature: "Available", licensingMode: null, graceDaysLeft: null });
  });

  it("reports a pending install and the grace days left", async () => {
    expect((await probe("role-pending-restart")).probe).toMatchObject({ rdshFeature: "InstallPending", rdshInstallState: 2 });
    expect((await probe("grace-running")).probe.graceDaysLeft).toBe(42);
  });

  it("stays under 3900 bytes with 13 servers and 200 events since boot, keeping counts and saying it truncated", async () => {
    const { probe: p, stdout } = await probe("many-servers", { LicenseServers: "ls01.contoso.com,ls02.contoso.com" });
    expect(Buffer.byteLength(stdout.trimEnd(), "utf8")).toBeLessThanOrEqual(3900);
    expect(p.servers.map((s) => s.name).slice(0, 4)).toEqual([
      "ls01.contoso.com",
      "ls02.contoso.com",
      "rdls-extra.licensing.corp.contoso.com",
      "rdls-01.licensing.corp.contoso.com",
    ]);
    expect(p.servers).toHaveLength(13);
    // 200 events since the boot, and the one the boot itself logged.
    expect(p.eventCount).toBe(201);
    expect(p.events.length).toBeLessThan(10);
    expect(p.truncated).toBe(true);
    const times = p.events.map((e) => e.time);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("drops events, then addresses, when long names would pass 3900 bytes", async () => {
    const state = cloneState(loadPreset("many-servers"));
    const long = (i: number) => `rd-license-server-${i}.${"region-west-europe.".repeat(2)}dc-west1zone.licensing.corp.contoso.com`;
    const names = Array.from({ length: 10 }, (_, i) => long(i));
    const servers = state.registry["HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers"];
    if (servers) servers["SpecifiedLicenseServers"] = { type: "REG_MULTI_SZ", value: names };
    delete state.registry["HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services"];
    names.forEach((n, i) => (state.network.dns[n] = [`10.9.${i}.1`, `10.9.${i}.2`, `10.9.${i}.3`]));
    const { probe: p, stdout } = await probe(state);
    expect(Buffer.byteLength(stdout.trimEnd(), "utf8")).toBeLessThanOrEqual(3900);
    expect(p.truncated).toBe(true);
    expect(p.events).toEqual([]);
    expect(p.eventCount).toBe(201);
    expect(p.servers.map((s) => s.name)).toEqual(names);
    expect(p.servers.every((s) => s.dnsResolved && s.addresses.length <= 1)).toBe(true);
  });

  it("drops the raw data of a value that would not fit, and says so", async () => {
    const state = cloneState(loadPreset("healthy"));
    const names = Array.from({ length: 9 }, (_, i) => `rd-license-server-${i}.west-europe.licensing.contoso.com`);
    const servers = state.registry["HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers"];
    if (servers) servers["SpecifiedLicenseServers"] = { type: "REG_MULTI_SZ", value: names };
    const { probe: p, stdout } = await probe(state);
    expect(Buffer.byteLength(stdout.trimEnd(), "utf8")).toBeLessThanOrEqual(3900);
    expect(p.specifiedLicenseServersValue).toEqual({ kind: "REG_MULTI_SZ", data: null });
    expect(p.licensingModeValue).toEqual({ kind: "REG_DWORD", data: "BAAAAA==" });
    expect(p.truncated).toBe(true);
  });
});
