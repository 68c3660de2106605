import { calKind, GPO_SETTING, REGISTRY, type ServerStatus } from "./licensing-state";
import type { PlaybookPolicy, ProbeResult } from "./playbook";

/** The exact things a person must do when RDP Medic must not or cannot fix the VM itself. */

const GPO_MODE_LABEL: Record<number, string> = { 2: "Per Device", 4: "Per User" };

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

export function installLicenseServerAction(policy: PlaybookPolicy): string {
  return (
    `If no RD license server exists yet: on a Windows Server run Install-WindowsFeature RDS-Licensing -IncludeManagementTools, ` +
    `activate it in RD Licensing Manager (right-click the server > Activate Server), install ${calKind(policy.licensingMode)} ` +
    `of this host's Windows Server version or newer, and make it reachable as ${policy.licenseServers.join(" or ")} ` +
    `(or change LICENSE_SERVERS to its name).`
  );
}

export function serverAction(probe: ProbeResult, policy: PlaybookPolicy, name: string, status: ServerStatus): string | undefined {
  const vm = probe.computerName;
  const cals = calKind(policy.licensingMode);
  switch (status) {
    case "dns-failed":
      return (
        `Make ${name} resolve from ${vm}: add its DNS record, or point the virtual network's DNS servers at ones that know it ` +
        `(check on ${vm} with Resolve-DnsName ${name}).`
      );
    case "unreachable":
      return (
        `Open the path from ${vm} to ${name} for TCP 135 and the RPC dynamic ports 49152-65535 (network security groups, ` +
        `Azure Firewall or appliances, Windows Firewall on ${name}) and make sure the Remote Desktop Licensing service ` +
        `(TermServLicensing) runs on ${name} (check on ${vm} with Test-NetConnection ${name} -Port 135).`
      );
    case "not-activated":
      return `Activate the RD license server ${name}: in RD Licensing Manager, right-click ${name} > Activate Server.`;
    case "no-cals":
      return (
        `Install ${cals} on ${name} (RD Licensing Manager > right-click ${name} > Install Licenses)` +
        (policy.noCalsAction === "report"
          ? `, or, if ${vm} needs no more than two concurrent sessions, set NO_CALS_ACTION=remove-rdsh-role so that RDP Medic removes the RD Session Host role (after approval).`
          : ".")
      );
    case "cals-exhausted":
      return `Add ${cals} on ${name} (RD Licensing Manager > right-click ${name} > Install Licenses): all of them are issued.`;
    case "usable":
    case "unchecked":
      return undefined;
  }
}

export function removeRdshByHandAction(probe: ProbeResult): string {
  return (
    `RDP Medic cannot tell whether the RD Session Host role is installed on ${probe.computerName} (Get-WindowsFeature gave no answer), ` +
    `so it did not remove it: run dism /Online /Disable-Feature /FeatureName:Remote-Desktop-Services /NoRestart there, then restart the VM.`
  );
}
