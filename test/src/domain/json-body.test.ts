import { describe, expect, it } from "vitest";
import { firstDuplicateKey, isJsonContentType, parseJsonObject, parseJsonText } from "../../../src/domain/json-body";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe("duplicate keys", () => {
  it("JSON.parse keeps the last of two keys; the app refuses the body instead", () => {
    const text = '{"vmId":"x","dryRun":true,"dryRun":false}';
    expect((JSON.parse(text) as { dryRun: boolean }).dryRun).toBe(false);
    expect(codeOf(() => parseJsonText(text))).toBe("duplicate-key");
    expect(codeOf(() => parseJsonObject(text, ["vmId", "dryRun"], "{}"))).toBe("duplicate-key");
  });

  it.each([
    ['{"a":1,"a":2}', "a"],
    ['{"a":1,"\\u0061":2}', "a"], // the same key, escaped
    ['{ "a" : 1 , "b":{"c":1,"c":2}}', "c"],
    ['[{"k":1},{"k":2,"k":3}]', "k"],
    ['{"x":{"y":1},"y":{"x":1},"x":2}', "x"],
    ['{"a\\"b":1,"a\\"b":2}', 'a"b'],
  ])("finds the duplicate in %s", (text, key) => {
    expect(firstDuplicateKey(text)).toBe(key);
  });

  it.each([
    '{"a":1,"b":2}',
    '{"a":{"a":{"a":1}}}', // the same name at different depths
    '[{"a":1},{"a":2}]', // the same name in sibling objects
    '{"a":"\\"a\\":1","b":"{\\"a\\":2}"}', // keys inside string values are text
    '{"a":["a","a"]}',
    '"a"',
    "[]",
    "{}",
    '{"":1,"\\u0000":2}',
  ])("no duplicate in %s", (text) => {
    expect(firstDuplicateKey(text)).toBeUndefined();
    expect(() => parseJsonText(text)).not.toThrow();
  });

  it("refuses text that is not JSON as body-not-json; deep nesting within the size limits is parsed, never crashes", () => {
    expect(codeOf(() => parseJsonText("{'a':1}"))).toBe("body-not-json");
    expect(codeOf(() => parseJsonText("[".repeat(200_000) + "]".repeat(199_999)))).toBe("body-not-json");
    const deep = `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`;
    expect(() => parseJsonText(deep)).not.toThrow();
    expect(codeOf(() => parseJsonText(`${'{"a":'.repeat(50_000)}{"b":1,"b":2}${"}".repeat(50_000)}`))).toBe("duplicate-key");
  });
});

describe("JSON content types", () => {
  it.each(["application/json", "Application/JSON", "application/json; charset=utf-8", 'application/json;charset="UTF-8"', "application/problem+json", "application/vnd.rdp-medic+json ; charset=utf-8"])(
    "accepts %j",
    (header) => expect(isJsonContentType(header)).toBe(true),
  );
  it.each([null, "", "text/plain", "text/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=iso-8859-1", "application/json-seq", "application/+json", "application/jsonx"])(
    "refuses %j",
    (header) => expect(isJsonContentType(header)).toBe(false),
  );
});
