import { expect, it } from "vitest";
import { PRESET_NOW, loadPreset } from "../../../local/guest/presets";
import { rebootGuest } from "../../../local/guest/reboot";
import type { VerifyOutput } from "../../../src/domain/playbook";
import { describeWithPwsh, runScript } from "../../local/guest/pwsh-kit";

const later = (minutes: number) => new Date(PRESET_NOW.getTime() + minutes * 60_000);
const check = (v: VerifyOutput, name: string) => v.checks.find((c) => c.name === name);

describeWithPwsh("verify.ps1 under pwsh", () => {
  it("passes on a healthy host and lists every check", async () => {
    const run = await runScript("healthy", "verify", { ExpectedMode: "4", ExpectedServers: "ls01.contoso.com", RdshExpected: "present" });
    const v = run.json as unknown as VerifyOutput;
    expect(run.stderr).toBe("");
    expect(v.ok).toBe(true);
    expect(v.checks.map((c) => c.name)).toEqual([
      "rdsh-role",
      "licensing-mode",
      "license-servers",
      "license-server:ls01.contoso.com",
      "licensing-events",
      "termservice",
      "rdp-listener",
    ]);
    expect(v.checks.every((c) => c.ok)).toBe(true);
    expect(run.state).toEqual(loadPreset("healthy"));
  });

  it("fails on the demo VM, naming what is wrong", async () => {
    const v = (await runScript("demo-broken", "verify", { ExpectedMode: "4", ExpectedServers: "ls01.contoso.com" })).json as unknown as VerifyOutput;
    expect(v.ok).toBe(false);
    expect(check(v, "licensing-mode")).toMatchObject({ ok: false, detail: "effective LicensingMode 5 (local 5, policy none); expected 4" });
    expect(check(v, "license-servers")?.ok).toBe(false);
    expect(check(v, "licensing-events")).toMatchObject({ ok: false, detail: "3 licensing events since boot at 2025-03-10T02:00:00Z (ids 1069, 1128, 1130)" });
  });

  it("repairs the demo VM end to end: mode, servers, restart, then verify passes", async () => {
    const mode = await runScript("demo-broken", "set-licensing-mode", { Mode: "4" }, later(1));
    const servers = await runScript(mode.state, "set-license-servers", { Servers: "ls01.contoso.com" }, later(2));
    const rebooted = rebootGuest(servers.state, later(5));
    const v = (await runScript(rebooted, "verify", { ExpectedMode: "4", ExpectedServers: "ls01.contoso.com", RdshExpected: "present" }, later(10)))
      .json as unknown as VerifyOutput;
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it("a restart without the fix logs events again and verify fails on them", async () => {
    const rebooted = rebootGuest(loadPreset("demo-broken"), later(5));
    const v = (await runScript(rebooted, "verify", { ExpectedServers: "ls01.contoso.com" }, later(10))).json as unknown as VerifyOutput;
    expect(v.ok).toBe(false);
    expect(check(v, "licensing-events")?.detail).toMatch(/^3 licensing events since boot at 2025-03-10T09:05:00Z/);
    expect(check(v, "license-servers")).toMatchObject({ ok: false, detail: "effective license servers none (local); expected [ls01.contoso.com]" });
  });

  it("is Group Policy aware: the policy mode and servers are the effective ones", async () => {
    const v = (await runScript("gpo-both", "verify", { ExpectedMode: "4", ExpectedServers: "ls01.contoso.com" })).json as unknown as VerifyOutput;
    expect(check(v, "licensing-mode")).toMatchObject({ ok: false, detail: "effective LicensingMode 2 (local 4, policy 2); expected 4" });
    expect(check(v, "license-servers")).toMatchObject({
      ok: false,
      detail: "effective license servers [ls-gpo.contoso.com] (policy); expected [ls01.contoso.com]",
    });
  });

  it("after removing the role: expects it gone and checks no licensing values", async () => {
    const removed = await runScript("healthy", "remove-rdsh-role");
    const params = { ExpectedMode: "any", ExpectedServers: "any", RdshExpected: "absent" };
    const pending = (await runScript(removed.state, "verify", params)).json as unknown as VerifyOutput;
    expect(check(pending, "rdsh-role")).toMatchObject({ ok: false, detail: "RDS-RD-Server is UninstallPending; expected Available" });
    const anyState = (await runScript(removed.state, "verify", { RdshExpected: "any" })).json as unknown as VerifyOutput;
    expect(check(anyState, "rdsh-role")).toMatchObject({ ok: false, detail: "RDS-RD-Server is UninstallPending; expected no pending change" });
    const rebooted = rebootGuest(removed.state, later(5));
    const v = (await runScript(rebooted, "verify", params, later(6))).json as unknown as VerifyOutput;
    expect(v.ok).toBe(true);
    expect(v.checks.map((c) => c.name)).toEqual(["rdsh-role", "licensing-events", "termservice", "rdp-listener"]);
  });

  it("reads the values as Windows does: a LicensingMode or server list of another kind counts as none", async () => {
    const mode = (await runScript("mode-reg-sz", "verify", { ExpectedMode: "4" })).json as unknown as VerifyOutput;
    expect(check(mode, "licensing-mode")).toMatchObject({ ok: false, detail: "effective LicensingMode none (local none, policy none); expected 4" });
    const servers = (await runScript("servers-reg-sz", "verify", { ExpectedServers: "ls01.contoso.com" })).json as unknown as VerifyOutput;
    expect(check(servers, "license-servers")).toMatchObject({ ok: false, detail: "effective license servers none (local); expected [ls01.contoso.com]" });
  });

  it("checks only what it is asked: a run that set only the servers does not fail on a working per-device mode", async () => {
    const v = (await runScript("mode-per-device", "verify", { ExpectedMode: "any", ExpectedServers: "ls01.contoso.com", RdshExpected: "present" })).json as unknown as VerifyOutput;
    expect(v.ok).toBe(true);
    expect(v.checks.map((c) => c.name)).not.toContain("licensing-mode");
  });

  it("after a restart for a pending role install, licensing events are not held against it when asked not to", async () => {
    const rebooted = rebootGuest(loadPreset("role-pending-restart"), later(5));
    const params = { ExpectedMode: "any", ExpectedServers: "any", RdshExpected: "any" };
    const checked = (await runScript(rebooted, "verify", params, later(6))).json as unknown as VerifyOutput;
    expect(check(checked, "licensing-events")?.ok).toBe(false);
    const skipped = (await runScript(rebooted, "verify", { ...params, LicensingEvents: "any" }, later(6))).json as unknown as VerifyOutput;
    expect(skipped.ok).toBe(true);
    expect(skipped.checks.map((c) => c.name)).toEqual(["rdsh-role", "termservice", "rdp-listener"]);
  });

  it("reads the RDP port from RDP-Tcp PortNumber", async () => {
    const state = loadPreset("healthy");
    const rdpTcp = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp";
    state.registry[rdpTcp] = { PortNumber: { type: "REG_DWORD", value: 3390 } };
    const closed = (await runScript(state, "verify", {})).json as unknown as VerifyOutput;
    expect(check(closed, "rdp-listener")).toEqual({ name: "rdp-listener", ok: false, detail: "nothing listens on TCP 3390" });
    const v = (await runScript(rebootGuest(state, later(1)), "verify", {}, later(2))).json as unknown as VerifyOutput;
    expect(check(v, "rdp-listener")).toEqual({ name: "rdp-listener", ok: true, detail: "TCP 3390 is listening" });
  });

  it("fails when TermService is stopped or nothing listens on 3389", async () => {
    const state = loadPreset("healthy");
    state.termServiceRunning = false;
    state.listeningPorts = [135];
    const v = (await runScript(state, "verify", {})).json as unknown as VerifyOutput;
    expect(check(v, "termservice")).toEqual({ name: "termservice", ok: false, detail: "TermService is not running" });
    expect(check(v, "rdp-listener")).toEqual({ name: "rdp-listener", ok: false, detail: "nothing listens on TCP 3389" });
    expect(v.ok).toBe(false);
    expect(v.checks.map((c) => c.name)).toEqual(["rdsh-role", "licensing-events", "termservice", "rdp-listener"]);
  });

  it("checks every expected server answers on DNS and TCP 135", async () => {
    const v = (await runScript("server-unreachable", "verify", { ExpectedServers: "ls01.contoso.com,ls-none.contoso.com" })).json as unknown as VerifyOutput;
    expect(check(v, "license-server:ls01.contoso.com")).toMatchObject({ ok: false, detail: "ls01.contoso.com resolves to 10.0.1.4; TCP 135 does not answer" });
    expect(check(v, "license-server:ls-none.contoso.com")).toMatchObject({ ok: false, detail: "ls-none.contoso.com does not resolve" });
  });
});
