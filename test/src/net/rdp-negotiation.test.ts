import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors";
import {
  COOKIE_USER_MAX_LENGTH,
  decodeConnectionConfirm,
  encodeConnectionRequest,
  type ConnectionConfirmDecode,
} from "../../../src/net/rdp-negotiation";
import { connectionConfirm } from "./tcp-peers";

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ""), "hex");

describe("encodeConnectionRequest", () => {
  it("matches the spec's example byte for byte (MS-RDPBCGR 4.1.1: cookie eltons, PROTOCOL_RDP)", () => {
    const spec = hex(`
      03 00 00 2c 27 e0 00 00 00 00 00 43 6f 6f 6b 69
      65 3a 20 6d 73 74 73 68 61 73 68 3d 65 6c 74 6f
      6e 73 0d 0a 01 00 08 00 00 00 00 00`);
    expect(encodeConnectionRequest({ cookieUser: "eltons", requestedProtocols: ["rdp"] }).toString("hex")).toBe(
      spec.toString("hex"),
    );
  });

  it("lays out TPKT, X.224 CR and RDP_NEG_REQ without a cookie", () => {
    const pdu = encodeConnectionRequest({ requestedProtocols: ["ssl", "hybrid"] });
    expect(pdu.toString("hex")).toBe(
      [
        "03 00 00 13", // TPKT: version 3, reserved, length 19
        "0e e0 00 00 00 00 00", // X.224: LI 14, CR, DST-REF 0, SRC-REF 0, class 0
        "01 00 08 00 03 00 00 00", // RDP_NEG_REQ: type 1, flags 0, length 8, SSL|HYBRID
      ]
        .join("")
        .replace(/ /g, ""),
    );
  });

  it.each([
    [["rdp"], 0x0],
    [[], 0x0],
    [["ssl"], 0x1],
    [["hybrid"], 0x2],
    [["rdstls"], 0x4],
    [["hybrid-ex"], 0x8],
    [["rdsaad"], 0x10],
    [["ssl", "hybrid", "hybrid-ex"], 0xb],
    [["rdp", "ssl", "hybrid", "rdstls", "hybrid-ex", "rdsaad"], 0x1f],
  ] as const)("requestedProtocols %j is 0x%s on the wire", (protocols, flags) => {
    const pdu = encodeConnectionRequest({ requestedProtocols: protocols });
    expect(pdu.readUInt32LE(pdu.length - 4)).toBe(flags);
  });

  it("keeps the TPKT length and X.224 length indicator consistent for every cookie length", () => {
    fc.assert(
      fc.property(fc.stringMatching(new RegExp(`^[\\x21-\\x7e]{1,${COOKIE_USER_MAX_LENGTH}}$`)), (user) => {
        const pdu = encodeConnectionRequest({ cookieUser: user, requestedProtocols: ["ssl"] });
        expect(pdu.readUInt16BE(2)).toBe(pdu.length);
        expect(pdu[4]).toBe(pdu.length - 5);
        expect(pdu.subarray(11, pdu.length - 8).toString("ascii")).toBe(`Cookie: mstshash=${user}\r\n`);
      }),
    );
  });

  it("fits the longest cookie in a one-byte length indicator (254)", () => {
    const pdu = encodeConnectionRequest({ cookieUser: "u".repeat(COOKIE_USER_MAX_LENGTH), requestedProtocols: [] });
    expect(pdu[4]).toBe(254);
  });

  it.each([
    ["empty", ""],
    ["a space", "john doe"],
    ["CR LF that would end the cookie early", "x\r\nCookie: mstshash=admin"],
    ["non-ASCII", "jöhn"],
    ["one character too many", "u".repeat(COOKIE_USER_MAX_LENGTH + 1)],
  ])("refuses a cookie user with %s", (_, user) => {
    expect(() => encodeConnectionRequest({ cookieUser: user, requestedProtocols: [] })).toThrow(InputError);
    try {
      encodeConnectionRequest({ cookieUser: user, requestedProtocols: [] });
    } catch (error) {
      expect((error as InputError).code).toBe("rdp-cookie-invalid");
    }
  });
});

describe("decodeConnectionConfirm", () => {
  // MS-RDPBCGR 4.1.2, the hex dump. Its annotation says "00 00 00 00 (PROTOCOL_RDP)", but the dumped bytes
  // 15..18 are 01 00 00 00: PROTOCOL_SSL. The bytes are what a client receives.
  const specConfirm = hex("03 00 00 13 0e d0 00 00 12 34 00 02 00 08 00 01 00 00 00");

  it("decodes the spec's example (MS-RDPBCGR 4.1.2)", () => {
    expect(decodeConnectionConfirm(specConfirm)).toEqual({
      kind: "negotiation-response",
      length: 19,
      selectedProtocolCode: 1,
      selectedProtocol: "ssl",
      flags: 0,
      flagNames: [],
    });
  });

  it("decodes xrdp's reply with EXTENDED_CLIENT_DATA_SUPPORTED", () => {
    expect(decodeConnectionConfirm(hex("030000130ed000001234000201080000000000"))).toMatchObject({
      kind: "negotiation-response",
      selectedProtocol: "rdp",
      flags: 1,
      flagNames: ["EXTENDED_CLIENT_DATA_SUPPORTED"],
    });
  });

  it.each([
    [0x00, "rdp"],
    [0x01, "ssl"],
    [0x02, "hybrid"],
    [0x04, "rdstls"],
    [0x08, "hybrid-ex"],
    [0x10, "rdsaad"],
    [0x20, undefined],
  ])("names selectedProtocol 0x%s as %s", (code, name) => {
    expect(decodeConnectionConfirm(connectionConfirm(2, 0, code))).toMatchObject({
      selectedProtocolCode: code,
      selectedProtocol: name,
    });
  });

  it("names every response flag", () => {
    expect(decodeConnectionConfirm(connectionConfirm(2, 0x1f, 2))).toMatchObject({
      flagNames: [
        "EXTENDED_CLIENT_DATA_SUPPORTED",
        "DYNVC_GFX_PROTOCOL_SUPPORTED",
        "NEGRSP_FLAG_RESERVED",
        "RESTRICTED_ADMIN_MODE_SUPPORTED",
        "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED",
      ],
    });
  });

  it.each([
    [1, "SSL_REQUIRED_BY_SERVER"],
    [2, "SSL_NOT_ALLOWED_BY_SERVER"],
    [3, "SSL_CERT_NOT_ON_SERVER"],
    [4, "INCONSISTENT_FLAGS"],
    [5, "HYBRID_REQUIRED_BY_SERVER"],
    [6, "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER"],
    [7, "UNKNOWN_FAILURE_CODE"],
    [0xffffffff, "UNKNOWN_FAILURE_CODE"],
  ])("decodes RDP_NEG_FAILURE code %s as %s", (code, name) => {
    expect(decodeConnectionConfirm(connectionConfirm(3, 0, code))).toEqual({
      kind: "negotiation-failure",
      length: 19,
      failureCode: code,
      failureName: name,
    });
  });

  it("decodes a Connection Confirm without negotiation data (what xrdp sends to a request without one)", () => {
    expect(decodeConnectionConfirm(hex("0300000b06d00000123400"))).toEqual({ kind: "no-negotiation-data", length: 11 });
  });

  it("takes only the PDU's own bytes when more follow (xrdp sends a disconnect after a failure)", () => {
    const failureThenDisconnect = hex("030000130ed000001234000300080001000000 0300000902f0802180");
    expect(decodeConnectionConfirm(failureThenDisconnect)).toMatchObject({
      kind: "negotiation-failure",
      length: 19,
      failureName: "SSL_REQUIRED_BY_SERVER",
    });
  });

  it("reports every proper prefix of a valid reply as incomplete, never as a result", () => {
    for (let end = 0; end < specConfirm.length; end++) {
      const decoded = decodeConnectionConfirm(specConfirm.subarray(0, end));
      expect(decoded.kind, `prefix of ${end} bytes`).toBe("incomplete");
    }
    expect(decodeConnectionConfirm(specConfirm.subarray(0, 4))).toEqual({ kind: "incomplete", bytesNeeded: 19 });
  });

  const malformed: Array<[string, string, RegExp]> = [
    ["an SSH banner", Buffer.from("SSH-2.0-OpenSSH_9.2\r\n").toString("hex"), /TPKT version byte is 0x53/],
    ["an HTTP answer", Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n").toString("hex"), /TPKT version/],
    ["a TPKT length of 65535, judged from the header alone", "0300ffff", /oversized: TPKT length 65535/],
    ["a TPKT length of 20", "03000014", /oversized: TPKT length 20/],
    ["a TPKT length shorter than the header", "03000002", /shorter than its own header/],
    ["a TPKT length between the two sizes", "0300000f", /wrong size: TPKT length 15/],
    ["a length indicator that disagrees with TPKT", "030000130dd0", /length indicator 13 does not match/],
    ["a Disconnect Request instead of a Confirm", "0300000b06800000123400", /0x80 \(DR/],
    ["a Data TPDU", "030000130ef0", /0xf0 \(DT\)/],
    ["a Connection Request echoed back", "030000130ee0", /0xe0 \(CR\)/],
    ["X.224 class 2", "030000130ed000001234200200080001000000", /class 2/],
    ["a negotiation request as negotiation data", "030000130ed000001234000100080001000000", /type 0x01/],
    ["a negotiation data length of 9", "030000130ed000001234000200090001000000", /length field is 9/],
  ];
  it.each(malformed)("reports %s as malformed", (_, bytes, problem) => {
    const decoded = decodeConnectionConfirm(hex(bytes));
    expect(decoded.kind).toBe("malformed");
    expect(decoded.kind === "malformed" && decoded.problem).toMatch(problem);
  });

  it("never throws, and classifies any bytes into one of its kinds", () => {
    const kinds = new Set(["incomplete", "malformed", "negotiation-response", "negotiation-failure", "no-negotiation-data"]);
    const anyBytes = fc.uint8Array({ maxLength: 64 });
    const tpktLike = fc
      .tuple(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 40 }))
      .map(([length, rest]) => Uint8Array.from([3, 0, length >> 8, length & 0xff, ...rest]));
    const nearConfirm = fc
      .tuple(fc.integer({ min: 4, max: 18 }), fc.integer({ min: 0, max: 255 }), fc.boolean())
      .map(([at, value, short]) => {
        const bytes = Buffer.from(specConfirm);
        bytes[at] = value;
        return short ? bytes.subarray(0, at + 1) : bytes;
      });
    fc.assert(
      fc.property(fc.oneof(anyBytes, tpktLike, nearConfirm), (bytes) => {
        const decoded: ConnectionConfirmDecode = decodeConnectionConfirm(bytes);
        expect(kinds.has(decoded.kind)).toBe(true);
        if (decoded.kind !== "incomplete" && decoded.kind !== "malformed") {
          expect(decoded.length).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("decodes a subarray of a larger buffer from its own offset", () => {
    const backing = Buffer.concat([Buffer.from("ignored prefix"), connectionConfirm(3, 0, 5)]);
    expect(decodeConnectionConfirm(backing.subarray(14))).toMatchObject({ failureName: "HYBRID_REQUIRED_BY_SERVER" });
  });
});
