import { describe, expect, it } from "vitest";
import { formatTagConditions, parseTagConditions, passesTagFilter, type TagFilter } from "../../../src/domain/sweep-tags";
import { codeOf } from "./probe-builder";

describe("parseTagConditions", () => {
  it.each([
    [undefined, []],
    ["", []],
    ["  ", []],
    ["env=prod", [{ name: "env", value: "prod" }]],
    ["rdsh", [{ name: "rdsh" }]],
    [" env = prod , role=rdsh,, team ", [{ name: "env", value: "prod" }, { name: "role", value: "rdsh" }, { name: "team" }]],
    ["owner=", [{ name: "owner", value: "" }]],
    ["a=b=c", [{ name: "a", value: "b=c" }]],
  ])("%j", (text, expected) => {
    expect(parseTagConditions(text)).toEqual(expected);
  });

  it.each(["=prod", "a<b=1", "x/y", `k=${"v".repeat(257)}`])("refuses %j", (text) => {
    expect(codeOf(() => parseTagConditions(text))).toBe("tag-filter-invalid");
  });

  it("formats back to the setting's syntax", () => {
    expect(formatTagConditions(parseTagConditions("env=prod,rdsh"))).toBe("env=prod,rdsh");
  });
});

describe("passesTagFilter", () => {
  const filter = (include: string, exclude = ""): TagFilter => ({ include: parseTagConditions(include), exclude: parseTagConditions(exclude) });
  const rows: Array<[string, Record<string, string>, TagFilter, boolean]> = [
    ["no filter: everything", {}, filter(""), true],
    ["include by value", { env: "prod" }, filter("env=prod"), true],
    ["include by value, other value", { env: "test" }, filter("env=prod"), false],
    ["tag names and values compare case-insensitively", { ENV: "Prod" }, filter("env=PROD"), true],
    ["include by name only, any value", { rdsh: "" }, filter("rdsh"), true],
    ["include by name only, tag missing", { other: "1" }, filter("rdsh"), false],
    ["same name twice: alternatives", { env: "test" }, filter("env=prod,env=test"), true],
    ["different names: all must hold", { env: "prod" }, filter("env=prod,role=rdsh"), false],
    ["different names, both present", { env: "prod", role: "rdsh" }, filter("env=prod,role=rdsh"), true],
    ["exclude wins over include", { env: "prod", sweep: "skip" }, filter("env=prod", "sweep=skip"), false],
    ["exclude by name", { legacy: "x" }, filter("", "legacy"), false],
    ["exclude with another value does not apply", { sweep: "yes" }, filter("", "sweep=skip"), true],
  ];
  it.each(rows)("%s", (_name, tags, f, expected) => {
    expect(passesTagFilter(tags, f)).toBe(expected);
  });
});
