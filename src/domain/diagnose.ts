import { calFactsOf, checkOf, issuedCals, machinesOf, sameMachine, servingOf, type Serving } from "./license-servers";
import {
  calVersionName,
  componentCacheStale,
  effectiveMode,
  effectiveServers,
  GPO_SETTING,
  gpoConflicts,
  hostCalVersion,
  hostRelease,
  isModeConfigured,
  listServers,
  modeName,
  namesInUse,
  pointsAtThisVm,
  REGISTRY,
  rdshRole,
  sameServerSet,
} from "./licensing-state";
import type { CauseCode, CauseEffect, Finding, PlaybookPolicy, ProbeResult } from "./playbook";
import { describeRegValue } from "./registry-value";

/** Events that say the grace period is over (azure-facts §7.2): 1128 (System), 1069 (RCM Admin). */
const GRACE_OVER_EVENTS = [1128, 1069];

/** Causes a licensing mode step addresses. */
export const MODE_CAUSES: readonly CauseCode[] = ["mode-not-configured", "mode-value-kind", "per-user-in-workgroup"];

/** Causes a server that cannot serve stands for, in report order. */
const SERVER_CAUSES: readonly CauseCode[] = [
  "license-server-invalid-name",
  "license-server-unreachable",
  "license-server-older",
  "license-server-beta",
  "host-not-in-license-group",
  "server-not-activated",
  "no-cals",
  "cal-type-mismatch",
  "cal-version-too-old",
  "cals-exhausted",
];

/**
 * Reads a probe report like a senior RDS admin with the RD Licensing Diagnoser: the role's live state, the service,
 * the effective (Group Policy aware) values and their kinds, each license server as a machine with the status
 * Windows computes for it and its CALs where visible, the licensing events since the last boot. Each cause says
 * whether it breaks licensing, is drift from the policy, blocks any change, or is only information, with the facts
 * it stands on. Pure; the order of the result is stable.
 */
export function diagnose(probe: ProbeResult, policy: PlaybookPolicy): Finding[] {
  const causes: Finding[] = [];
  const add = (code: CauseCode, effect: CauseEffect, detail: string, evidence: string[] = []) => causes.push({ code, effect, detail, evidence });
  const events = licensingEvidence(probe);

  const role = rdshRole(probe);
  const cache = probe.rdshInstallState === null ? "absent" : String(probe.rdshInstallState);
  const roleEvidence = [`Get-WindowsFeature RDS-RD-Server: ${probe.serverManager ? probe.rdshFeature : "not available (no Server Manager)"}`, `ServerComponentCache InstallState: ${cache}`];
  if (componentCacheStale(probe)) {
    add(
      "component-cache-stale",
      "info",
      `The Server Manager component cache says InstallState ${cache}, but the live feature state is ${probe.rdshFeature}: the cache is stale and the live state counts.`,
      roleEvidence,
    );
  }
  if (role === "absent") {
    add(
      "role-not-installed",
      "info",
      `The RD Session Host role is not installed (RDS-RD-Server ${probe.rdshFeature}): Windows allows two administrative Remote Desktop sessions without RD licensing, so there is nothing to fix.`,
      roleEvidence,
    );
    return causes;
  }
  if (role === "unknown") {
    add("role-state-unknown", "blocks", roleUnknownDetail(probe), [...roleEvidence, osEvidence(probe), ...events]);
    return causes;
  }
  const service = probe.termService;
  if (service.startType === "Disabled") {
    add(
      "termservice-disabled",
      "blocks",
      "The Remote Desktop Services service (TermService) is disabled: someone turned Remote Desktop off on purpose, or a tool did. RDP Medic does not turn it back on.",
      [`TermService: ${service.status}, start type ${service.startType}`],
    );
  } else if (service.status !== "Running") {
    add(
      "termservice-stopped",
      "blocks",
      "The Remote Desktop Services service (TermService) is not running, so Windows cannot report its licensing state (connectivity, grace period): RDP Medic changes nothing it cannot see.",
      [`TermService: ${service.status}, start type ${service.startType}`],
    );
  }
  if (role === "install-pending" || role === "uninstall-pending") {
    add(
      "role-pending-restart",
      "breaks",
      `A change of the RD Session Host role waits for a restart (RDS-RD-Server ${probe.rdshFeature}): licensing is checked again after the restart.`,
      roleEvidence,
    );
    // The role is on its way out: its licensing settings no longer matter.
    if (role === "uninstall-pending") return causes;
  }

  if (probe.pendingReboot.length > 0) {
    add(
      "reboot-pending",
      "info",
      `Windows waits for a restart (${probe.pendingReboot.join(", ")}): DISM refuses to add or remove roles until then.`,
      probe.pendingReboot.map((r) => `pending reboot: ${r}`),
    );
  }

  const mode = effectiveMode(probe);
  const modeFrom = mode.source === "gpo" ? `Group Policy (${REGISTRY.policy})` : REGISTRY.licensingCore;
  if (mode.wrongKind !== undefined) {
    add(
      "mode-value-kind",
      "breaks",
      `LicensingMode in ${REGISTRY.licensingCore} is ${describeRegValue(mode.wrongKind)}; Windows reads only a REG_DWORD there, so the licensing mode counts as not configured.`,
      [`LicensingMode: ${describeRegValue(mode.wrongKind)}`],
    );
  } else if (!isModeConfigured(mode.value)) {
    add("mode-not-configured", "breaks", `The RD licensing mode is ${modeName(mode.value)} (LicensingMode in ${modeFrom}): licensing stops when the grace period ends.`, [
      `LicensingMode (${mode.source}): ${modeName(mode.value)}`,
      ...events,
    ]);
  } else {
    if (mode.value === 4 && probe.domain !== null && !probe.domain.joined) {
      add(
        "per-user-in-workgroup",
        "breaks",
        `The licensing mode is 4 (per user), but ${probe.computerName} is in the workgroup "${probe.domain.name}": per-user CALs need Active Directory, so a workgroup host must use per-device CALs (mode 2).`,
        [`LicensingMode (${mode.source}): ${modeName(mode.value)}`, `domain: not joined (workgroup ${probe.domain.name})`],
      );
    }
    if (mode.value !== policy.licensingMode) {
      add("mode-wrong", "drift", `The RD licensing mode is ${modeName(mode.value)} (LicensingMode in ${modeFrom}); the policy is ${modeName(policy.licensingMode)}.`, [
        `LicensingMode (${mode.source}): ${modeName(mode.value)}`,
      ]);
    }
  }

  const servers = effectiveServers(probe);
  const serversFrom = servers.source === "gpo" ? `Group Policy (LicenseServers in ${REGISTRY.policy})` : `SpecifiedLicenseServers in ${REGISTRY.licenseServers}`;
  let anyServes = false;
  if (servers.wrongKind !== undefined) {
    add(
      "servers-value-kind",
      "breaks",
      `SpecifiedLicenseServers in ${REGISTRY.licenseServers} is ${describeRegValue(servers.wrongKind)}; Windows reads a REG_MULTI_SZ there, so no license server counts as specified.`,
      [`SpecifiedLicenseServers: ${describeRegValue(servers.wrongKind)}`, ...events],
    );
  } else if (servers.value === null) {
    add("no-license-server", "breaks", `No RD license server is specified (${serversFrom} is not set); the policy is ${listServers(policy.licenseServers)}.`, [
      `SpecifiedLicenseServers: ${probe.specifiedLicenseServersValue === null ? "absent" : describeRegValue(probe.specifiedLicenseServersValue)}`,
      ...events,
    ]);
  } else {
    const configured = servers.value;
    const serving = configured.map((name) => ({ name, serving: servingOf(probe, name, mode.value) }));
    const works = serving.filter((s) => s.serving.state !== "no");
    anyServes = works.length > 0;
    const servingNames = serving.filter((s) => s.serving.state === "yes").map((s) => s.name);
    for (const code of SERVER_CAUSES) {
      const failing = serving.filter((s) => s.serving.cause === code);
      if (failing.length === 0) continue;
      const text = failing.map((s) => `${s.name} ${s.serving.why}`).join("; ");
      const detail = anyServes
        ? `${text}. Another configured server can serve (${works.map((s) => s.name).join(", ")}), so licensing does not depend on it.`
        : `${text}. No configured license server can serve this host.`;
      add(code, anyServes ? "drift" : "breaks", detail, [...failing.map((s) => serverEvidence(probe, s.name, s.serving)), ...(anyServes ? [] : events)]);
    }
    const unknown = serving.filter((s) => s.serving.state === "unknown");
    if (unknown.length > 0) {
      add(
        "license-server-status-unknown",
        "info",
        `Windows cannot tell whether ${unknown.map((s) => s.name).join(", ")} can serve this host: ${unknown.map((s) => `${s.name} ${s.serving.why}`).join("; ")}. This is neither taken as working nor as broken.`,
        unknown.map((s) => serverEvidence(probe, s.name, s.serving)),
      );
    }
    const hidden = serving.filter((s) => s.serving.state === "yes" && s.serving.calsHidden).map((s) => s.name);
    if (hidden.length > 0) {
      add(
        "cals-not-visible",
        "info",
        `The CALs of ${hidden.join(", ")} are not visible from the host (reading them takes administrator rights on the license server; the VM's identity has none there): Windows' connectivity status is the evidence.`,
        hidden.map((n) => `${n}: remote WMI (Win32_TSLicenseKeyPack) not readable`),
      );
    }
    compareWithPolicy(probe, policy, configured, serversFrom, servingNames, add);
  }

  const gpo = gpoConflicts(probe, policy);
  if (gpo.mode !== null || gpo.servers !== null) {
    const set: string[] = [];
    if (gpo.mode !== null) set.push(`LicensingMode ${modeName(gpo.mode)} ("${GPO_SETTING.mode}")`);
    if (gpo.servers !== null) set.push(`LicenseServers ${listServers(gpo.servers)} ("${GPO_SETTING.servers}")`);
    const breaks = causes.filter((c) => c.effect === "breaks" && c.code !== "role-pending-restart");
    const modeBroken = breaks.some((c) => MODE_CAUSES.includes(c.code));
    const serversBroken = breaks.some((c) => !MODE_CAUSES.includes(c.code));
    const blocks = (gpo.mode !== null && modeBroken) || (gpo.servers !== null && serversBroken);
    add(
      "gpo-manages-licensing",
      blocks ? "blocks" : "drift",
      `Group Policy sets ${set.join(" and ")} under ${REGISTRY.policy}, overriding the local values: a local change would be reverted.`,
      set.map((s) => `Group Policy: ${s}`),
    );
  }
  if (probe.broker !== null) {
    const broken = causes.some((c) => c.effect === "breaks");
    add(
      "broker-managed",
      broken ? "blocks" : "info",
      `This host belongs to an RD Connection Broker deployment${probe.broker ? ` (${probe.broker})` : ""}: the deployment's licensing settings (Set-RDLicenseConfiguration) are the ones to change, not the host's.`,
      [`ClusterSettings SessionDirectoryActive = 1${probe.broker ? `, SessionDirectoryLocation ${probe.broker}` : ""}`],
    );
  }

  const broken = causes.some((c) => c.effect === "breaks");
  const graceEvents = probe.events.filter((e) => GRACE_OVER_EVENTS.includes(e.id));
  const graceOver = probe.graceDaysLeft === 0 || (probe.graceDaysLeft === null && graceEvents.length > 0);
  if (graceOver && (broken || !anyServes)) {
    const evidence = probe.graceDaysLeft === 0 ? "0 grace days left" : `event ${graceEvents[0]!.id} at ${graceEvents[0]!.time}`;
    add(
      "grace-over",
      "breaks",
      `The RD licensing grace period is over (${evidence}) and no license server issues CALs to this host, so only administrators can connect (mstsc /admin).`,
      [evidence, ...events],
    );
  } else if (!broken && events.length > 0) {
    // Events are history; a configured server with visible, free CALs that Windows reports valid is the present.
    const proven = (servers.value ?? []).filter((name) => {
      const serving = servingOf(probe, name, mode.value);
      return serving.state === "yes" && !serving.calsHidden;
    });
    add(
      "licensing-events",
      proven.length > 0 ? "info" : "breaks",
      proven.length > 0
        ? `Windows logged licensing errors since the last boot, but ${proven.join(", ")} now has free CALs and Windows reports it valid: the errors are older than the fix.`
        : "Windows logged licensing errors since the last boot although the settings now look right: they may have been fixed without a restart, or a license server cannot issue CALs that the host cannot see.",
      events,
    );
  }

  const legacy = probe.legacyPathLicenseServers;
  const current = probe.specifiedLicenseServers;
  if (legacy !== null && legacy.length > 0 && (current === null || current.length === 0)) {
    add(
      "legacy-path-value",
      "info",
      `SpecifiedLicenseServers ${listServers(legacy)} is set only in ${REGISTRY.legacyLicenseServers} (the path in the seed article's Japanese edition), ` +
        `which Windows does not read; the value that counts is in ${REGISTRY.licenseServers}.`,
      [`${REGISTRY.legacyLicenseServers} SpecifiedLicenseServers: ${listServers(legacy)}`],
    );
  }
  licensingRoleCauses(probe, policy, add);
  return causes;
}

/** The configured servers against the policy's, compared as machines. */
function compareWithPolicy(
  probe: ProbeResult,
  policy: PlaybookPolicy,
  configured: string[],
  from: string,
  servingNames: string[],
  add: (code: CauseCode, effect: CauseEffect, detail: string, evidence?: string[]) => void,
): void {
  if (sameServerSet(configured, policy.licenseServers)) return;
  const machines = machinesOf(probe, [...policy.licenseServers, ...configured]);
  const inPolicy = (m: string[]) => m.some((n) => policy.licenseServers.some((p) => sameMachine(probe, p, n)));
  const inConfig = (m: string[]) => m.some((n) => configured.some((c) => sameMachine(probe, c, n)));
  const missing = machines.filter((m) => inPolicy(m) && !inConfig(m));
  const extra = machines.filter((m) => inConfig(m) && !inPolicy(m));
  const evidence = configured.map((name) => `${name}: ${identityText(probe, name)}`);
  if (missing.length === 0 && extra.length === 0) {
    add(
      "server-named-differently",
      "drift",
      `The license servers are ${listServers(configured)} (${from}): the same machines the policy names ${listServers(policy.licenseServers)}, spelled differently.`,
      evidence,
    );
    return;
  }
  const parts: string[] = [];
  if (extra.length > 0) {
    parts.push(
      `configured but not in the policy: ${extra
        .map((m) => `${m.filter((n) => configured.includes(n)).join("/")}${m.some((n) => servingNames.includes(n)) ? " (serves this host)" : ""}`)
        .join(", ")}`,
    );
  }
  if (missing.length > 0) parts.push(`in the policy but not configured: ${missing.map((m) => m.filter((n) => policy.licenseServers.includes(n)).join("/")).join(", ")}`);
  add(
    "license-server-wrong",
    "drift",
    `The license servers are ${listServers(configured)} (${from}); the policy is ${listServers(policy.licenseServers)}: ${parts.join("; ")}.`,
    evidence,
  );
}

function licensingRoleCauses(probe: ProbeResult, policy: PlaybookPolicy, add: (code: CauseCode, effect: CauseEffect, detail: string, evidence?: string[]) => void): void {
  if (!policy.removeUnusedLicensingRole || probe.licensingRoleFeature !== "Installed") return;
  const usedHere = namesInUse(probe, policy).filter((n) => pointsAtThisVm(probe, n));
  if (usedHere.length > 0) return;
  const local = probe.localLicenseServer;
  if (local === null) {
    add(
      "licensing-role-in-use",
      "blocks",
      `The RD Licensing role is installed on ${probe.computerName} and no setting here uses it, but its license server could not be read locally: whether other hosts get CALs from it is unknown, so RDP Medic does not remove it.`,
      ["Win32_TSLicenseServer / Win32_TSLicenseKeyPack: not readable"],
    );
    return;
  }
  const issued = issuedCals(local);
  if (issued > 0) {
    add(
      "licensing-role-in-use",
      "blocks",
      `The RD Licensing role on ${probe.computerName} is not used by this host's settings, but it has issued ${issued} CAL(s): other hosts get licenses from it, so RDP Medic does not remove it.`,
      [`local license server: ${issued} CAL(s) issued, activated ${String(local.activated)}`],
    );
    return;
  }
  add(
    "licensing-role-unused",
    "drift",
    `The RD Licensing role is installed on ${probe.computerName}, no setting here uses it and it has issued no CALs to anyone; REMOVE_UNUSED_LICENSING_ROLE=true asks for it to be removed.`,
    [`local license server: 0 CALs issued, ${local.packs.length} CAL pack(s), activated ${String(local.activated)}`],
  );
}

/** "10.0.1.4", "this VM", or "does not resolve". */
function identityText(probe: ProbeResult, name: string): string {
  if (pointsAtThisVm(probe, name)) return "this VM";
  const check = checkOf(probe, name);
  if (check === undefined) return "not checked";
  return check.dnsResolved ? `resolves to ${check.addresses.join(", ")}` : "does not resolve";
}

function serverEvidence(probe: ProbeResult, name: string, serving: Serving): string {
  const facts = calFactsOf(probe, name);
  const cals = facts === null ? "CALs not visible" : `CALs ${facts.packs.map((p) => `${p.type}/${calVersionName(p.version)} ${p.issued}/${p.total}`).join(", ") || "none"}`;
  return `${name}: ${identityText(probe, name)}; ${serving.why}; ${cals}`;
}

function licensingEvidence(probe: ProbeResult): string[] {
  if (probe.eventCount === 0) return [];
  const since = probe.bootTime === null ? "" : ` since boot at ${probe.bootTime}`;
  const shown = probe.events.map((e) => `${e.id} (${e.log}) at ${e.time}`).join(", ");
  return [`${probe.eventCount} licensing event(s)${since}: ${shown}`];
}

function osEvidence(probe: ProbeResult): string {
  const os = probe.os;
  return `OS: ${os.caption} (${os.version}, edition ${os.edition}, ${os.installationType}, product type ${os.productType})`;
}

function roleUnknownDetail(probe: ProbeResult): string {
  const os = probe.os;
  const sku =
    os.edition === "ServerRdsh"
      ? " This is Windows Enterprise multi-session: its Remote Desktop sessions are licensed through Azure Virtual Desktop, not by RD license servers."
      : os.productType === 1
        ? " This is a client edition of Windows: it has no RD Session Host role."
        : "";
  return (
    `The state of the RD Session Host role cannot be read on ${probe.computerName} (${probe.serverManager ? "Get-WindowsFeature gave no answer" : "there is no Server Manager (Get-WindowsFeature)"}), ` +
    `so RDP Medic changes nothing.${sku} Needed CALs for ${hostRelease(os.build)}: ${calVersionName(hostCalVersion(os.build))} or newer.`
  );
}
