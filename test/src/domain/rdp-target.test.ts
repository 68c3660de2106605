import { describe, expect, it } from "vitest";
import { rdpTarget } from "../../../src/domain/rdp-target";

describe("where the app negotiates RDP with a VM", () => {
  it("the tag wins: host or host:port, IPv6 in brackets", () => {
    expect(rdpTarget({ "RDP-Medic-RDP-Host": "10.0.0.5" }, "VM1", "corp.contoso.com")).toEqual({ host: "10.0.0.5", port: 3389 });
    expect(rdpTarget({ "rdp-medic-rdp-host": "vm1.corp.contoso.com:3390" }, undefined, undefined)).toEqual({ host: "vm1.corp.contoso.com", port: 3390 });
    expect(rdpTarget({ "rdp-medic-rdp-host": "[fd00::5]:3389" }, undefined, undefined)).toEqual({ host: "fd00::5", port: 3389 });
  });
  it("else <computer name>.<suffix>:3389, else nowhere", () => {
    expect(rdpTarget({}, "VM-RDSH01", "corp.contoso.com")).toEqual({ host: "vm-rdsh01.corp.contoso.com", port: 3389 });
    expect(rdpTarget({}, "VM-RDSH01", undefined)).toBeUndefined();
    expect(rdpTarget({}, undefined, "corp.contoso.com")).toBeUndefined();
  });
  it.each(["fe80::1%eth0", "host;calc", "h\u043est", "a b", "host:0", "host:70000", ""])("refuses tag value %j", (value) => {
    expect(rdpTarget({ "rdp-medic-rdp-host": value }, "VM1", undefined)).toMatchObject({ error: expect.stringContaining("rdp-medic-rdp-host") });
  });
});
