import { describe, expect, it } from "vitest";
import { isValidLicenseServerName, licenseServerNameProblem } from "../../../src/domain/license-server-name";
import { describeChar, printable } from "../../../src/domain/printable";

describe("licenseServerNameProblem", () => {
  it.each(["ls01", "ls01.contoso.com", "ls01.contoso.com.", "10.0.0.4", "fd00::5", "::ffff:10.0.0.4", `${"a".repeat(63)}.com`])(
    "accepts %s",
    (name) => {
      expect(licenseServerNameProblem(name)).toBeUndefined();
      expect(isValidLicenseServerName(name)).toBe(true);
    },
  );

  it.each([
    ["fe80::1%eth0", "'%' (U+0025)"],
    ["fe80::1%25eth0", "'%' (U+0025)"],
    ["ls01.c\u043entoso.com", "U+043E"],
    ["ls01\r\nStop-Computer", "U+000D"],
    ["ls01;calc", "';' (U+003B)"],
    ["", "empty"],
    ["a".repeat(254), "254 characters long"],
    ["a:b", "not an IPv6 address"],
    ["10.0.0.256", "not an IPv4 address"],
    ["10.0.0.4.", "not an IPv4 address"],
    ["ls01..contoso.com", "empty label"],
    [".", "empty label"],
    [`${"a".repeat(64)}.com`, "label of 64 characters"],
    ["-Recurse", "starts or ends with '-'"],
  ])("refuses %j and says why (%s)", (name, why) => {
    expect(licenseServerNameProblem(name)).toContain(why);
    expect(isValidLicenseServerName(name)).toBe(false);
  });
});

describe("printable", () => {
  it("quotes, escapes everything but printable ASCII, and cuts long values", () => {
    expect(printable("ls01")).toBe('"ls01"');
    expect(printable('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(printable("a\r\nb\u0000\u202e\u200d\u043e")).toBe('"a\\u000D\\u000Ab\\u0000\\u202E\\u200D\\u043E"');
    expect(printable("x".repeat(100), 10)).toBe(`"${"x".repeat(10)}..." (100 characters)`);
  });

  it("describes one character", () => {
    expect(describeChar(";")).toBe("';' (U+003B)");
    expect(describeChar("\u200d")).toBe("U+200D");
    expect(describeChar(" ")).toBe("U+0020");
  });
});
