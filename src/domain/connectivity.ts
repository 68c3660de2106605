import type { CauseCode } from "./playbook";

/**
 * Win32_TerminalServiceSetting.GetTStoLSConnectivityStatus: what Windows itself computes about a license server,
 * seen from this session host (learn.microsoft.com, gettstolsconnectivitystatus-win32-terminalservicesetting).
 * Every documented value has its name, its meaning and what it means for licensing:
 * - valid: this host can get licenses from it (CALs permitting);
 * - not-connectable / incompatible: it cannot (the cause says why);
 * - unknown: Windows could not tell; neither fine nor broken.
 */
export type ConnectivityVerdict = "valid" | "not-connectable" | "incompatible" | "unknown";

export interface Connectivity {
  status: number;
  name: string;
  meaning: string;
  verdict: ConnectivityVerdict;
  /** The cause a server with this status stands for, when it cannot serve. */
  cause?: CauseCode;
}

/** The first Windows Server build (2012) whose hosts need CALs a 2008 or 2008 R2 license server cannot issue. */
export const WS2012_BUILD = 9200;

const TABLE: ReadonlyArray<Omit<Connectivity, "status">> = [
  { name: "LS_CONNECTABLE_UNKNOWN", meaning: "the connectivity status cannot be determined", verdict: "unknown" },
  {
    name: "LS_CONNECTABLE_VALID_WS08R2",
    meaning: "Remote Desktop Services can connect to a Windows Server 2008 R2 license server",
    verdict: "valid",
  },
  {
    name: "LS_CONNECTABLE_VALID_WS08",
    meaning: "Remote Desktop Services can connect to a Windows Server 2008 license server",
    verdict: "valid",
  },
  {
    name: "LS_CONNECTABLE_BETA_RTM_MISMATCH",
    meaning: "it can connect, but one of the two servers runs a beta version of the operating system",
    verdict: "incompatible",
    cause: "license-server-beta",
  },
  {
    name: "LS_CONNECTABLE_LOWER_VERSION",
    meaning: "it can connect, but the license server is incompatible with this host (an older license server than the host)",
    verdict: "incompatible",
    cause: "license-server-older",
  },
  {
    name: "LS_CONNECTABLE_NOT_IN_TSCGROUP",
    meaning: "the license server's security group policy is on and this host is not in its Terminal Server Computers group",
    verdict: "incompatible",
    cause: "host-not-in-license-group",
  },
  {
    name: "LS_NOT_CONNECTABLE",
    meaning: "Remote Desktop Services cannot connect to the license server",
    verdict: "not-connectable",
    cause: "license-server-unreachable",
  },
  {
    name: "LS_CONNECTABLE_UNKNOWN_VALIDITY",
    meaning: "it can connect, but the validity of the license server cannot be determined",
    verdict: "unknown",
  },
  {
    name: "LS_CONNECTABLE_BUT_ACCESS_DENIED",
    meaning: "it can connect, but the account has no administrator rights on the license server, so its validity is not visible",
    verdict: "unknown",
  },
  {
    name: "LS_CONNECTABLE_VALID_WS08R2_VDI",
    meaning: "Remote Desktop Services can connect to a Windows Server 2008 R2 VDI license server",
    verdict: "valid",
  },
  { name: "LS_CONNECTABLE_FEATURE_NOT_SUPPORTED", meaning: "the check is not supported", verdict: "unknown" },
  { name: "LS_CONNECTABLE_VALID_LS", meaning: "the license server is valid", verdict: "valid" },
];

/** Every documented status (0-11). */
export const DOCUMENTED_STATUSES: readonly number[] = TABLE.map((_, status) => status);

/**
 * A status as Windows reports it, for a host of this build. A 2008 or 2008 R2 license server (statuses 1, 2, 9)
 * cannot issue CALs for a Windows Server 2012 or later host, whatever "valid" says about the connection.
 */
export function connectivityOf(status: number, hostBuild = 0): Connectivity {
  const entry = TABLE[status];
  if (entry === undefined) {
    return { status, name: `status ${status}`, meaning: "an undocumented connectivity status", verdict: "unknown" };
  }
  const legacy = status === 1 || status === 2 || status === 9;
  if (legacy && hostBuild >= WS2012_BUILD) {
    return {
      status,
      ...entry,
      meaning: `${entry.meaning}, which cannot issue RDS CALs for Windows Server 2012 or later hosts`,
      verdict: "incompatible",
      cause: "license-server-older",
    };
  }
  return { status, ...entry };
}

/** "11 (LS_CONNECTABLE_VALID_LS: the license server is valid)" */
export function describeStatus(status: number, hostBuild = 0): string {
  const c = connectivityOf(status, hostBuild);
  return `${status} (${c.name}: ${c.meaning})`;
}
