import { describe, expect, it } from "vitest";
import {
  calKind,
  calTypeName,
  calTypeOf,
  calVersionName,
  componentCacheStale,
  effectiveMode,
  effectiveServers,
  gpoConflicts,
  hostCalVersion,
  hostRelease,
  isModeConfigured,
  listServers,
  modeName,
  namesInUse,
  normalizeServer,
  pointsAtThisVm,
  rdshRole,
  sameServer,
  sameServerSet,
  uniqueServers,
} from "../../../src/domain/licensing-state";
import type { FeatureState, ProbeResult } from "../../../src/domain/playbook";
import { POLICY, probe } from "./probe-builder";

/** How an admin reads the report: names, versions, roles, effective values, and whether a name is this VM. */

describe("names for messages", () => {
  it("licensing modes", () => {
    expect([2, 4, 5, 6, null, 3].map(modeName)).toEqual([
      "2 (per device)",
      "4 (per user)",
      "5 (not configured)",
      "6 (Microsoft Entra ID per user)",
      "not set",
      "3 (not a licensing mode)",
    ]);
  });

  it("CAL kinds and types", () => {
    expect(calKind(4)).toBe("RDS Per User CALs");
    expect(calKind(2)).toBe("RDS Per Device CALs");
    expect([2, 4, 6, 5, null, 0].map(calTypeOf)).toEqual(["device", "user", "user", undefined, undefined, undefined]);
    expect(calTypeName("user")).toBe("per-user");
    expect(calTypeName("device")).toBe("per-device");
  });

  it("CAL versions (ProductVersionID)", () => {
    expect([2, 3, 4, 5, 6, 7, 8, 9].map(calVersionName)).toEqual([
      "Windows Server 2008",
      "Windows Server 2008 R2",
      "Windows Server 2012",
      "Windows Server 2016",
      "Windows Server 2019",
      "Windows Server 2022",
      "Windows Server 2025",
      "version 9",
    ]);
  });

  it("host releases by build, at and just below each boundary", () => {
    expect([26100, 26099, 20348, 20347, 17763, 17762, 14393, 14392, 9600, 9599, 9200, 9199].map(hostRelease)).toEqual([
      "Windows Server 2025 (build 26100)",
      "Windows Server 2022 (build 26099)",
      "Windows Server 2022 (build 20348)",
      "Windows Server 2019 (build 20347)",
      "Windows Server 2019 (build 17763)",
      "Windows Server 2016 (build 17762)",
      "Windows Server 2016 (build 14393)",
      "Windows Server 2012 R2 (build 14392)",
      "Windows Server 2012 R2 (build 9600)",
      "Windows Server 2012 (build 9599)",
      "Windows Server 2012 (build 9200)",
      "build 9199",
    ]);
  });

  it("the CAL version a host needs, at and just below each boundary", () => {
    expect([26100, 26099, 20348, 20347, 17763, 17762, 14393, 14392, 9600, 9200, 9199, 7601].map(hostCalVersion)).toEqual([8, 7, 7, 6, 6, 5, 5, 4, 4, 4, 3, 3]);
  });

  it("server lists", () => {
    expect(listServers(["a", "b.contoso.com"])).toBe('"a", "b.contoso.com"');
    expect(listServers([])).toBe("");
  });
});

describe("the RD Session Host role", () => {
  const role = (feature: FeatureState, cache: number | null) => probe().rdsh(feature, cache).build();

  it("live state", () => {
    expect((["Installed", "Available", "InstallPending", "UninstallPending", "Unknown"] as const).map((f) => rdshRole(role(f, 1)))).toEqual([
      "installed",
      "absent",
      "install-pending",
      "uninstall-pending",
      "unknown",
    ]);
  });

  it("a component cache is stale when it disagrees with the settled live state", () => {
    expect(componentCacheStale(role("Installed", 1))).toBe(false);
    expect(componentCacheStale(role("Installed", 0))).toBe(true);
    expect(componentCacheStale(role("Installed", 2))).toBe(true);
    expect(componentCacheStale(role("Available", 0))).toBe(false);
    expect(componentCacheStale(role("Available", 1))).toBe(true);
  });

  it("while a change is pending, a cache that says settled (0 or 1) is stale; a pending cache is not", () => {
    expect(componentCacheStale(role("InstallPending", 0))).toBe(true);
    expect(componentCacheStale(role("InstallPending", 1))).toBe(true);
    expect(componentCacheStale(role("UninstallPending", 2))).toBe(false);
  });

  it("no cache, or no live state, is never called stale", () => {
    expect(componentCacheStale(role("Installed", null))).toBe(false);
    expect(componentCacheStale(role("Unknown", 0))).toBe(false);
  });
});

describe("server names", () => {
  it("normalized: trimmed, lower case, no trailing dot", () => {
    expect(normalizeServer("  RDLS01.Contoso.com. ")).toBe("rdls01.contoso.com");
    expect(sameServer(" rdls01 ", "RDLS01.")).toBe(true);
    expect(sameServer("rdls01", "rdls02")).toBe(false);
  });

  it("sets in any order, duplicates by spelling ignored", () => {
    expect(sameServerSet(["b", "A."], ["a", "B"])).toBe(true);
    expect(sameServerSet(["a", "a."], ["A"])).toBe(true);
    expect(sameServerSet(["a"], ["a", "b"])).toBe(false);
    expect(sameServerSet(["a", "c"], ["a", "b"])).toBe(false);
  });

  it("unique keeps the first spelling", () => {
    expect(uniqueServers(["RDLS01", "rdls01.", "rdls02", "rdls01"])).toEqual(["RDLS01", "rdls02"]);
  });
});

describe("effective values", () => {
  it("Group Policy wins", () => {
    const p = probe().gpoMode(2).gpoServers(["gpo.contoso.com"]).build();
    expect(effectiveMode(p)).toEqual({ value: 2, source: "gpo" });
    expect(effectiveServers(p)).toEqual({ value: ["gpo.contoso.com"], source: "gpo" });
  });

  it("the local values otherwise", () => {
    const p = probe().build();
    expect(effectiveMode(p)).toEqual({ value: 4, source: "local" });
    expect(effectiveServers(p)).toEqual({ value: POLICY.licenseServers, source: "local" });
  });

  it("a local value of a kind Windows does not read counts as not set, and says so", () => {
    const p = probe().mode(4, "REG_SZ").servers(["rdls01.contoso.com"], "REG_SZ").build();
    expect(effectiveMode(p)).toEqual({ value: null, source: "local", wrongKind: p.licensingModeValue });
    expect(effectiveServers(p)).toEqual({ value: null, source: "local", wrongKind: p.specifiedLicenseServersValue });
  });

  it("blank entries do not count: an all-blank list is not set, a blank GPO list falls back to the local one", () => {
    const p: ProbeResult = { ...probe().build(), specifiedLicenseServers: [" ", ""], policyLicenseServers: ["  "] };
    expect(effectiveServers(p)).toEqual({ value: null, source: "local" });
    const q: ProbeResult = { ...probe().build(), specifiedLicenseServers: [" ", "rdls01.contoso.com"] };
    expect(effectiveServers(q).value).toEqual(["rdls01.contoso.com"]);
  });

  it("configured modes are 2, 4 and 6", () => {
    expect([2, 4, 6, 5, 0, 1, 3, null].map(isModeConfigured)).toEqual([true, true, true, false, false, false, false, false]);
  });

  it("Group Policy conflicts: only values that differ from the policy", () => {
    expect(gpoConflicts(probe().build(), POLICY)).toEqual({ mode: null, servers: null });
    expect(gpoConflicts(probe().gpoMode(4).gpoServers(["RDLS02.contoso.com", "rdls01.contoso.com."]).build(), POLICY)).toEqual({ mode: null, servers: null });
    expect(gpoConflicts(probe().gpoMode(2).gpoServers(["rdls09.contoso.com"]).build(), POLICY)).toEqual({ mode: 2, servers: ["rdls09.contoso.com"] });
  });
});

describe("pointsAtThisVm", () => {
  const vm = () =>
    probe()
    .computer("RDSH01", ["10.0.1.4", "FE80::4"])
    .check("alias.contoso.com", { addresses: ["10.0.9.1", "10.0.1.4"] })
    .check("loop.contoso.com", { addresses: ["127.0.1.1"] })
    .check("v6.contoso.com", { addresses: ["fe80::4"] })
      .check("v6loop.contoso.com", { addresses: ["::1"] })
      .build();

  it("its name, short or FQDN, in any case", () => {
    expect(pointsAtThisVm(vm(), "rdsh01")).toBe(true);
    expect(pointsAtThisVm(vm(), "RDSH01.contoso.com.")).toBe(true);
    expect(pointsAtThisVm(vm(), "rdsh010.contoso.com")).toBe(false);
    expect(pointsAtThisVm(vm(), "other.rdsh01.contoso.com")).toBe(false);
  });

  it("localhost and loopback addresses", () => {
    for (const n of ["localhost", "LOCALHOST", "127.0.0.1", "127.5.6.7", "::1"]) expect(pointsAtThisVm(vm(), n)).toBe(true);
    expect(pointsAtThisVm(vm(), "127.lic.contoso.com")).toBe(false);
    expect(pointsAtThisVm(vm(), "10.127.0.1")).toBe(false);
  });

  it("its own addresses, IPv6 in either case", () => {
    expect(pointsAtThisVm(vm(), "10.0.1.4")).toBe(true);
    expect(pointsAtThisVm(vm(), "fe80::4")).toBe(true);
    expect(pointsAtThisVm(vm(), "10.0.1.5")).toBe(false);
  });

  it("a name that resolves to any own or loopback address", () => {
    for (const n of ["alias.contoso.com", "loop.contoso.com", "v6.contoso.com", "v6loop.contoso.com"]) expect(pointsAtThisVm(vm(), n)).toBe(true);
    expect(pointsAtThisVm(vm(), "rdls01.contoso.com")).toBe(false);
    expect(pointsAtThisVm(vm(), "unchecked.contoso.com")).toBe(false);
  });
});

describe("namesInUse", () => {
  it("every list, then the policy's", () => {
    const p = probe().servers(["a"]).legacyServers(["b"]).gpoServers(["c"]).build();
    expect(namesInUse(p, POLICY)).toEqual(["a", "b", "c", ...POLICY.licenseServers]);
  });

  it("lists that are not set add nothing", () => {
    const p = probe().servers(null).build();
    expect(namesInUse(p, POLICY)).toEqual(POLICY.licenseServers);
  });
});
