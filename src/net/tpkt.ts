/** TPKT framing (RFC 1006 section 6, T.123 section 8): version 3, reserved, 16-bit big-endian total length. */

export const TPKT_VERSION = 3;
export const TPKT_HEADER_LENGTH = 4;
export const TPKT_MAX_LENGTH = 0xffff;

/** Wraps a TPDU in a TPKT header. */
export function encodeTpkt(tpdu: Uint8Array): Buffer {
  const length = TPKT_HEADER_LENGTH + tpdu.length;
  if (length > TPKT_MAX_LENGTH) {
    throw new RangeError(`a TPKT packet holds at most ${TPKT_MAX_LENGTH} bytes, this one would be ${length}`);
  }
  const packet = Buffer.alloc(length);
  packet[0] = TPKT_VERSION;
  packet[1] = 0;
  packet.writeUInt16BE(length, 2);
  packet.set(tpdu, TPKT_HEADER_LENGTH);
  return packet;
}

export type TpktHeaderRead =
  | { kind: "incomplete" }
  | { kind: "header"; length: number }
  | { kind: "malformed"; problem: string };

/**
 * Reads the TPKT header at the start of `bytes`. A wrong version byte is reported as soon as the first byte is
 * there, so a reply from another protocol is recognised without waiting for more.
 */
export function readTpktHeader(bytes: Uint8Array): TpktHeaderRead {
  if (bytes.length === 0) return { kind: "incomplete" };
  if (bytes[0] !== TPKT_VERSION) {
    return { kind: "malformed", problem: `TPKT version byte is 0x${hex8(bytes[0] ?? 0)}, expected 0x03` };
  }
  if (bytes.length < TPKT_HEADER_LENGTH) return { kind: "incomplete" };
  const length = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  if (length < TPKT_HEADER_LENGTH) {
    return { kind: "malformed", problem: `TPKT length ${length} is shorter than its own header` };
  }
  return { kind: "header", length };
}

export function hex8(value: number): string {
  return value.toString(16).padStart(2, "0");
}
