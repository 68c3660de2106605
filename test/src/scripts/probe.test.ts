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
      specifiedLicenseServers: ["ls01.contoso.com"],
      legacyPathLicenseServers: null,
      policyLicensingMode: null,
      policyLicenseServers: null,
      termServiceRunning: true,
      rdpListening: true,
      events: [],
      eventCount: 0,
      truncated: false,
    });
    expect(p.servers).toEqual([{ name: "ls01.contoso.com", dnsResolved: true, addresses: ["10.0.1.4"], tcp135: true, health: "ok" }]);
    expect(after).toEqual(state);
  });

  it("reports the demo VM: mode 5, no servers, grace over, today's events only", async () => {
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
      { name: "ls01.contoso.com", dnsResolved: true, addresses: ["10.0.1.4"], tcp135: true, health: "ok" },
      { name: "10.0.1.5", dnsResolved: true, addresses: ["10.0.1.5"], tcp135: true, health: "ok" },
    ]);
  });

  it("tells DNS failure, a closed port 135 and a host that is no license server apart", async () => {
    expect(server((await probe("dns-failure")).probe, "ls-old.contoso.com")).toEqual({
      name: "ls-old.contoso.com", dnsResolved: false, addresses: [], tcp135: false, health: "unreachable",
    });
    expect(server((await probe("server-unreachable")).probe, "ls01.contoso.com")).toMatchObject({
      dnsResolved: true, tcp135: false, health: "unreachable",
    });
    expect(server((await probe("wrong-servers")).probe, "fs01.contoso.com")).toMatchObject({
      dnsResolved: true, tcp135: true, health: "unreachable",
    });
  });

  it("reads the license server's own state: not activated, no CALs, CALs exhausted", async () => {
    expect(server((await probe("server-not-activated")).probe, "ls01.contoso.com")?.health).toBe("not-activated");
    expect(server((await probe("grace-over")).probe, "ls01.contoso.com")?.health).toBe("no-cals");
    expect(server((await probe("cals-exhausted")).probe, "ls01.contoso.com")?.health).toBe("cals-exhausted");
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

  it("stays under 3500 bytes with 13 servers and 200 events, keeping counts and saying it truncated", async () => {
    const { probe: p, stdout } = await probe("many-servers", { LicenseServers: "ls01.contoso.com,ls02.contoso.com" });
    expect(Buffer.byteLength(stdout.trimEnd(), "utf8")).toBeLessThanOrEqual(3500);
    expect(p.servers.map((s) => s.name).slice(0, 4)).toEqual([
      "ls01.contoso.com",
      "ls02.contoso.com",
      "rdls-extra.licensing.corp.contoso.com",
      "rdls-01.licensing.corp.contoso.com",
    ]);
    expect(p.servers).toHaveLength(13);
    expect(p.eventCount).toBe(200);
    expect(p.events.length).toBeGreaterThan(0);
    expect(p.events.length).toBeLessThan(200);
    expect(p.truncated).toBe(true);
    const times = p.events.map((e) => e.time);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("drops events, then addresses, when long names would pass 3500 bytes", async () => {
    const state = cloneState(loadPreset("many-servers"));
    const long = (i: number) => `rd-license-server-${i}.${"region-west-europe.".repeat(2)}dc-west1zone.licensing.corp.contoso.com`;
    const names = Array.from({ length: 10 }, (_, i) => long(i));
    const servers = state.registry["HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers"];
    if (servers) servers["SpecifiedLicenseServers"] = { type: "REG_MULTI_SZ", value: names };
    delete state.registry["HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services"];
    names.forEach((n, i) => (state.network.dns[n] = [`10.9.${i}.1`, `10.9.${i}.2`, `10.9.${i}.3`]));
    const { probe: p, stdout } = await probe(state);
    expect(Buffer.byteLength(stdout.trimEnd(), "utf8")).toBeLessThanOrEqual(3500);
    expect(p.truncated).toBe(true);
    expect(p.events).toEqual([]);
    expect(p.eventCount).toBe(200);
    expect(p.servers.map((s) => s.name)).toEqual(names);
    expect(p.servers.every((s) => s.dnsResolved && s.addresses.length === 1)).toBe(true);
  });
});
