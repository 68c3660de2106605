import {
  effectiveMode,
  effectiveServers,
  GPO_SETTING,
  gpoConflicts,
  isModeConfigured,
  listServers,
  mayWork,
  modeName,
  REGISTRY,
  rdshRole,
  sameServerSet,
  targetServers,
  type ServerStatus,
} from "./licensing-state";
import type { Cause, CauseCode, PlaybookPolicy, ProbeResult } from "./playbook";

/** Events that say the grace period is over (azure-facts §7.2): 1128 (System), 1069 (RCM Admin). */
const GRACE_OVER_EVENTS = [1128, 1069];

const STATUS_TEXT: Record<Exclude<ServerStatus, "usable" | "unchecked">, string> = {
  "dns-failed": "does not resolve in DNS",
  unreachable: "does not answer on TCP 135 (RPC)",
  "not-activated": "is not activated",
  "no-cals": "has no RDS CALs installed",
  "cals-exhausted": "has issued all its RDS CALs",
};

/**
 * Maps a probe report to the causes of "no Remote Desktop license server available", in the article's order:
 * role state, licensing mode, license servers, Group Policy, reachability, activation and CALs, grace period.
 * The effective values are the Group Policy ones when present. Pure; the order of the result is stable.
 */
export function diagnose(probe: ProbeResult, policy: PlaybookPolicy): Cause[] {
  const causes: Cause[] = [];
  const add = (code: CauseCode, detail: string) => causes.push({ code, detail });

  const role = rdshRole(probe);
  const installState = probe.rdshInstallState === null ? "absent" : String(probe.rdshInstallState);
  if (role === "absent") {
    add(
      "role-not-installed",
      `The RD Session Host role is not installed (RDS-RD-Server ${probe.rdshFeature}, InstallState ${installState}): ` +
        "Windows allows two administrative Remote Desktop sessions without RD licensing, so there is nothing to fix.",
    );
    return causes;
  }
  if (role === "install-pending" || role === "uninstall-pending") {
    add(
      "role-pending-restart",
      `A change of the RD Session Host role waits for a restart (RDS-RD-Server ${probe.rdshFeature}, InstallState ${installState}): ` +
        "restart first; licensing is checked again after the restart.",
    );
    // The role is on its way out: its licensing settings no longer matter.
    if (role === "uninstall-pending") return causes;
  }

  const gpo = gpoConflicts(probe, policy);
  if (gpo.mode !== null || gpo.servers !== null) {
    const set: string[] = [];
    if (gpo.mode !== null) set.push(`LicensingMode ${modeName(gpo.mode)} ("${GPO_SETTING.mode}")`);
    if (gpo.servers !== null) set.push(`LicenseServers ${listServers(gpo.servers)} ("${GPO_SETTING.servers}")`);
    const only =
      gpo.mode !== null && gpo.servers === null
        ? " Group Policy sets only the licensing mode here."
        : gpo.mode === null && gpo.servers !== null
          ? " Group Policy sets only the license servers here."
          : "";
    add(
      "gpo-manages-licensing",
      `Group Policy sets ${set.join(" and ")} under ${REGISTRY.policy}, overriding the local values: a local fix would be reverted.${only}`,
    );
  }

  const mode = effectiveMode(probe);
  const from = mode.source === "gpo" ? "Group Policy" : REGISTRY.licensingCore;
  if (!isModeConfigured(mode.value)) {
    add("mode-not-configured", `The RD licensing mode is ${modeName(mode.value)} (LicensingMode in ${from}); it must be ${modeName(policy.licensingMode)}.`);
  } else if (mode.value !== policy.licensingMode) {
    add("mode-wrong", `The RD licensing mode is ${modeName(mode.value)} (LicensingMode in ${from}); the policy is ${modeName(policy.licensingMode)}.`);
  }

  const servers = effectiveServers(probe);
  if (servers.value === null) {
    add(
      "no-license-server",
      `No RD license server is specified (SpecifiedLicenseServers in ${REGISTRY.licenseServers} is not set); the policy is ${listServers(policy.licenseServers)}.`,
    );
  } else if (!sameServerSet(servers.value, policy.licenseServers)) {
    const invalid = servers.value.filter((s) => probe.invalidServerNames.includes(s));
    const where = servers.source === "gpo" ? `Group Policy (LicenseServers in ${REGISTRY.policy})` : `SpecifiedLicenseServers in ${REGISTRY.licenseServers}`;
    add(
      "license-server-wrong",
      `The license servers are ${listServers(servers.value)} (${where}); the policy is ${listServers(policy.licenseServers)}.` +
        (invalid.length > 0 ? ` Not a valid host name or IP address: ${listServers(invalid)}.` : ""),
    );
  }

  const targets = targetServers(probe, policy);
  const describe = (codes: ServerStatus[]) =>
    targets
      .filter((t) => codes.includes(t.status))
      .map((t) => `${t.name} ${STATUS_TEXT[t.status as keyof typeof STATUS_TEXT]}`)
      .join("; ");
  const noneWorks = !targets.some((t) => mayWork(t.status));

  const unreachable = describe(["dns-failed", "unreachable"]);
  if (unreachable) {
    add(
      "license-server-unreachable",
      `${unreachable}.${noneWorks && targets.every((t) => t.status === "dns-failed" || t.status === "unreachable") ? " No license server of the policy can be reached." : ""}`,
    );
  }
  const notActivated = describe(["not-activated"]);
  if (notActivated) add("server-not-activated", `${notActivated}: it cannot issue CALs.`);
  const noCals = describe(["no-cals"]);
  if (noCals) add("no-cals", `${noCals}.`);
  const exhausted = describe(["cals-exhausted"]);
  if (exhausted) add("cals-exhausted", `${exhausted}: more users or devices connect than there are CALs.`);

  const graceEvents = probe.events.filter((e) => GRACE_OVER_EVENTS.includes(e.id));
  const graceOver = probe.graceDaysLeft === 0 || (probe.graceDaysLeft === null && graceEvents.length > 0);
  if (graceOver && noneWorks) {
    const evidence = probe.graceDaysLeft === 0 ? "0 grace days left" : `event ${graceEvents[0]!.id} at ${graceEvents[0]!.time}`;
    add(
      "grace-over",
      `The RD licensing grace period is over (${evidence}) and no license server can issue a CAL, so only administrators can connect (mstsc /admin).`,
    );
  }

  const legacy = probe.legacyPathLicenseServers;
  const current = probe.specifiedLicenseServers;
  if (legacy !== null && legacy.length > 0 && (current === null || current.length === 0)) {
    add(
      "legacy-path-value",
      `SpecifiedLicenseServers ${listServers(legacy)} is set only in ${REGISTRY.legacyLicenseServers} (the path in the seed article's Japanese edition), ` +
        `which Windows does not read; the value that counts is in ${REGISTRY.licenseServers}.`,
    );
  }
  return causes;
}
