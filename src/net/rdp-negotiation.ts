/**
 * The first exchange of every RDP connection (MS-RDPBCGR 1.3.1.1, Connection Initiation): the client's X.224
 * Connection Request with an RDP Negotiation Request (2.2.1.1), and the server's X.224 Connection Confirm with an
 * RDP Negotiation Response or Failure (2.2.1.2). Both ride in TPKT (RFC 1006) over TCP; X.224 is class 0 (ISO 8073).
 *
 * Decoding never throws: whatever a peer sends is classified (incomplete, malformed, or one of the valid replies).
 */
import { InputError } from "../errors";
import {
  failureNameFromCode,
  protocolFromCode,
  requestedProtocolFlags,
  responseFlagNames,
  type RdpNegotiationFailureName,
  type RdpNegotiationResponseFlag,
  type RdpSecurityProtocol,
} from "./rdp-protocols";
import { encodeTpkt, hex8, readTpktHeader, TPKT_HEADER_LENGTH } from "./tpkt";

/** X.224 TPDU codes (high nibble of the second TPDU byte; the low nibble is the credit, 0 in class 0). */
export const X224_CONNECTION_REQUEST = 0xe0;
export const X224_CONNECTION_CONFIRM = 0xd0;
export const X224_DISCONNECT_REQUEST = 0x80;

/** RDP negotiation structure types. */
export const TYPE_RDP_NEG_REQ = 0x01;
export const TYPE_RDP_NEG_RSP = 0x02;
export const TYPE_RDP_NEG_FAILURE = 0x03;
export const RDP_NEG_STRUCTURE_LENGTH = 8;

/** Fixed part of a class 0 CR/CC TPDU after the length indicator: code, DST-REF, SRC-REF, class/options. */
const X224_FIXED_PART = 6;
const COOKIE_PREFIX = "Cookie: mstshash=";
const COOKIE_TERMINATOR = "\r\n";
/** The length indicator is one byte and cannot be 255 (ISO 8073 13.2.1), which bounds the cookie. */
const X224_MAX_LENGTH_INDICATOR = 254;
export const COOKIE_USER_MAX_LENGTH =
  X224_MAX_LENGTH_INDICATOR - X224_FIXED_PART - RDP_NEG_STRUCTURE_LENGTH - COOKIE_PREFIX.length - COOKIE_TERMINATOR.length;

/** A Connection Confirm without negotiation data, and one with it: the only two sizes RDP servers send. */
export const CONNECTION_CONFIRM_LENGTH_PLAIN = TPKT_HEADER_LENGTH + 1 + X224_FIXED_PART;
export const CONNECTION_CONFIRM_LENGTH_NEGOTIATED = CONNECTION_CONFIRM_LENGTH_PLAIN + RDP_NEG_STRUCTURE_LENGTH;

export interface ConnectionRequest {
  /** Protocols offered in the RDP Negotiation Request; an empty list or ["rdp"] offers standard RDP security only. */
  requestedProtocols: readonly RdpSecurityProtocol[];
  /** User name for the `Cookie: mstshash=<user>` routing cookie; no cookie when undefined. */
  cookieUser?: string;
}

/** Why a cookie user name cannot be sent, or undefined when it can (visible ASCII, bounded length). */
export function cookieUserProblem(user: string): string | undefined {
  if (user.length === 0) return "the cookie user name is empty";
  if (user.length > COOKIE_USER_MAX_LENGTH) {
    return `the cookie user name has ${user.length} characters, at most ${COOKIE_USER_MAX_LENGTH} fit`;
  }
  if (!/^[\x21-\x7e]+$/.test(user)) {
    return "the cookie user name must be visible ASCII characters (no spaces, CR or LF)";
  }
  return undefined;
}

/** The TPKT-framed X.224 Connection Request PDU with an RDP Negotiation Request (flags 0). */
export function encodeConnectionRequest(request: ConnectionRequest): Buffer {
  let cookie = Buffer.alloc(0);
  if (request.cookieUser !== undefined) {
    const problem = cookieUserProblem(request.cookieUser);
    if (problem) throw new InputError("rdp-cookie-invalid", problem);
    cookie = Buffer.from(`${COOKIE_PREFIX}${request.cookieUser}${COOKIE_TERMINATOR}`, "ascii");
  }

  const negotiationRequest = Buffer.alloc(RDP_NEG_STRUCTURE_LENGTH);
  negotiationRequest[0] = TYPE_RDP_NEG_REQ;
  negotiationRequest[1] = 0;
  negotiationRequest.writeUInt16LE(RDP_NEG_STRUCTURE_LENGTH, 2);
  negotiationRequest.writeUInt32LE(requestedProtocolFlags(request.requestedProtocols), 4);

  const lengthIndicator = X224_FIXED_PART + cookie.length + negotiationRequest.length;
  const fixed = Buffer.alloc(1 + X224_FIXED_PART);
  fixed[0] = lengthIndicator;
  fixed[1] = X224_CONNECTION_REQUEST;
  // DST-REF, SRC-REF and class/options stay 0 (MS-RDPBCGR 3.2.5.3.1).
  return encodeTpkt(Buffer.concat([fixed, cookie, negotiationRequest]));
}

export type ConnectionConfirm =
  | {
      kind: "negotiation-response";
      /** Bytes of the reply this PDU took (the server may send more after it). */
      length: number;
      selectedProtocolCode: number;
      /** undefined when the code is not one the spec defines. */
      selectedProtocol: RdpSecurityProtocol | undefined;
      flags: number;
      flagNames: RdpNegotiationResponseFlag[];
    }
  | { kind: "negotiation-failure"; length: number; failureCode: number; failureName: RdpNegotiationFailureName }
  /** A Connection Confirm without negotiation data: a server that only speaks standard RDP security. */
  | { kind: "no-negotiation-data"; length: number };

export type ConnectionConfirmDecode =
  | ConnectionConfirm
  /** Valid so far; `bytesNeeded` is the total the reply needs (at least). */
  | { kind: "incomplete"; bytesNeeded: number }
  | { kind: "malformed"; problem: string };

/**
 * Decodes the server's reply to a Connection Request from the bytes received so far. Each check runs as soon as
 * its byte is there, so a reply that is not RDP is recognised early; a complete, valid PDU is decoded from the
 * first `length` bytes and anything after it is left alone.
 */
export function decodeConnectionConfirm(bytes: Uint8Array): ConnectionConfirmDecode {
  const header = readTpktHeader(bytes);
  if (header.kind === "malformed") return header;
  if (header.kind === "incomplete") return { kind: "incomplete", bytesNeeded: TPKT_HEADER_LENGTH };

  const total = header.length;
  if (total !== CONNECTION_CONFIRM_LENGTH_PLAIN && total !== CONNECTION_CONFIRM_LENGTH_NEGOTIATED) {
    const size = total > CONNECTION_CONFIRM_LENGTH_NEGOTIATED ? "oversized" : "wrong size";
    return {
      kind: "malformed",
      problem: `${size}: TPKT length ${total}, a Connection Confirm is ${CONNECTION_CONFIRM_LENGTH_PLAIN} or ${CONNECTION_CONFIRM_LENGTH_NEGOTIATED} bytes`,
    };
  }

  const lengthIndicator = bytes[4];
  if (lengthIndicator !== undefined && lengthIndicator !== total - TPKT_HEADER_LENGTH - 1) {
    return {
      kind: "malformed",
      problem: `X.224 length indicator ${lengthIndicator} does not match TPKT length ${total}`,
    };
  }
  const code = bytes[5];
  if (code !== undefined && code !== X224_CONNECTION_CONFIRM) {
    return { kind: "malformed", problem: `X.224 TPDU code 0x${hex8(code)} (${tpduName(code)}), expected 0xd0 (CC)` };
  }
  const classOptions = bytes[10];
  if (classOptions !== undefined && classOptions >> 4 !== 0) {
    return { kind: "malformed", problem: `X.224 class ${classOptions >> 4}, RDP uses class 0` };
  }
  const negotiationType = bytes[11];
  if (total === CONNECTION_CONFIRM_LENGTH_NEGOTIATED && negotiationType !== undefined) {
    if (negotiationType !== TYPE_RDP_NEG_RSP && negotiationType !== TYPE_RDP_NEG_FAILURE) {
      return {
        kind: "malformed",
        problem: `negotiation data type 0x${hex8(negotiationType)}, expected 0x02 (response) or 0x03 (failure)`,
      };
    }
  }
  if (bytes.length < total) return { kind: "incomplete", bytesNeeded: total };

  if (total === CONNECTION_CONFIRM_LENGTH_PLAIN) return { kind: "no-negotiation-data", length: total };

  const view = Buffer.from(bytes.buffer, bytes.byteOffset, total);
  const structureLength = view.readUInt16LE(13);
  if (structureLength !== RDP_NEG_STRUCTURE_LENGTH) {
    return { kind: "malformed", problem: `negotiation data length field is ${structureLength}, expected 8` };
  }
  const value = view.readUInt32LE(15);
  if (negotiationType === TYPE_RDP_NEG_FAILURE) {
    return { kind: "negotiation-failure", length: total, failureCode: value, failureName: failureNameFromCode(value) };
  }
  const flags = view[12] ?? 0;
  return {
    kind: "negotiation-response",
    length: total,
    selectedProtocolCode: value,
    selectedProtocol: protocolFromCode(value),
    flags,
    flagNames: responseFlagNames(flags),
  };
}

function tpduName(code: number): string {
  switch (code & 0xf0) {
    case X224_CONNECTION_REQUEST:
      return "CR";
    case X224_CONNECTION_CONFIRM:
      return "CC with a non-zero credit";
    case X224_DISCONNECT_REQUEST:
      return "DR, the server refused the connection";
    case 0xf0:
      return "DT";
    default:
      return "not a connection TPDU";
  }
}
