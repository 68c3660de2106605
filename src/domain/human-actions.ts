import { checkOf, type Serving } from "./license-servers";
import { calKind, calVersionName, GPO_SETTING, hostCalVersion, hostRelease, REGISTRY } from "./licensing-state";
import type { LicensingMode, PlaybookPolicy, ProbeResult } from "./playbook";

/** The exact things a person must do when RDP Medic must not or cannot fix the VM itself. */

const GPO_MODE_LABEL: Record<number, string> = { 2: "Per Device", 4: "Per User" };
const RD_MODE: Record<LicensingMode, string> = { 2: "PerDevice", 4: "PerUser" };

/** The CAL-version rule, for this host. */
export function calRule(probe: ProbeResult): string {
  const needed = calVersionName(hostCalVersion(probe.os.build));
  return (
    `A ${hostRelease(probe.os.build)} session host needs RDS CALs of ${needed} or newer, and only a license server ` +
    `running ${needed} or newer can issue them.`
  );
}

export function fixGpoModeAction(probe: ProbeResult, policy: PlaybookPolicy, gpoMode: number): string {
  return (
    `In the Group Policy object that applies to ${probe.computerName}, set "${GPO_SETTING.mode}" ` +
    `(${GPO_SETTING.path}) to ${GPO_MODE_LABEL[policy.licensingMode]} or to Not Configured: it now writes ` +
    `LicensingMode=${gpoMode} to ${REGISTRY.policy}. Then run gpupdate /force on ${probe.computerName} ` +
    `(gpresult /h gpo.html names the GPO).`
  );
}

export function fixGpoServersAction(probe: ProbeResult, policy: PlaybookPolicy, gpoServers: readonly string[]): string {
  return (
    `In the Group Policy object that applies to ${probe.computerName}, set "${GPO_SETTING.servers}" ` +
    `(${GPO_SETTING.path}) to ${policy.licenseServers.join(",")} or to Not Configured: it now writes ` +
    `LicenseServers=${gpoServers.join(",")} to ${REGISTRY.policy}. Then run gpupdate /force on ${probe.computerName}.`
  );
}

export function installLicenseServerAction(probe: ProbeResult, policy: PlaybookPolicy): string {
  return (
    `If no RD license server exists yet: on a Windows Server run Install-WindowsFeature RDS-Licensing -IncludeManagementTools, ` +
    `activate it in RD Licensing Manager (right-click the server > Activate Server), install ${calKind(policy.licensingMode)} ` +
    `there, and make it reachable as ${policy.licenseServers.join(" or ")} (or change LICENSE_SERVERS to its name). ${calRule(probe)}`
  );
}

/** What a person does about one license server that cannot serve this host. */
export function serverAction(probe: ProbeResult, policy: PlaybookPolicy, name: string, serving: Serving): string | undefined {
  const vm = probe.computerName;
  const cals = calKind(policy.licensingMode);
  const needed = calVersionName(hostCalVersion(probe.os.build));
  switch (serving.cause) {
    case "license-server-invalid-name":
      return `The configured license server name ${JSON.stringify(name)} is not a valid host name or IP address: correct it (RDP Medic never copies it into a script).`;
    case "license-server-unreachable":
      if (checkOf(probe, name)?.dnsResolved === false) {
        return (
          `Make ${name} resolve from ${vm}: add its DNS record, or point the virtual network's DNS servers at ones that know it ` +
          `(check on ${vm} with Resolve-DnsName ${name}).`
        );
      }
      return (
        `Open the path from ${vm} to ${name} for TCP 135 and the RPC dynamic ports 49152-65535 (network security groups, ` +
        `Azure Firewall or appliances, Windows Firewall on ${name}) and make sure the Remote Desktop Licensing service ` +
        `(TermServLicensing) runs on ${name} (check on ${vm} with Test-NetConnection ${name} -Port 135).`
      );
    case "license-server-older":
      return `Upgrade the license server ${name} to ${needed} or newer, or use one that runs it, and install ${cals} of ${needed} or newer there. ${calRule(probe)}`;
    case "license-server-beta":
      return `${name} and ${vm} do not both run released Windows versions: replace the pre-release one (RD licensing refuses to pair a beta with a release).`;
    case "host-not-in-license-group":
      return (
        `On ${name}, add ${vm}'s computer account to the local group "Terminal Server Computers", or turn off the Group Policy ` +
        `"License server security group" (Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > RD Licensing) that applies to ${name}.`
      );
    case "server-not-activated":
      return `Activate the RD license server ${name}: in RD Licensing Manager, right-click ${name} > Activate Server.`;
    case "no-cals":
      return (
        `Install ${cals} of ${needed} or newer on ${name} (RD Licensing Manager > right-click ${name} > Install Licenses)` +
        (policy.noCalsAction === "report"
          ? `, or, if ${vm} needs no more than two concurrent sessions, set NO_CALS_ACTION=remove-rdsh-role so that RDP Medic removes the RD Session Host role (after approval).`
          : ".") +
        ` ${calRule(probe)}`
      );
    case "cal-type-mismatch":
      return (
        `${name} ${serving.why}: install ${cals} of ${needed} or newer there, or, if the other CAL type is intended, change LICENSING_MODE ` +
        `(RDP Medic never switches the mode away from the CALs a license server has). ${calRule(probe)}`
      );
    case "cal-version-too-old":
      return `Install ${cals} of ${needed} or newer on ${name}: ${name} ${serving.why}. ${calRule(probe)}`;
    case "cals-exhausted":
      return `Add ${cals} of ${needed} or newer on ${name} (RD Licensing Manager > right-click ${name} > Install Licenses): all of them are issued. ${calRule(probe)}`;
    default:
      return undefined;
  }
}

export function perUserInWorkgroupAction(probe: ProbeResult, policy: PlaybookPolicy): string {
  return (
    `${probe.computerName} is not in a domain, and per-user CALs need Active Directory: join it to the domain, or license it per device ` +
    `(set LICENSING_MODE=2 for such hosts and install RDS Per Device CALs on ${policy.licenseServers.join(" or ")}). ${calRule(probe)}`
  );
}

export function brokerAction(probe: ProbeResult, policy: PlaybookPolicy): string {
  const broker = probe.broker || "<connection broker>";
  return (
    `Set the deployment's licensing on the RD Connection Broker: Set-RDLicenseConfiguration -ConnectionBroker ${broker} ` +
    `-LicenseServer ${policy.licenseServers.join(",")} -Mode ${RD_MODE[policy.licensingMode]} -Force (or Server Manager > Remote Desktop Services > ` +
    `Deployment Overview > Tasks > Edit Deployment Properties > RD Licensing). The broker then configures ${probe.computerName}.`
  );
}

export function termServiceAction(probe: ProbeResult): string {
  return probe.termService.startType === "Disabled"
    ? `Find out why TermService was disabled on ${probe.computerName}; when Remote Desktop should work there, run Set-Service TermService -StartupType Manual; Start-Service TermService, then run RDP Medic again.`
    : `Start Remote Desktop Services on ${probe.computerName} (Start-Service TermService; its event log says why it stopped), then run RDP Medic again.`;
}

export function roleUnknownAction(probe: ProbeResult): string {
  return probe.os.edition === "ServerRdsh"
    ? `${probe.computerName} is a Windows Enterprise multi-session host: check its Azure Virtual Desktop licensing, and keep it out of RDP Medic (tag it with the opt-out tag).`
    : `Check the RD Session Host role on ${probe.computerName} (dism /Online /Get-FeatureInfo /FeatureName:Remote-Desktop-Services); RDP Medic acts only where it can read the role's state.`;
}

export function rebootPendingAction(probe: ProbeResult, step: string): string {
  return (
    `Windows on ${probe.computerName} waits for a restart (${probe.pendingReboot.join(", ")}), and DISM cannot ${step} until then: ` +
    `restart it in a maintenance window, then run RDP Medic again.`
  );
}

export function notBackedUpAction(probe: ProbeResult, value: "LicensingMode" | "SpecifiedLicenseServers"): string {
  const key = value === "LicensingMode" ? REGISTRY.licensingCore : REGISTRY.licenseServers;
  return (
    `The current ${value} value on ${probe.computerName} is too large to be reported exactly, so RDP Medic could not put it back if the repair failed, and does not overwrite it: ` +
    `save it (reg export "${key}" before.reg) and set the value by hand.`
  );
}

export function calsHiddenForRemovalAction(probe: ProbeResult, names: readonly string[]): string {
  return (
    `RDP Medic removes the RD Session Host role only when it can see that no license server has CALs, and the CALs of ${names.join(", ")} are not visible from ${probe.computerName}: ` +
    `check them in RD Licensing Manager, then install CALs or remove the role by hand (dism /Online /Disable-Feature /FeatureName:Remote-Desktop-Services /NoRestart, then restart).`
  );
}

export function licensingEventsAction(probe: ProbeResult): string {
  return (
    `Restart ${probe.computerName} in a maintenance window so that Remote Desktop Services reads its licensing settings again, ` +
    `then check the System log for events 1128 and 1130: if they return, run the RD Licensing Diagnoser (lsdiag.msc) there.`
  );
}

export function modeSwitchHiddenAction(probe: ProbeResult, policy: PlaybookPolicy, names: readonly string[]): string {
  return (
    `SWEEP_POLICY=enforce asks for licensing mode ${policy.licensingMode}, but RDP Medic switches the mode only when it can see ${calKind(policy.licensingMode)} ` +
    `on the license servers, and it cannot on ${names.join(", ")}: check the CALs there, then set the mode by hand if they match. ${calRule(probe)}`
  );
}

export function licensingRoleInUseAction(probe: ProbeResult): string {
  const local = probe.localLicenseServer;
  const issued = local === null ? "may have issued CALs (its license server could not be read)" : `has issued ${local.packs.reduce((n, p) => n + p.issued, 0)} CAL(s)`;
  return (
    `REMOVE_UNUSED_LICENSING_ROLE asks to remove the RD Licensing role from ${probe.computerName}, but it ${issued}: check in RD Licensing Manager ` +
    `which hosts use it, move them to another license server first, then remove the role by hand (Uninstall-WindowsFeature RDS-Licensing), ` +
    `or keep it and leave this VM out of the policy (the opt-out tag).`
  );
}
