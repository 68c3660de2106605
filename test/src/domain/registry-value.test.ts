import { describe, expect, it } from "vitest";
import type { RegKind } from "../../../src/domain/playbook";
import {
  decodeBase64,
  describeRegValue,
  encodeRegValue,
  isRegKind,
  MAX_REG_DATA_BYTES,
  regBytes,
  regContent,
  regDataProblem,
} from "../../../src/domain/registry-value";

const b64 = (kind: RegKind, value: Parameters<typeof encodeRegValue>[1]) => encodeRegValue(kind, value).toString("base64");

describe("registry values in their binary form", () => {
  it("encodes as the registry stores them", () => {
    expect([...encodeRegValue("REG_DWORD", 4)]).toEqual([4, 0, 0, 0]);
    expect([...encodeRegValue("REG_DWORD", 4294967295)]).toEqual([255, 255, 255, 255]);
    expect([...encodeRegValue("REG_QWORD", 1n)]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect([...encodeRegValue("REG_SZ", "a")]).toEqual([97, 0, 0, 0]);
    expect([...encodeRegValue("REG_EXPAND_SZ", "%x%")]).toEqual([37, 0, 120, 0, 37, 0, 0, 0]);
    expect([...encodeRegValue("REG_MULTI_SZ", ["a", "b"])]).toEqual([97, 0, 0, 0, 98, 0, 0, 0, 0, 0]);
    expect([...encodeRegValue("REG_MULTI_SZ", [])]).toEqual([0, 0]);
    expect([...encodeRegValue("REG_MULTI_SZ", [""])]).toEqual([0, 0, 0, 0]);
    expect([...encodeRegValue("REG_MULTI_SZ", "one")]).toEqual([...encodeRegValue("REG_MULTI_SZ", ["one"])]);
    expect([...encodeRegValue("REG_BINARY", Buffer.from([1, 2]))]).toEqual([1, 2]);
  });

  it.each<[RegKind, Parameters<typeof encodeRegValue>[1]]>([
    ["REG_SZ", "ls01.contoso.com"],
    ["REG_SZ", ""],
    ["REG_EXPAND_SZ", "%SystemRoot%\\x"],
    ["REG_MULTI_SZ", ["LS01.contoso.com", "", "  x ", "10.0.0.4"]],
    ["REG_MULTI_SZ", []],
    ["REG_MULTI_SZ", [""]],
    ["REG_DWORD", 5],
    ["REG_QWORD", 2n ** 40n],
    ["REG_BINARY", Buffer.from([0, 255, 7])],
    ["REG_NONE", Buffer.alloc(0)],
  ])("%s #%# survives encode, base64, decode exactly", (kind, value) => {
    const data = b64(kind, value);
    const bytes = regBytes({ kind, data })!;
    expect(bytes.toString("base64")).toBe(data);
    const content = regContent(kind, bytes);
    const expected = { REG_SZ: "text", REG_EXPAND_SZ: "text", REG_MULTI_SZ: "list", REG_DWORD: "number", REG_QWORD: "number", REG_BINARY: "bytes", REG_NONE: "bytes" }[kind];
    expect(content.kind).toBe(expected);
    if (content.kind === "text") expect(content.text).toBe(value);
    if (content.kind === "list") expect(content.entries).toEqual(value);
    if (content.kind === "number") expect(content.value).toBe(BigInt(value as number));
    if (content.kind === "bytes") expect([...content.bytes]).toEqual([...(value as Buffer)]);
  });

  it.each([
    ["REG_DWORD", [1, 2, 3], /4 bytes/],
    ["REG_QWORD", [1, 2, 3, 4], /8 bytes/],
    ["REG_SZ", [], /even number/],
    ["REG_SZ", [97], /even number/],
    ["REG_SZ", [97, 0], /end with a NUL/],
    ["REG_SZ", [0, 1], /end with a NUL/],
    ["REG_EXPAND_SZ", [97], /even number/],
    ["REG_EXPAND_SZ", [97, 0], /end with a NUL/],
    ["REG_MULTI_SZ", [0, 0, 0], /even number/],
    ["REG_MULTI_SZ", [97, 0, 0, 1], /end with two NUL/],
    ["REG_MULTI_SZ", [], /even number/],
    ["REG_MULTI_SZ", [1, 0], /empty list is one NUL/],
    ["REG_MULTI_SZ", [97, 0, 0, 0], /end with two NUL/],
    ["REG_BINARY", new Array(MAX_REG_DATA_BYTES + 1).fill(0), /at most 2048/],
  ] as const)("%s %j is not well formed", (kind, bytes, why) => {
    expect(regDataProblem(kind, Buffer.from(bytes))).toMatch(why);
  });

  it("the largest value is 2048 bytes; regBytes refuses what is not a well-formed value", () => {
    expect(regDataProblem("REG_BINARY", Buffer.alloc(MAX_REG_DATA_BYTES))).toBeUndefined();
    expect(regBytes({ kind: "REG_DWORD", data: "%%%" })).toBeUndefined();
    expect(regBytes({ kind: "REG_DWORD", data: "AQID" })).toBeUndefined();
    expect(regBytes({ kind: "REG_DWORD", data: null })).toBeUndefined();
    expect(regBytes({ kind: "REG_DWORD", data: "BAAAAA==" })).toEqual(Buffer.from([4, 0, 0, 0]));
  });

  it("accepts only canonical base64", () => {
    expect(decodeBase64("BAAAAA==")).toEqual(Buffer.from([4, 0, 0, 0]));
    expect(decodeBase64("")).toEqual(Buffer.alloc(0));
    for (const bad of ["BAAAAB==", "BAAAAA", "BAAA AA==", "BAAAAA=", "B===", "BA-_AA==", "BAAAAA==\n", "!BAAAAA==", "BAAAAA==!", "BA=AAA=="]) {
      expect(decodeBase64(bad), bad).toBeUndefined();
    }
  });

  it("knows the kinds", () => {
    expect(isRegKind("REG_MULTI_SZ")).toBe(true);
    expect(isRegKind("REG_LINK")).toBe(false);
    expect(isRegKind(4)).toBe(false);
  });

  it("describes a value for a report", () => {
    expect(describeRegValue({ kind: "REG_SZ", data: b64("REG_SZ", "4") })).toBe('REG_SZ "4"');
    expect(describeRegValue({ kind: "REG_MULTI_SZ", data: b64("REG_MULTI_SZ", ["a", "b"]) })).toBe('REG_MULTI_SZ ["a", "b"]');
    expect(describeRegValue({ kind: "REG_DWORD", data: b64("REG_DWORD", 5) })).toBe("REG_DWORD 5");
    expect(describeRegValue({ kind: "REG_BINARY", data: "AQID" })).toBe("REG_BINARY 3 byte(s)");
    expect(describeRegValue({ kind: "REG_SZ", data: null })).toBe("REG_SZ (data not reported: too large)");
    expect(describeRegValue({ kind: "REG_DWORD", data: "AQID" })).toBe("REG_DWORD (malformed data)");
    expect(describeRegValue({ kind: "REG_SZ", data: b64("REG_SZ", "x".repeat(100)) })).toBe(`REG_SZ "${"x".repeat(80)}..."`);
    expect(describeRegValue({ kind: "REG_SZ", data: b64("REG_SZ", "x".repeat(80)) })).toBe(`REG_SZ "${"x".repeat(80)}"`);
    expect(describeRegValue({ kind: "REG_QWORD", data: b64("REG_QWORD", 7n) })).toBe("REG_QWORD 7");
    expect(describeRegValue({ kind: "REG_MULTI_SZ", data: b64("REG_MULTI_SZ", []) })).toBe("REG_MULTI_SZ []");
  });
});
