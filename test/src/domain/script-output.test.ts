import { describe, expect, it } from "vitest";
import { ScriptOutputError } from "../../../src/errors";
import { extractScriptJson, MAX_OUTPUT_BYTES, ScriptFailedError } from "../../../src/domain/script-output";
import { codeOf } from "./probe-builder";

const line = (fields: Record<string, unknown> = {}) => JSON.stringify({ rdpMedic: "verify", v: 1, ok: true, ...fields });

/** Pads stdout at the front with noise lines until it is exactly `bytes` long. */
function padTo(tail: string, bytes: number): string {
  const need = bytes - Buffer.byteLength(tail);
  const noise = `${"x".repeat(Math.max(0, need - 2))}\r\n`;
  return (noise + tail).slice(-bytes);
}

/** 4096 bytes that start with "{" only because the cut fell on a nested object: `{"rdpMedic":...,"big":"qq…"}}`. */
function cutAtNestedBrace(): string {
  const head = '{"rdpMedic":"verify","v":1,"big":"';
  return head + "q".repeat(MAX_OUTPUT_BYTES - head.length - 3) + '"}}';
}

describe("extractScriptJson", () => {
  it("takes the last marker line among noise, CRLF and a BOM", () => {
    const out = `\ufeffWARNING: something\r\n${line({ ok: false })}\r\nmore noise\r\n${line({ ok: true })}\r\n\r\n`;
    expect(extractScriptJson("verify", out, "")).toEqual({ rdpMedic: "verify", v: 1, ok: true });
  });

  it("accepts stderr that is only whitespace, and null/undefined streams as empty", () => {
    expect(extractScriptJson("verify", line(), " \r\n")).toMatchObject({ ok: true });
    expect(codeOf(() => extractScriptJson("verify", undefined, null))).toBe("output-missing");
  });

  it("accepts output of exactly 4096 bytes when the marker line is whole", () => {
    const out = padTo(`${line()}\r\n`, MAX_OUTPUT_BYTES);
    expect(Buffer.byteLength(out)).toBe(MAX_OUTPUT_BYTES);
    expect(extractScriptJson("verify", out, "")).toMatchObject({ rdpMedic: "verify" });
  });

  const rejections: Array<[string, string | undefined, string, string]> = [
    ["stderr", line(), "Set-ItemProperty : Access is denied.", "script-stderr"],
    ["CLIXML progress on stderr", line(), "#< CLIXML\r\n<Objs Version=\"1.1.0.1\"></Objs>", "script-stderr"],
    ["no marker line", "hello\r\nworld\r\n", "", "output-missing"],
    ["empty output", "", "", "output-missing"],
    ["over 4096 bytes", `${"n".repeat(MAX_OUTPUT_BYTES)}\n${line()}`, "", "output-too-large"],
    ["multi-byte characters over the byte limit", `${"é".repeat(2100)}\n${line()}`, "", "output-too-large"],
    ["marker line cut at the front", padTo(JSON.stringify({ pad: "p".repeat(5000), rdpMedic: "verify", v: 1 }), MAX_OUTPUT_BYTES), "", "output-truncated"],
    ["cut at a nested object's brace", cutAtNestedBrace(), "", "output-truncated"],
    ["marker cut away entirely at the limit", padTo("tail of something", MAX_OUTPUT_BYTES), "", "output-truncated"],
    ["marker line not JSON", '"rdpMedic":"verify" hello', "", "output-not-json"],
    ["marker line broken JSON", '{"rdpMedic":"verify","v":1,', "", "output-not-json"],
    ["marker line a JSON array", '[{"rdpMedic":"verify","v":1}]', "", "output-not-json"],
    ["other script's marker", JSON.stringify({ rdpMedic: "probe", v: 1 }), "", "output-wrong-script"],
    ["marker not a string", JSON.stringify({ rdpMedic: 7, v: 1 }), "", "output-wrong-script"],
    ["contract version 2", line({ v: 2 }), "", "output-wrong-script"],
    ["version as a string", line({ v: "1" }), "", "output-wrong-script"],
    ["__proto__ key", '{"rdpMedic":"verify","v":1,"__proto__":{"isAdmin":true}}', "", "output-invalid"],
    ["nested constructor key", '{"rdpMedic":"verify","v":1,"a":[{"constructor":{"prototype":{}}}]}', "", "output-invalid"],
    ["control character in a value", line({ detail: "ok\u0007" }), "", "output-invalid"],
    ["escaped NUL in a value", '{"rdpMedic":"verify","v":1,"d":"a\\u0000b"}', "", "output-invalid"],
    ["bidi override in a value", line({ detail: "abc\u202egnp.exe" }), "", "output-invalid"],
    ["control character in a key", '{"rdpMedic":"verify","v":1,"a\\nb":1}', "", "output-invalid"],
    ["infinite number", '{"rdpMedic":"verify","v":1,"n":1e400}', "", "output-invalid"],
    ["absurd nesting", `{"rdpMedic":"verify","v":1,"a":${"[".repeat(20)}${"]".repeat(20)}}`, "", "output-invalid"],
    ["absurd key length", line({ ["k".repeat(100)]: 1 }), "", "output-invalid"],
  ];

  it.each(rejections)("rejects %s", (_name, stdout, stderr, code) => {
    expect(codeOf(() => extractScriptJson("verify", stdout, stderr))).toBe(code);
  });

  const errorLine = (error: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ rdpMedic: "verify", v: 1, error, ...extra });

  it("reports the script's own error line as script-failed, with and without stderr", () => {
    for (const stderr of ["", "rdp-medic verify: command-failed: reg.exe exited 1"]) {
      try {
        extractScriptJson("verify", `${errorLine({ code: "command-failed", message: "reg.exe exited 1" })}\r\n`, stderr);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ScriptFailedError);
        expect(e).toMatchObject({ code: "script-failed", scriptCode: "command-failed", script: "verify" });
        expect((e as Error).message).toContain("reg.exe exited 1");
      }
    }
  });

  const badErrorLines: Array<[string, string]> = [
    ["error not an object", errorLine("boom")],
    ["error code with spaces", errorLine({ code: "Command Failed", message: "x" })],
    ["error with an extra field", errorLine({ code: "x", message: "y", stack: "z" })],
    ["error line with other fields", errorLine({ code: "x", message: "y" }, { ok: true })],
    ["error message absurdly long", errorLine({ code: "x", message: "m".repeat(1001) })],
  ];
  it.each(badErrorLines)("rejects a malformed error line: %s", (_name, stdout) => {
    expect(codeOf(() => extractScriptJson("verify", stdout, ""))).toBe("output-invalid");
  });

  it("treats stderr beside a malformed or missing error line as script-stderr", () => {
    expect(codeOf(() => extractScriptJson("verify", errorLine("boom"), "oops"))).toBe("script-stderr");
    expect(codeOf(() => extractScriptJson("verify", line(), "oops"))).toBe("script-stderr");
  });

  it("throws ScriptOutputError whose message cannot carry control characters from the VM", () => {
    try {
      extractScriptJson("verify", "", "bad\u001b[31m red\u0007");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScriptOutputError);
      expect((e as Error).message).not.toMatch(/[\u0000-\u001f]/);
      expect((e as Error).message).toContain("bad");
    }
  });

  it("does not let a __proto__ key change the returned object's prototype", () => {
    expect(() => extractScriptJson("verify", '{"__proto__":{"polluted":1},"rdpMedic":"verify","v":1}', "")).toThrow(ScriptOutputError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
