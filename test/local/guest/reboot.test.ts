import { describe, expect, it } from "vitest";
import { KEYS, readDword, setRegValue } from "../../../local/guest/guest-registry";
import { PRESET_NOW, loadPreset } from "../../../local/guest/presets";
import { RCM_ADMIN_LOG, rebootGuest } from "../../../local/guest/reboot";

const later = new Date(PRESET_NOW.getTime() + 60 * 60 * 1000);
const newEvents = (before: { events: unknown[] }, after: { events: { id: number; time: string; log: string }[] }) =>
  after.events.slice(before.events.length);

describe("rebootGuest", () => {
  it("settles a pending removal: feature Available, InstallState 0, boot time now", () => {
    const state = loadPreset("healthy");
    state.features["RDS-RD-Server"] = "UninstallPending";
    const after = rebootGuest(state, later);
    expect(after.features["RDS-RD-Server"]).toBe("Available");
    expect(readDword(after, KEYS.rdshCache, "InstallState")).toBe(0);
    expect(after.bootTime).toBe(later.toISOString());
    expect(newEvents(state, after)).toEqual([]);
    expect(state.features["RDS-RD-Server"]).toBe("UninstallPending");
  });

  it("settles a pending install and the role then logs what it lacks", () => {
    const state = loadPreset("role-pending-restart");
    const after = rebootGuest(state, later);
    expect(after.features["RDS-RD-Server"]).toBe("Installed");
    expect(readDword(after, KEYS.rdshCache, "InstallState")).toBe(1);
    const ids = newEvents(state, after).map((e) => e.id);
    expect(ids).toEqual([1130, 1068]);
  });

  it("starts TermService and the 3389 listener", () => {
    const state = loadPreset("healthy");
    state.termServiceRunning = false;
    state.listeningPorts = [];
    const after = rebootGuest(state, later);
    expect(after.termServiceRunning).toBe(true);
    expect(after.listeningPorts).toContain(3389);
  });

  it("logs 1130, 1069 and 1128 for the demo VM (grace over, no server, mode unset)", () => {
    const state = loadPreset("demo-broken");
    const events = newEvents(state, rebootGuest(state, later));
    expect(events.map((e) => e.id)).toEqual([1130, 1069, 1128]);
    expect(events.every((e) => e.time === later.toISOString())).toBe(true);
    expect(events[1]?.log).toBe(RCM_ADMIN_LOG);
    expect(events[0]?.log).toBe("System");
  });

  it("logs nothing once mode and a licensed, reachable server are configured", () => {
    const state = loadPreset("demo-broken");
    setRegValue(state, KEYS.licensingCore.toLowerCase(), "licensingmode", { type: "REG_DWORD", value: 4 });
    setRegValue(state, KEYS.licenseServers, "SpecifiedLicenseServers", { type: "REG_MULTI_SZ", value: ["LS01.contoso.com"] });
    expect(newEvents(state, rebootGuest(state, later))).toEqual([]);
  });

  it("logs 1128 when the grace period is over and the only server has no CALs", () => {
    const state = loadPreset("grace-over");
    expect(newEvents(state, rebootGuest(state, later)).map((e) => e.id)).toEqual([1128]);
  });

  it("follows Group Policy: a policy server that does not exist leaves the host unlicensed", () => {
    const state = loadPreset("gpo-both");
    expect(newEvents(state, rebootGuest(state, later)).map((e) => e.id)).toEqual([1128]);
  });

  it("logs 1068 with the days left while the grace period runs", () => {
    const state = loadPreset("grace-running");
    const events = newEvents(state, rebootGuest(state, later));
    expect(events.map((e) => e.id)).toEqual([1130, 1068]);
  });

  it("logs nothing without the RD Session Host role", () => {
    const state = loadPreset("role-not-installed");
    expect(newEvents(state, rebootGuest(state, later))).toEqual([]);
  });
});
