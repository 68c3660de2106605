import { REG_KINDS, type RegKind, type RegValueFact } from "./playbook";

/**
 * A registry value's data in the registry's binary form, as the probe prints it (base64) and restore-licensing
 * writes it back: the exact kind and content, any number of entries, any characters, without ever becoming text
 * in a script.
 *
 *   REG_SZ, REG_EXPAND_SZ  UTF-16LE text, then one NUL character
 *   REG_MULTI_SZ           each entry in UTF-16LE followed by a NUL character, then one more NUL; no entries = one NUL
 *   REG_DWORD / REG_QWORD  4 / 8 bytes, little-endian
 *   REG_BINARY, REG_NONE   the bytes
 *
 * This is what Windows' registry API returns for a well-formed value, and what the .NET registry classes write back.
 */

/** The most data restore-licensing takes for one value (its base64 is at most 2,732 characters). */
export const MAX_REG_DATA_BYTES = 2048;

export function isRegKind(value: unknown): value is RegKind {
  return (REG_KINDS as readonly unknown[]).includes(value);
}

/**
 * The bytes of canonical base64 (the alphabet with + and /, padded, no whitespace, unused bits zero), or undefined:
 * Node's decoder skips what it does not know, so only text that encodes back to itself is base64 here.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

/** Why these bytes are not a well-formed value of this kind, or undefined when they are. */
export function regDataProblem(kind: RegKind, bytes: Buffer): string | undefined {
  if (bytes.length > MAX_REG_DATA_BYTES) return `it is ${bytes.length} bytes (at most ${MAX_REG_DATA_BYTES})`;
  const nul = (at: number) => bytes[at] === 0 && bytes[at + 1] === 0;
  switch (kind) {
    case "REG_DWORD":
      return bytes.length === 4 ? undefined : `a REG_DWORD is 4 bytes, not ${bytes.length}`;
    case "REG_QWORD":
      return bytes.length === 8 ? undefined : `a REG_QWORD is 8 bytes, not ${bytes.length}`;
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      if (bytes.length < 2 || bytes.length % 2 !== 0) return "text is an even number of bytes, at least one NUL character";
      return nul(bytes.length - 2) ? undefined : "text must end with a NUL character";
    case "REG_MULTI_SZ":
      if (bytes.length < 2 || bytes.length % 2 !== 0) return "a list is an even number of bytes, at least one NUL character";
      if (bytes.length === 2) return nul(0) ? undefined : "an empty list is one NUL character";
      return nul(bytes.length - 2) && nul(bytes.length - 4) ? undefined : "a list must end with two NUL characters";
    case "REG_BINARY":
    case "REG_NONE":
      return undefined;
  }
}

/** The bytes of a fact's data when it is canonical base64 of a well-formed value of its kind. */
export function regBytes(fact: RegValueFact): Buffer | undefined {
  if (fact.data === null) return undefined;
  const bytes = decodeBase64(fact.data);
  return bytes !== undefined && regDataProblem(fact.kind, bytes) === undefined ? bytes : undefined;
}

/** The text of a REG_SZ / REG_EXPAND_SZ (without its NUL), the entries of a REG_MULTI_SZ, the number of a DWORD/QWORD. */
export type RegContent = { kind: "text"; text: string } | { kind: "list"; entries: string[] } | { kind: "number"; value: bigint } | { kind: "bytes"; bytes: Buffer };

export function regContent(kind: RegKind, bytes: Buffer): RegContent {
  switch (kind) {
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return { kind: "text", text: bytes.subarray(0, bytes.length - 2).toString("utf16le") };
    case "REG_MULTI_SZ": {
      if (bytes.length <= 2) return { kind: "list", entries: [] };
      return { kind: "list", entries: bytes.subarray(0, bytes.length - 4).toString("utf16le").split("\u0000") };
    }
    case "REG_DWORD":
      return { kind: "number", value: BigInt(bytes.readUInt32LE(0)) };
    case "REG_QWORD":
      return { kind: "number", value: bytes.readBigUInt64LE(0) };
    case "REG_BINARY":
    case "REG_NONE":
      return { kind: "bytes", bytes };
  }
}

/** Encodes a value the way the probe does (the inverse of regContent). */
export function encodeRegValue(kind: RegKind, value: string | readonly string[] | number | bigint | Uint8Array): Buffer {
  switch (kind) {
    case "REG_SZ":
    case "REG_EXPAND_SZ":
      return Buffer.from(`${String(value)}\u0000`, "utf16le");
    case "REG_MULTI_SZ": {
      const entries = Array.isArray(value) ? (value as string[]) : [String(value)];
      return Buffer.from(entries.length === 0 ? "\u0000" : `${entries.join("\u0000")}\u0000\u0000`, "utf16le");
    }
    case "REG_DWORD": {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32LE(Number(BigInt.asUintN(32, BigInt(value as number | bigint))), 0);
      return bytes;
    }
    case "REG_QWORD": {
      const bytes = Buffer.alloc(8);
      bytes.writeBigUInt64LE(BigInt.asUintN(64, BigInt(value as number | bigint)), 0);
      return bytes;
    }
    case "REG_BINARY":
    case "REG_NONE":
      return Buffer.from(value as Uint8Array);
  }
}

/** A short, printable account of a value for reports, e.g. REG_SZ "ls01.contoso.com". */
export function describeRegValue(fact: RegValueFact): string {
  const bytes = regBytes(fact);
  if (bytes === undefined) return fact.data === null ? `${fact.kind} (data not reported: too large)` : `${fact.kind} (malformed data)`;
  const content = regContent(fact.kind, bytes);
  const quote = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
  switch (content.kind) {
    case "text":
      return `${fact.kind} ${quote(content.text)}`;
    case "list":
      return `${fact.kind} [${content.entries.map(quote).join(", ")}]`;
    case "number":
      return `${fact.kind} ${content.value.toString()}`;
    case "bytes":
      return `${fact.kind} ${content.bytes.length} byte(s)`;
  }
}
