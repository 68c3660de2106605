import { describe, expect, it } from "vitest";
import { connectivityOf, describeStatus, DOCUMENTED_STATUSES } from "../../../src/domain/connectivity";

/**
 * Win32_TerminalServiceSetting.GetTStoLSConnectivityStatus as documented on learn.microsoft.com
 * (gettstolsconnectivitystatus-win32-terminalservicesetting): the twelve values and their names.
 */
const DOCUMENTED: Array<[number, string]> = [
  [0, "LS_CONNECTABLE_UNKNOWN"],
  [1, "LS_CONNECTABLE_VALID_WS08R2"],
  [2, "LS_CONNECTABLE_VALID_WS08"],
  [3, "LS_CONNECTABLE_BETA_RTM_MISMATCH"],
  [4, "LS_CONNECTABLE_LOWER_VERSION"],
  [5, "LS_CONNECTABLE_NOT_IN_TSCGROUP"],
  [6, "LS_NOT_CONNECTABLE"],
  [7, "LS_CONNECTABLE_UNKNOWN_VALIDITY"],
  [8, "LS_CONNECTABLE_BUT_ACCESS_DENIED"],
  [9, "LS_CONNECTABLE_VALID_WS08R2_VDI"],
  [10, "LS_CONNECTABLE_FEATURE_NOT_SUPPORTED"],
  [11, "LS_CONNECTABLE_VALID_LS"],
];

describe("connectivityOf", () => {
  it("knows every documented status by its documented name", () => {
    expect(DOCUMENTED_STATUSES).toEqual(DOCUMENTED.map(([s]) => s));
    for (const [status, name] of DOCUMENTED) expect(connectivityOf(status).name).toBe(name);
  });

  it.each([
    [0, 20348, "unknown", undefined],
    [1, 20348, "incompatible", "license-server-older"],
    [2, 20348, "incompatible", "license-server-older"],
    [9, 20348, "incompatible", "license-server-older"],
    [1, 7601, "valid", undefined],
    [2, 9199, "valid", undefined],
    [9, 9200, "incompatible", "license-server-older"],
    [9, 7601, "valid", undefined],
    [3, 20348, "incompatible", "license-server-beta"],
    [4, 20348, "incompatible", "license-server-older"],
    [5, 20348, "incompatible", "host-not-in-license-group"],
    [6, 20348, "not-connectable", "license-server-unreachable"],
    [7, 20348, "unknown", undefined],
    [8, 20348, "unknown", undefined],
    [10, 20348, "unknown", undefined],
    [11, 20348, "valid", undefined],
    [11, 0, "valid", undefined],
    [12, 20348, "unknown", undefined],
    [4294967295, 20348, "unknown", undefined],
  ] as const)("status %i on build %i: %s", (status, build, verdict, cause) => {
    const c = connectivityOf(status, build);
    expect(c.verdict).toBe(verdict);
    expect(c.cause).toBe(cause);
    expect(c.status).toBe(status);
  });

  it("every status that cannot serve names its cause, and only those", () => {
    for (const [status] of DOCUMENTED) {
      const c = connectivityOf(status, 20348);
      expect(c.cause !== undefined, String(status)).toBe(c.verdict === "incompatible" || c.verdict === "not-connectable");
      expect(c.meaning.length, String(status)).toBeGreaterThan(20);
    }
  });

  it("says what each status means, as documented", () => {
    const meanings = DOCUMENTED.map(([status]) => connectivityOf(status, 0).meaning);
    expect(meanings).toEqual([
      "the connectivity status cannot be determined",
      "Remote Desktop Services can connect to a Windows Server 2008 R2 license server",
      "Remote Desktop Services can connect to a Windows Server 2008 license server",
      "it can connect, but one of the two servers runs a beta version of the operating system",
      "it can connect, but the license server is incompatible with this host (an older license server than the host)",
      "the license server's security group policy is on and this host is not in its Terminal Server Computers group",
      "Remote Desktop Services cannot connect to the license server",
      "it can connect, but the validity of the license server cannot be determined",
      "it can connect, but the account has no administrator rights on the license server, so its validity is not visible",
      "Remote Desktop Services can connect to a Windows Server 2008 R2 VDI license server",
      "the check is not supported",
      "the license server is valid",
    ]);
  });

  it("describes a status with its name and meaning; the 2008-era ones say why they fail a newer host", () => {
    expect(describeStatus(11)).toBe("11 (LS_CONNECTABLE_VALID_LS: the license server is valid)");
    expect(describeStatus(1, 20348)).toContain("cannot issue RDS CALs for Windows Server 2012 or later hosts");
    expect(describeStatus(1, 7601)).not.toContain("cannot issue");
    expect(describeStatus(42)).toBe("42 (status 42: an undocumented connectivity status)");
  });
});
