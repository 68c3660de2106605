import { describe, expect, it } from "vitest";
import { isReadOnlyScript, scriptNameOf } from "../../../local/simulator/script-name";
import { SCRIPT_NAMES, loadScript } from "../../../src/scripts";

describe("simulator script classification", () => {
  it.each(SCRIPT_NAMES)("%s: named from its first line; only probe and verify are read-only (restore-licensing changes state)", (name) => {
    const found = scriptNameOf(loadScript(name));
    expect(found).toBe(name);
    expect(isReadOnlyScript(found)).toBe(name === "probe" || name === "verify");
  });
});
