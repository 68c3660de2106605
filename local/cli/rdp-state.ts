import { featureState } from "../guest/guest-registry";
import type { GuestState } from "../guest/guest-state";
import { bootLicensingEvents } from "../guest/reboot";

export type RdpState = "working" | "admin-only" | "grace-period" | "failing";

/** What a user connecting to the simulated VM would see, judged by the licensing events Windows would log at start. */
export function rdpState(guest: GuestState, now: Date): { state: RdpState; detail: string } {
  if (featureState(guest, "RDS-RD-Server") !== "Installed") {
    return { state: "admin-only", detail: "no RD Session Host role: two administrative sessions, no licensing needed" };
  }
  const events = bootLicensingEvents(guest, now).map((e) => e.id);
  if (events.includes(1128) || events.includes(1069)) {
    return {
      state: "failing",
      detail: `"no Remote Desktop license servers available to provide a license" (events ${events.join(", ")})`,
    };
  }
  if (events.length > 0) {
    return { state: "grace-period", detail: `works for ${guest.graceDaysLeft} more days (events ${events.join(", ")})` };
  }
  return { state: "working", detail: "sessions are licensed by a reachable, activated license server" };
}
