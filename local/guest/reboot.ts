import type { GuestEvent, GuestState } from "./guest-state";
import {
  SERVER_COMPONENT_CACHE,
  cloneState,
  featureState,
  findName,
  licensingConfig,
  rdpPort,
  setRegValue,
} from "./guest-registry";
import { licensingWorks } from "./windows";

export const RCM_PROVIDER = "Microsoft-Windows-TerminalServices-RemoteConnectionManager";
export const RCM_ADMIN_LOG = `${RCM_PROVIDER}/Admin`;

/** Licensing modes Windows accepts as configured: 2 per device, 4 per user, 6 Entra ID per user. */
const CONFIGURED_MODES = new Set([2, 4, 6]);

/**
 * What a restart does to the fake Windows machine (both runtimes use it): pending feature changes settle and the
 * Server Manager component cache follows, TermService starts and listens on the RDP port (Remote Desktop for
 * Administration needs no role), and an RD Session Host that cannot get licenses logs the licensing events RCM
 * logs at start.
 */
export function rebootGuest(state: GuestState, now: Date): GuestState {
  const next = cloneState(state);
  for (const [name, value] of Object.entries(next.features)) {
    if (value === "InstallPending") next.features[name] = "Installed";
    if (value === "UninstallPending") next.features[name] = "Available";
  }
  for (const name of Object.keys(next.features)) {
    const key = `${SERVER_COMPONENT_CACHE}\\${name}`;
    const installed = next.features[name] === "Installed";
    if (installed || findName(next.registry, key) !== undefined) {
      setRegValue(next, key, "InstallState", { type: "REG_DWORD", value: installed ? 1 : 0 });
    }
  }
  next.bootTime = now.toISOString();
  // A disabled service does not start; every other start type starts at boot here (Remote Desktop is on).
  next.termServiceRunning = next.termServiceStartType !== "Disabled";
  const port = rdpPort(next);
  if (!next.listeningPorts.includes(port)) next.listeningPorts = [...next.listeningPorts, port];
  next.events = [...next.events, ...bootLicensingEvents(next, now)];
  return next;
}

/** The RCM licensing events a start logs when this RD Session Host cannot get licenses. */
export function bootLicensingEvents(state: GuestState, now: Date): GuestEvent[] {
  if (featureState(state, "RDS-RD-Server") !== "Installed" || state.termServiceStartType === "Disabled") return [];
  const time = now.toISOString();
  const config = licensingConfig(state);
  const servers = config.effectiveServers ?? [];
  const modeConfigured = config.effectiveMode !== null && CONFIGURED_MODES.has(config.effectiveMode);
  const graceOver = state.graceDaysLeft <= 0;
  const events: GuestEvent[] = [];
  if (servers.length === 0) {
    events.push(systemEvent(1130, time, MESSAGES.noServer));
  }
  if (!modeConfigured) {
    events.push(
      graceOver
        ? adminEvent(1069, time, MESSAGES.modeNotConfiguredGraceOver)
        : adminEvent(1068, time, MESSAGES.modeNotConfigured(state.graceDaysLeft)),
    );
  }
  if (graceOver && !licensingWorks(state).works) {
    events.push(systemEvent(1128, time, MESSAGES.graceOver));
  }
  return events;
}

const MESSAGES = {
  noServer:
    "The Remote Desktop Session Host server does not have a Remote Desktop license server specified. To specify a license server for the Remote Desktop Session Host server, use the Remote Desktop Session Host Configuration tool.",
  modeNotConfigured: (days: number) =>
    `The RD Licensing mode has not been configured. Remote Desktop Services will stop working in ${days} days.`,
  modeNotConfiguredGraceOver:
    "The RD Licensing grace period has expired and Licensing mode for the Remote Desktop Session Host server has not been configured. Licensing mode must be configured for continuous operation.",
  graceOver:
    "The RD Licensing grace period has expired and the service has not registered with a license server with installed licenses. A RD Licensing server is required for continuous operation. A Remote Desktop Session Host server can operate without a license server for 120 days after initial start up.",
};

/** A licensing event as RCM logs it (1068 with the days of grace left). */
export function licensingEvent(id: 1068 | 1069 | 1128 | 1130, time: string, graceDaysLeft = 0): GuestEvent {
  switch (id) {
    case 1068:
      return adminEvent(id, time, MESSAGES.modeNotConfigured(graceDaysLeft));
    case 1069:
      return adminEvent(id, time, MESSAGES.modeNotConfiguredGraceOver);
    case 1128:
      return systemEvent(id, time, MESSAGES.graceOver);
    case 1130:
      return systemEvent(id, time, MESSAGES.noServer);
  }
}

function systemEvent(id: number, time: string, message: string): GuestEvent {
  return { log: "System", provider: RCM_PROVIDER, id, time, message };
}

function adminEvent(id: number, time: string, message: string): GuestEvent {
  return { log: RCM_ADMIN_LOG, provider: RCM_PROVIDER, id, time, message };
}
