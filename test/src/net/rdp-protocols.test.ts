import { describe, expect, it } from "vitest";
import {
  failureNameFromCode,
  isRdpSecurityProtocol,
  isSelectable,
  protocolFromCode,
  requestedProtocolFlags,
  responseFlagNames,
} from "../../../src/net/rdp-protocols";

describe("RDP security protocols", () => {
  it("turns names into the requestedProtocols bit field and back", () => {
    expect(requestedProtocolFlags(["ssl", "hybrid", "hybrid-ex"])).toBe(0x0b);
    expect(requestedProtocolFlags(["rdp"])).toBe(0);
    expect(protocolFromCode(0x08)).toBe("hybrid-ex");
    expect(protocolFromCode(0x03)).toBeUndefined();
  });

  it("lets a server select standard RDP always, anything else only when it was offered", () => {
    const offered = requestedProtocolFlags(["ssl", "hybrid"]);
    expect(isSelectable(0, offered)).toBe(true);
    expect(isSelectable(1, offered)).toBe(true);
    expect(isSelectable(2, offered)).toBe(true);
    expect(isSelectable(8, offered)).toBe(false);
    expect(isSelectable(3, offered)).toBe(false);
    expect(isSelectable(1, 0)).toBe(false);
  });

  it("recognises only the spec's protocol names", () => {
    expect(isRdpSecurityProtocol("hybrid")).toBe(true);
    expect(isRdpSecurityProtocol("nla")).toBe(false);
    expect(isRdpSecurityProtocol("toString")).toBe(false);
    expect(isRdpSecurityProtocol(1)).toBe(false);
  });

  it("names failure codes and response flags", () => {
    expect(failureNameFromCode(5)).toBe("HYBRID_REQUIRED_BY_SERVER");
    expect(failureNameFromCode(0)).toBe("UNKNOWN_FAILURE_CODE");
    expect(responseFlagNames(0x09)).toEqual(["EXTENDED_CLIENT_DATA_SUPPORTED", "RESTRICTED_ADMIN_MODE_SUPPORTED"]);
    expect(responseFlagNames(0xe0)).toEqual([]);
  });
});
