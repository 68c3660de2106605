import { readFileSync } from "node:fs";
import type { GuestEvent, GuestState } from "../guest/guest-state";
import { isPresetName, loadPreset, PRESET_NAMES, PRESET_NOW } from "../guest/presets";
import { validateScenario, type Scenario } from "../simulator";

/**
 * A scenario file is the simulator's scenario (docs/simulator.md) where a VM may name a guest preset
 * ("guestPreset": "demo-broken") instead of spelling out "guest". Preset times are moved so that the
 * preset's moment is now: its recent licensing events stay recent.
 */
export function loadScenario(path: string, now: Date = new Date()): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`scenario ${path}: ${(error as Error).message}`);
  }
  return resolveScenario(raw, now, path);
}

export function resolveScenario(raw: unknown, now: Date, where = "scenario"): Scenario {
  if (typeof raw !== "object" || raw === null || !Array.isArray((raw as { vms?: unknown }).vms)) {
    throw new Error(`${where}: expected an object with a "vms" array`);
  }
  const vms = (raw as { vms: Array<Record<string, unknown>> }).vms.map((vm, i) => {
    if (typeof vm !== "object" || vm === null || vm.guestPreset === undefined) return vm;
    const preset = vm.guestPreset;
    if (typeof preset !== "string" || !isPresetName(preset)) {
      throw new Error(`${where}: vms[${i}].guestPreset must be one of ${PRESET_NAMES.join(", ")}`);
    }
    if (vm.guest !== undefined) throw new Error(`${where}: vms[${i}] has both guest and guestPreset`);
    const { guestPreset: _preset, ...rest } = vm;
    return { ...rest, guest: shiftTimes(loadPreset(preset), now.getTime() - PRESET_NOW.getTime()) };
  });
  return validateScenario({ ...(raw as object), vms });
}

function shiftTimes(guest: GuestState, deltaMs: number): GuestState {
  const shift = (iso: string) => new Date(new Date(iso).getTime() + deltaMs).toISOString();
  return {
    ...guest,
    bootTime: shift(guest.bootTime),
    events: guest.events.map((e: GuestEvent) => ({ ...e, time: shift(e.time) })),
  };
}
