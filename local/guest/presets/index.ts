import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { GuestState } from "../guest-state";

/** The time the presets are written for: their events fall in the 24 hours before it. */
export const PRESET_NOW = new Date("2025-03-10T09:00:00Z");

/** Guest states (local/guest/presets/<name>.json), for tests and simulator scenarios. */
export const PRESETS = {
  healthy: "RD Session Host licensed per user from ls01, which has free CALs.",
  "role-not-installed": "A plain Azure Windows Server: no RD Session Host role, two admin sessions only.",
  "mode-unset": "Role installed, license server set, licensing mode never configured (5), grace period running.",
  "mode-per-device": "Licensing mode 2 (per device) with a server holding per-device CALs.",
  "no-servers": "Mode 4 set correctly, no license server specified, grace over.",
  "wrong-servers": "The specified server is a file server, not an RD license server.",
  "server-unreachable": "ls01 resolves but TCP 135 does not answer (NSG or firewall).",
  "dns-failure": "The specified server name does not resolve.",
  "gpo-both": "Group Policy sets mode 2 and a license server; local values say something else and do not count.",
  "gpo-mode-only": "Group Policy sets only the mode (2); the license servers are local.",
  "role-pending-restart": "RD Session Host installed but waiting for a restart; nothing configured yet.",
  "grace-running": "No license server and mode not configured, 42 days of grace left.",
  "grace-over": "Mode 4, server specified but it holds no CALs, grace period over.",
  "server-not-activated": "The license server is installed but not activated.",
  "cals-exhausted": "The license server has CALs, all issued.",
  "licensing-role-unused": "Healthy, plus an RD Licensing role installed locally, never activated and unused.",
  "licensing-role-local": "The RD Licensing role on this VM is the license server it uses (activated, with CALs).",
  "legacy-path": "The seed article's path was used: the value sits under TermService\\Parameters, where Windows does not read it.",
  "many-servers": "Ten license servers (policy and local), each with several addresses, and 200 licensing events today.",
  "demo-broken": "The demo's broken VM: grace over, no license server, licensing mode never configured.",
} as const;

export type PresetName = keyof typeof PRESETS;

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export function isPresetName(value: string): value is PresetName {
  return Object.prototype.hasOwnProperty.call(PRESETS, value);
}

/** A fresh copy of a preset guest state. */
export function loadPreset(name: PresetName): GuestState {
  if (!isPresetName(name)) throw new Error(`unknown guest preset: ${String(name)}`);
  return JSON.parse(readFileSync(join(__dirname, `${name}.json`), "utf8")) as GuestState;
}
