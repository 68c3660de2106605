import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { GuestState } from "../guest-state";
import { GuestBuilder } from "./builder";

/** The time the presets are written for: their events fall in the 24 hours before it. */
export const PRESET_NOW = new Date("2025-03-10T09:00:00Z");

interface Preset {
  /** One line: the real-world situation the preset stands for. */
  description: string;
  /** The preset as a change of healthy (local/guest/presets/healthy.json). */
  build: (g: GuestBuilder) => GuestBuilder;
}

const preset = (description: string, build: (g: GuestBuilder) => GuestBuilder = (g) => g): Preset => ({ description, build });

/** Per-device CALs for ls01 (10.0.1.4). */
const deviceCals = { calType: "device" as const, cals: 40, issued: 39 };

/**
 * Guest states for tests, simulator scenarios and docs/playbook.md: each is healthy plus a change, with the
 * real-world situation it stands for. Remote WMI to a license server is denied unless a preset grants it, as on a
 * real license server. Grouped: licensing works, broken, and hosts RDP Medic must not touch.
 */
const DEFINITIONS = {
  // ---- licensing works (no change, no restart, whatever differs from the policy) ----
  healthy: preset("RD Session Host licensed per user from ls01.contoso.com, which has free Windows Server 2022 CALs; nobody signed in."),
  "healthy-by-ip": preset("Works: the license server is listed by its IP address 10.0.1.4 instead of ls01.contoso.com.", (g) => g.servers(["10.0.1.4"])),
  "healthy-short-name": preset("Works: the license server is listed by its short name ls01 (the DNS suffix resolves it).", (g) => g.servers(["ls01"])),
  "healthy-other-spelling": preset("Works: the license server is written LS01.Contoso.COM. (other case, trailing dot).", (g) => g.servers(["LS01.Contoso.COM."])),
  "self-licensed-localhost": preset("Works: the VM is its own activated license server with free CALs, listed as localhost.", (g) =>
    g.localLicenseServer({ activated: true, cals: 20, issued: 4 }).servers(["localhost"]),
  ),
  "licensing-role-local": preset("Works: the VM is its own activated license server with free CALs, listed under its computer name.", (g) =>
    g.localLicenseServer({ activated: true, cals: 10, issued: 2 }).servers(["VM-RDSH01"]),
  ),
  "mode-per-device": preset("Works: per-device mode (2) with a license server holding free per-device CALs; the policy says per user.", (g) =>
    g.mode(2).licenseServer("10.0.1.4", deviceCals),
  ),
  "extra-dead-server": preset("Works through ls01; a second entry, old-ls.contoso.com, no longer exists in DNS.", (g) =>
    g.servers(["ls01.contoso.com", "old-ls.contoso.com"]),
  ),
  "other-working-server": preset("Works through ls02.contoso.com, a working license server the policy does not name.", (g) => g.servers(["ls02.contoso.com"])),
  "users-signed-in": preset("Works; three users are signed in (two active, one disconnected).", (g) => g.sessions(2, 1)),
  "remote-wmi-allowed": preset("Works; the VM's identity is an administrator on ls01, so its CALs are visible from the host.", (g) =>
    g.licenseServer("10.0.1.4", { remoteWmi: "allowed" }),
  ),
  "gpo-same-as-policy": preset("Works: Group Policy sets per-user mode and ls01.contoso.com, as the policy does; no local values.", (g) =>
    g.gpoMode(4).gpoServers("ls01.contoso.com").mode(null).servers(null),
  ),
  "gpo-per-device": preset("Works: Group Policy sets per-device mode and the license server holds per-device CALs; the policy says per user.", (g) =>
    g.gpoMode(2).licenseServer("10.0.1.4", deviceCals),
  ),
  "broker-managed": preset("Works: a session host of an RD Connection Broker deployment (cb01.contoso.com), licensed from ls01.", (g) => g.broker("cb01.contoso.com")),
  "ws2016-healthy": preset("Works: a Windows Server 2016 host licensed from ls01 (its 2022 CALs serve 2016 hosts too).", (g) => g.release("2016")),
  "ws2012r2-healthy": preset("Works: a Windows Server 2012 R2 host with PowerShell 4.0, licensed from ls01.", (g) => g.release("2012R2")),
  "status-unknown-validity": preset("Works, and Windows reports ls01 as connectable with unknown validity (status 7).", (g) =>
    g.licenseServer("10.0.1.4", { connectivity: 7 }),
  ),
  "status-access-denied": preset("Works, and Windows reports ls01 as connectable but without admin rights to check it (status 8).", (g) =>
    g.licenseServer("10.0.1.4", { connectivity: 8 }),
  ),
  "licensing-role-unused": preset("Works; an RD Licensing role is installed on the VM too, never activated, with no CALs and nothing using it.", (g) =>
    g.localLicenseServer({ activated: false, cals: 0, issued: 0 }),
  ),
  "licensing-role-issuing": preset("Works through ls01; the VM also runs an activated RD Licensing role that issued 14 CALs to other hosts.", (g) =>
    g.localLicenseServer({ activated: true, cals: 50, issued: 14 }),
  ),
  "pending-reboot": preset("Works; Windows Update waits for a restart.", (g) => g.pendingReboot("windows-update")),
  "role-not-installed": preset("A plain Azure Windows Server: no RD Session Host role, two admin sessions only.", (g) =>
    g.rdsh(undefined, 0).mode(null).servers(null).with((s) => delete s.registry["HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core"]),
  ),

  // ---- broken: licensing fails, or will when the grace period ends ----
  "demo-broken": preset("The demo's broken VM: grace over, no license server, licensing mode never configured.", (g) =>
    g.mode(5).servers(null).earlierEvent(1130, 72).earlierEvent(1069, 72).earlierEvent(1128, 72),
  ),
  "mode-unset": preset("License server set, licensing mode never configured (5), 64 days of grace left.", (g) => g.mode(5).grace(64)),
  "no-servers": preset("Per-user mode set, no license server specified, grace over.", (g) => g.servers(null)),
  "grace-running": preset("No license server and mode not configured, 42 days of grace left.", (g) => g.mode(5).servers(null).grace(42)),
  "wrong-servers": preset("The only specified server is a file server (fs01), with no RD Licensing there: status 6.", (g) => g.servers(["fs01.contoso.com"])),
  "server-unreachable": preset("ls01 resolves but TCP 135 does not answer (NSG or firewall): Windows reports status 6.", (g) => g.openPorts("10.0.1.4", [])),
  "dns-failure": preset("The specified server name ls-old.contoso.com does not resolve; ls01 would work.", (g) => g.servers(["ls-old.contoso.com"])),
  "server-not-activated": preset("ls01 is installed but not activated; its CALs are not visible from the host, only the events tell.", (g) =>
    g.licenseServer("10.0.1.4", { activated: false, cals: 0, issued: 0 }),
  ),
  "server-not-activated-visible": preset("ls01 is not activated, and the VM's identity may read its WMI.", (g) =>
    g.licenseServer("10.0.1.4", { activated: false, cals: 0, issued: 0, remoteWmi: "allowed" }),
  ),
  "cals-exhausted": preset("ls01 has 20 per-user CALs, all issued; its CALs are visible from the host.", (g) =>
    g.licenseServer("10.0.1.4", { cals: 20, issued: 20, remoteWmi: "allowed" }),
  ),
  "grace-over": preset("ls01 holds no CALs (not visible from the host), grace over: the events say licensing fails.", (g) =>
    g.licenseServer("10.0.1.4", { cals: 0, issued: 0 }),
  ),
  "no-cals-visible": preset("ls01 holds no CALs and the VM's identity may see that; grace over.", (g) =>
    g.licenseServer("10.0.1.4", { cals: 0, issued: 0, remoteWmi: "allowed" }),
  ),
  "no-cals-anywhere": preset("Neither ls01 nor ls02 holds a CAL, and the VM's identity may see both: the case for removing the role.", (g) =>
    g.licenseServer("10.0.1.4", { cals: 0, issued: 0, remoteWmi: "allowed" }).licenseServer("10.0.1.5", { cals: 0, issued: 0, remoteWmi: "allowed" }),
  ),
  "no-cals-reboot-pending": preset("ls01 holds no CALs (visible), and Windows waits for a servicing restart, which blocks DISM.", (g) =>
    g.licenseServer("10.0.1.4", { cals: 0, issued: 0, remoteWmi: "allowed" }).pendingReboot("component-servicing"),
  ),
  "license-server-older": preset("ls01 runs Windows Server 2016; the host runs 2022: Windows reports status 4 (lower version).", (g) =>
    g.licenseServer("10.0.1.4", { osBuild: 14393 }),
  ),
  "host-not-in-license-group": preset("ls01's \"License server security group\" policy serves only listed hosts; this VM is not one (status 5).", (g) =>
    g.licenseServer("10.0.1.4", { allowedHosts: ["VM-RDSH02"] }),
  ),
  "license-server-beta": preset("ls01 runs a pre-release Windows: Windows reports status 3 (beta/RTM mismatch).", (g) => g.licenseServer("10.0.1.4", { connectivity: 3 })),
  "license-server-2008r2": preset("ls01 is a Windows Server 2008 R2 license server (status 1), too old for a 2022 host.", (g) =>
    g.licenseServer("10.0.1.4", { connectivity: 1 }),
  ),
  "cal-version-too-old": preset("ls01 holds only Windows Server 2016 per-user CALs (visible); the host runs 2022.", (g) =>
    g.licenseServer("10.0.1.4", { calVersion: 5, remoteWmi: "allowed" }),
  ),
  "cal-type-mismatch": preset("Per-user mode, but ls01 holds only per-device CALs (visible from the host).", (g) =>
    g.licenseServer("10.0.1.4", { ...deviceCals, remoteWmi: "allowed" }),
  ),
  "workgroup-per-user": preset("A workgroup VM in per-user mode: per-user CALs need Active Directory.", (g) => g.workgroup()),
  "servers-reg-sz": preset("SpecifiedLicenseServers was written as a REG_SZ, which Windows does not read there.", (g) => g.servers(["ls01.contoso.com"], "REG_SZ")),
  "mode-reg-sz": preset("LicensingMode was written as the REG_SZ \"4\", which Windows does not read.", (g) => g.mode(4, "REG_SZ")),
  "gpo-both": preset("Group Policy sets per-device mode and a license server that does not resolve; local values say otherwise and do not count.", (g) =>
    g.gpoMode(2).gpoServers("ls-gpo.contoso.com"),
  ),
  "broker-broken": preset("A session host of an RD Connection Broker deployment with no license server and no mode, grace over.", (g) =>
    g.broker("cb01.contoso.com").mode(5).servers(null),
  ),
  "component-cache-stale": preset("The role is live (Installed) while the component cache still says 0; mode not configured, no server.", (g) =>
    g.rdsh("Installed", 0).mode(5).servers(null),
  ),
  "role-pending-restart": preset("RD Session Host installed but waiting for a restart; nothing configured yet.", (g) =>
    g.rdsh("InstallPending", 2).mode(null).servers(null).grace(120).with((s) => delete s.registry["HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core"]),
  ),
  "legacy-path": preset("The seed article's path was used: the value sits under TermService\\Parameters, where Windows does not read it.", (g) =>
    g.servers(null).legacyServers(["ls01.contoso.com"]).with((s) => delete s.registry["HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers"]),
  ),
  "many-servers": preset("Ten license servers (policy and local), each with several addresses, most unusable, and many licensing events.", manyServers),
  "users-signed-in-broken": preset("The demo's broken VM with four users signed in (three active, one disconnected).", (g) => g.mode(5).servers(null).sessions(3, 1)),
  "sessions-unreadable": preset("Licensing mode not configured, and the signed-in users cannot be counted (WTS API fails).", (g) => g.mode(5).grace(30).sessionsUnreadable()),
  "fixed-without-restart": preset("Someone set the right values after the last boot without restarting: the boot's events still say licensing fails.", (g) =>
    g.eventsAtBoot(1130, 1128),
  ),
  "ws2019-broken": preset("A Windows Server 2019 host with no license server and no mode, grace over.", (g) => g.release("2019").mode(5).servers(null)),
  "ws2025-older-ls": preset("A Windows Server 2025 host whose license server ls01 runs 2022 (status 4).", (g) => g.release("2025")),

  // ---- hosts RDP Medic must not touch ----
  "multi-session": preset("Windows 11 Enterprise multi-session (Azure Virtual Desktop): no Server Manager, so the role state is unknown.", (g) =>
    g
      .withoutServerManager("ServerRdsh", "Client", "Microsoft Windows 11 Enterprise multi-session", 1)
      .with((s) => {
        s.osVersion = "10.0.22631";
        s.powerShellVersion = "5.1.22621.4391";
      }),
  ),
  "termservice-stopped": preset("Remote Desktop Services (TermService) is stopped, start type Manual.", (g) => g.termService(false, "Manual")),
  "termservice-disabled": preset("Remote Desktop Services (TermService) is disabled.", (g) => g.termService(false, "Disabled")),
  "process-32-bit": preset("Run Command starts a 32-bit (WOW64) PowerShell: every script refuses to run.", (g) => g.process32Bit()),
} satisfies Record<string, Preset>;

function manyServers(g: GuestBuilder): GuestBuilder {
  const names = Array.from({ length: 10 }, (_, i) => `rdls-${String(i + 1).padStart(2, "0")}.licensing.corp.contoso.com`);
  g.servers(names).gpoServers(["rdls-extra.licensing.corp.contoso.com", ...names.slice(0, 3)].join(","));
  return g.with((s) => {
    names.forEach((name, i) => {
      const n = 10 + i;
      s.network.dns[name] = [`10.0.10.${n}`, `10.0.11.${n}`, `10.0.12.${n}`, `fd00:10::${n}`, `10.0.13.${n}`];
      s.network.openPorts[`10.0.10.${n}`] = i % 3 === 0 ? [] : [135];
      if (i % 2 === 0) s.licenseServers[`10.0.10.${n}`] = { activated: i !== 4, cals: i * 10, issued: i * 10 };
    });
    for (let h = 0; h < 200; h++) {
      s.events.push({
        log: "System",
        provider: "Microsoft-Windows-TerminalServices-RemoteConnectionManager",
        id: 1128,
        time: new Date(Date.parse(s.bootTime) + (h + 1) * 60_000).toISOString(),
        message: "The RD Licensing grace period has expired and the service has not registered with a license server with installed licenses.",
      });
    }
  });
}

export type PresetName = keyof typeof DEFINITIONS;

/** Each preset's one-line description. */
export const PRESETS: Record<PresetName, string> = Object.fromEntries(
  Object.entries(DEFINITIONS).map(([name, p]) => [name, p.description]),
) as Record<PresetName, string>;

export const PRESET_NAMES = Object.keys(DEFINITIONS) as PresetName[];

export function isPresetName(value: string): value is PresetName {
  return Object.prototype.hasOwnProperty.call(DEFINITIONS, value);
}

/** The healthy guest every preset starts from. */
export function loadHealthy(): GuestState {
  return JSON.parse(readFileSync(join(__dirname, "healthy.json"), "utf8")) as GuestState;
}

/** A fresh copy of a preset guest state. */
export function loadPreset(name: PresetName): GuestState {
  if (!isPresetName(name)) throw new Error(`unknown guest preset: ${String(name)}`);
  return DEFINITIONS[name].build(new GuestBuilder(loadHealthy())).build();
}
