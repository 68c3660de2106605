/** The benchmark fleet: N Windows VMs that look like a real fleet (mostly healthy, some drift, a few off or sick). */
import type { GuestState } from "../local/guest/guest-state";
import { loadPreset, PRESET_NOW, type PresetName } from "../local/guest/presets";
import type { Scenario, ScenarioVm } from "../local/simulator";

export const BENCH_SUB = "5f1c2b7e-0d3a-4c8e-9b6f-1a2b3c4d5e6f";
export const BENCH_WORKSPACE = "7a8b9c0d-1e2f-4a3b-8c5d-6e7f8a9b0c1d";
const GROUP_SIZE = 500;
const MIX: PresetName[] = ["healthy", "healthy", "healthy", "healthy", "healthy", "healthy", "mode-unset", "grace-running", "no-servers", "gpo-per-device"];

export function benchFleet(n: number, now: Date): Scenario {
  const presets = new Map<PresetName, GuestState>();
  const shift = now.getTime() - PRESET_NOW.getTime();
  const guestFor = (name: PresetName): GuestState => {
    let g = presets.get(name);
    if (!g) {
      const p = loadPreset(name);
      g = {
        ...p,
        bootTime: new Date(Date.parse(p.bootTime) + shift).toISOString(),
        events: p.events.map((e) => ({ ...e, time: new Date(Date.parse(e.time) + shift).toISOString() })),
      };
      presets.set(name, g);
    }
    return g;
  };
  const vms: ScenarioVm[] = [];
  for (let i = 0; i < n; i++) {
    const name = `rdsh-${String(i).padStart(5, "0")}`;
    vms.push({
      subscriptionId: BENCH_SUB,
      resourceGroup: `rg-${String(Math.floor(i / GROUP_SIZE)).padStart(3, "0")}`,
      name,
      location: "westeurope",
      powerState: i % 50 === 7 ? "deallocated" : "running",
      agentReady: i % 100 !== 13,
      osDisk: { name: `${name}-os`, managed: true },
      workspaceId: BENCH_WORKSPACE,
      guest: guestFor(MIX[i % MIX.length] as PresetName),
    });
  }
  return { vms };
}
