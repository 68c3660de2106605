import { describe, expect, it } from "vitest";
import { rdpTarget, withinReach, type RdpReach } from "../../../src/domain/rdp-target";

const reach = (over: Partial<RdpReach> = {}): RdpReach => ({ hostSuffix: "corp.contoso.com", addressRanges: ["10.0.0.0/16", "fd00::/64"], ports: [3389], ...over });

describe("where the app negotiates RDP with a VM", () => {
  it("the tag chooses inside the allowed reach: a host under the suffix, or an address in the ranges, on an allowed port", () => {
    expect(rdpTarget({ "RDP-Medic-RDP-Host": "10.0.0.5" }, "VM1", reach())).toEqual({ host: "10.0.0.5", port: 3389 });
    expect(rdpTarget({ "rdp-medic-rdp-host": "VM1.Corp.Contoso.com:3390" }, undefined, reach({ ports: [3389, 3390] }))).toEqual({ host: "vm1.corp.contoso.com", port: 3390 });
    expect(rdpTarget({ "rdp-medic-rdp-host": "[fd00::5]:3389" }, undefined, reach())).toEqual({ host: "fd00::5", port: 3389 });
  });

  it("the tag cannot steer the app anywhere else: other hosts, other addresses, other ports are refused, never connected to", () => {
    const refused = (value: string, r = reach()) => rdpTarget({ "rdp-medic-rdp-host": value }, "VM1", r);
    expect(refused("attacker.example.com")).toMatchObject({ error: expect.stringContaining("neither under RDP_PROBE_HOST_SUFFIX nor in RDP_PROBE_ADDRESS_RANGES") });
    expect(refused("corp.contoso.com")).toMatchObject({ error: expect.stringContaining("neither") }); // the suffix itself is no host under it
    expect(refused("evilcorp.contoso.com")).toMatchObject({ error: expect.stringContaining("neither") }); // not a label boundary
    expect(refused("corp.contoso.com.evil.net")).toMatchObject({ error: expect.stringContaining("neither") });
    expect(refused("10.1.0.5")).toMatchObject({ error: expect.stringContaining("neither") });
    expect(refused("169.254.169.254")).toMatchObject({ error: expect.stringContaining("neither") });
    expect(refused("127.0.0.1")).toMatchObject({ error: expect.stringContaining("neither") });
    expect(refused("[fd01::5]")).toMatchObject({ error: expect.stringContaining("neither") });
    expect(refused("10.0.0.5:22")).toMatchObject({ error: expect.stringContaining("port 22, which is not in RDP_PROBE_PORTS (3389)") });
    expect(refused("vm1.corp.contoso.com:443")).toMatchObject({ error: expect.stringContaining("port 443") });
    // With nothing configured, no tag reaches anywhere.
    expect(refused("10.0.0.5", reach({ hostSuffix: undefined, addressRanges: [] }))).toMatchObject({ error: expect.stringContaining("neither") });
  });

  it("else <computer name>.<suffix> on the first allowed port, else nowhere", () => {
    expect(rdpTarget({}, "VM-RDSH01", reach())).toEqual({ host: "vm-rdsh01.corp.contoso.com", port: 3389 });
    expect(rdpTarget({}, "VM-RDSH01", reach({ ports: [3390, 3389] }))).toEqual({ host: "vm-rdsh01.corp.contoso.com", port: 3390 });
    expect(rdpTarget({}, "VM-RDSH01", reach({ hostSuffix: undefined }))).toBeUndefined();
    expect(rdpTarget({}, undefined, reach())).toBeUndefined();
    expect(rdpTarget({}, "bad name", reach())).toMatchObject({ error: expect.stringContaining("not a valid host name") });
  });

  it.each(["fe80::1%eth0", "[fe80::1%eth0]", "host;calc", "h\u043est.corp.contoso.com", "a b", "10.0.0.5:0", "10.0.0.5:70000", "10.0.0.5:65536", "10.0.0.5:3389x", "x:10.0.0.5", "[10.0.0.5", "fd00::5", "", "10.0.0.5:"])(
    "refuses the malformed tag value %j",
    (value) => {
      expect(rdpTarget({ "rdp-medic-rdp-host": value }, "VM1", reach({ ports: [3389, 65535, 1] }))).toEqual({
        error: `tag rdp-medic-rdp-host must be host or host:port, not "${value}"`,
      });
    },
  );

  it("ports 1 and 65535 are ports; surrounding blanks are ignored; the tag's name is matched in any case, among other tags", () => {
    const r = reach({ ports: [1, 65535] });
    expect(rdpTarget({ "rdp-medic-rdp-host": "10.0.0.5:1" }, undefined, r)).toEqual({ host: "10.0.0.5", port: 1 });
    expect(rdpTarget({ "rdp-medic-rdp-host": " 10.0.0.5:65535 " }, undefined, r)).toEqual({ host: "10.0.0.5", port: 65535 });
    expect(rdpTarget({ env: "prod", owner: "10.0.0.9", "RDP-MEDIC-RDP-HOST": "10.0.0.6" }, undefined, r)).toEqual({ host: "10.0.0.6", port: 1 });
    expect(rdpTarget({ env: "10.0.0.5" }, undefined, reach({ hostSuffix: undefined }))).toBeUndefined();
  });

  it("refusals say exactly why, and quote at most 80 characters of the tag", () => {
    expect(rdpTarget({ "rdp-medic-rdp-host": "10.0.0.5:22" }, undefined, reach({ ports: [3389, 3390] }))).toEqual({
      error: "tag rdp-medic-rdp-host names port 22, which is not in RDP_PROBE_PORTS (3389, 3390)",
    });
    expect(rdpTarget({ "rdp-medic-rdp-host": "evil.example.com" }, undefined, reach())).toEqual({
      error: "tag rdp-medic-rdp-host names evil.example.com, which is neither under RDP_PROBE_HOST_SUFFIX nor in RDP_PROBE_ADDRESS_RANGES",
    });
    const long = `${"a".repeat(100)};`;
    expect(rdpTarget({ "rdp-medic-rdp-host": long }, undefined, reach())).toEqual({ error: `tag rdp-medic-rdp-host must be host or host:port, not "${"a".repeat(80)}"` });
    expect(rdpTarget({}, "x".repeat(100), reach())).toEqual({ error: `"${"x".repeat(80)}" is not a valid host name` });
  });

  it("ranges are CIDR with their prefix: boundaries included, neighbours not", () => {
    const r = { hostSuffix: undefined, addressRanges: ["10.20.4.0/24", "2001:db8::/126"] };
    expect(withinReach("10.20.4.0", r)).toBe(true);
    expect(withinReach("10.20.4.255", r)).toBe(true);
    expect(withinReach("10.20.5.0", r)).toBe(false);
    expect(withinReach("10.20.3.255", r)).toBe(false);
    expect(withinReach("2001:db8::3", r)).toBe(true);
    expect(withinReach("2001:db8::4", r)).toBe(false);
    // An IPv4 address is not matched by an IPv6 range or the other way round.
    expect(withinReach("10.20.4.1", { hostSuffix: undefined, addressRanges: ["::/0"] })).toBe(false);
    expect(withinReach("vm1.corp.contoso.com.", { hostSuffix: "Corp.Contoso.com", addressRanges: [] })).toBe(true);
    expect(withinReach("vm1.corp.contoso.com", { hostSuffix: ".corp.contoso.com.", addressRanges: [] })).toBe(true);
    // Strictly under it: the suffix with a leading dot is no host.
    expect(withinReach(".corp.contoso.com", { hostSuffix: "corp.contoso.com", addressRanges: [] })).toBe(false);
    // No suffix: no host name is within reach; no ranges: no address is.
    expect(withinReach("vm1.corp.contoso.com", { hostSuffix: undefined, addressRanges: ["10.0.0.0/8"] })).toBe(false);
    expect(withinReach("10.0.0.1", { hostSuffix: "corp.contoso.com", addressRanges: [] })).toBe(false);
    // A malformed range (settings are validated at start) matches nothing rather than everything.
    expect(withinReach("10.0.0.1", { hostSuffix: undefined, addressRanges: ["10.0.0.0", "10.0.0.0/x", "/8", "10.0.0.0/8x", "10.0.0.0/x8"] })).toBe(false);
  });
});
