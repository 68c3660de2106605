import { describe, expect, it } from "vitest";
import { PRESETS, PRESET_NAMES, loadHealthy, loadPreset } from "../../../local/guest/presets";
import { resolveScenario } from "../../../local/offline/scenario-file";
import { licensingWorks } from "../../../local/guest/windows";
import { bootLicensingEvents } from "../../../local/guest/reboot";
import { validateGuestExtensions } from "../../../local/guest/guest-validation";
import type { GuestState } from "../../../local/guest/guest-state";

const vm = (name: string) => ({
  subscriptionId: "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10",
  resourceGroup: "rg",
  name,
  location: "westeurope",
  powerState: "running",
  agentReady: true,
  osDisk: { name: `${name}-os`, managed: true },
  guestPreset: name,
});

describe("guest presets", () => {
  it("there are at least 35, each with a one-line description of a real-world situation", () => {
    expect(PRESET_NAMES.length).toBeGreaterThanOrEqual(35);
    for (const name of PRESET_NAMES) {
      expect(PRESETS[name], name).toMatch(/^\S.{20,200}[.)]$/);
      expect(PRESETS[name], name).not.toContain("\n");
    }
  });

  it("cover what is hard on real Windows", () => {
    const states = PRESET_NAMES.map(loadPreset);
    const some = (f: (s: (typeof states)[number]) => boolean) => states.some(f);
    const statuses = new Set(
      states.flatMap((s) => Object.values(s.licenseServers).map((l) => l.connectivity)).filter((c) => c !== undefined),
    );
    for (const status of [1, 3, 7, 8]) expect(statuses, `status ${status}`).toContain(status);
    expect(some((s) => Object.values(s.licenseServers).some((l) => (l.osBuild ?? 20348) < 20348))).toBe(true);
    expect(some((s) => Object.values(s.licenseServers).some((l) => l.allowedHosts !== undefined))).toBe(true);
    expect(some((s) => Object.values(s.licenseServers).some((l) => l.remoteWmi === "allowed"))).toBe(true);
    expect(some((s) => Object.values(s.licenseServers).some((l) => l.calType === "device"))).toBe(true);
    expect(some((s) => Object.values(s.licenseServers).some((l) => (l.calVersion ?? 7) < 7))).toBe(true);
    for (const version of ["6.3.9600", "10.0.14393", "10.0.17763", "10.0.20348", "10.0.26100"]) expect(some((s) => s.osVersion === version), version).toBe(true);
    expect(some((s) => s.domain === null)).toBe(true);
    expect(some((s) => (s.sessions ?? []).length > 0)).toBe(true);
    expect(some((s) => s.sessions === null)).toBe(true);
    expect(some((s) => JSON.stringify(s.registry).includes('"REG_SZ","value":"4"'))).toBe(true);
    expect(some((s) => s.serverManager === false)).toBe(true);
    expect(some((s) => JSON.stringify(s.registry).includes("SessionDirectoryActive"))).toBe(true);
    expect(some((s) => s.termServiceStartType === "Disabled")).toBe(true);
    expect(some((s) => s.processArchitecture === "x86")).toBe(true);
    // Remote WMI is denied unless a preset grants it.
    expect(Object.values(loadHealthy().licenseServers).every((l) => l.remoteWmi === "denied")).toBe(true);
  });

  it("each is healthy plus a change: the same shape, and only healthy equals healthy", () => {
    const healthy = loadHealthy();
    expect(loadPreset("healthy")).toEqual(healthy);
    for (const name of PRESET_NAMES.filter((n) => n !== "healthy")) expect(loadPreset(name), name).not.toEqual(healthy);
  });

  it("never contradicts the twin's own account of Windows: the boot logged what Windows logs for that state", () => {
    for (const name of PRESET_NAMES.filter((n) => n !== "fixed-without-restart")) {
      const state = loadPreset(name);
      const atBoot = state.events.filter((e) => e.time === new Date(state.bootTime).toISOString()).map((e) => e.id);
      expect(atBoot, name).toEqual(bootLicensingEvents(state, new Date(state.bootTime)).map((e) => e.id));
    }
    expect(licensingWorks(loadPreset("fixed-without-restart")).works).toBe(true);
  });

  it("every preset survives the simulator's scenario check unchanged (nothing the twin needs is dropped)", () => {
    const now = new Date("2025-03-10T09:00:00Z");
    const scenario = resolveScenario({ vms: PRESET_NAMES.map(vm) }, now);
    // Times are rewritten (moved to now, here by zero) in ISO form; everything else must be as the preset has it.
    const iso = (t: string) => new Date(t).toISOString();
    const normal = (g: GuestState) => ({ ...g, bootTime: iso(g.bootTime), events: g.events.map((e) => ({ ...e, time: iso(e.time) })) });
    scenario.vms.forEach((v, i) => expect(normal(v.guest as GuestState), PRESET_NAMES[i]).toEqual(normal(loadPreset(PRESET_NAMES[i]!))));
  });

  it("the guest checks refuse what the twin cannot stand for", () => {
    const fail = (field: string, message: string): never => {
      throw new Error(`${field}: ${message}`);
    };
    const ok = { licenseServers: {} };
    expect(() => validateGuestExtensions({ ...ok, domain: "" }, "g", fail)).toThrow(/g.domain/);
    expect(() => validateGuestExtensions({ ...ok, processArchitecture: "ARM64" }, "g", fail)).toThrow(/processArchitecture/);
    expect(() => validateGuestExtensions({ ...ok, sessions: [{ user: "a", state: "Idle" }] }, "g", fail)).toThrow(/sessions\[0\]/);
    expect(() => validateGuestExtensions({ licenseServers: { "10.0.0.1": { activated: true, cals: 1, issued: 0, connectivity: 12 } } }, "g", fail)).toThrow(/connectivity/);
    expect(() => validateGuestExtensions({ licenseServers: { "10.0.0.1": { activated: true, cals: 1, issued: 0, remoteWmi: "maybe" } } }, "g", fail)).toThrow(/remoteWmi/);
    expect(() => validateGuestExtensions({ licenseServers: { "10.0.0.1": { activated: true, cals: 1, issued: 0, packs: [{ type: "site" }] } } }, "g", fail)).toThrow(/packs\[0\]/);
    expect(validateGuestExtensions({ ...ok, domain: null, sessions: null }, "g", fail)).toEqual({ licenseServers: {}, domain: null, sessions: null });
  });
});
