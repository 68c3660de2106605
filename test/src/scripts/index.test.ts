import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SCRIPT_NAMES, SCRIPT_PARAMETERS, loadScript, scriptNameOf } from "../../../src/scripts";

const scriptsDir = join(__dirname, "..", "..", "..", "src", "scripts");

describe("loadScript", () => {
  it("knows exactly the .ps1 files in src/scripts", () => {
    const files = readdirSync(scriptsDir)
      .filter((f) => f.endsWith(".ps1"))
      .map((f) => f.replace(/\.ps1$/, ""))
      .sort();
    expect([...SCRIPT_NAMES].sort()).toEqual(files);
  });

  it.each(SCRIPT_NAMES)("%s starts with its marker line and is the file's text with the shared helpers in place", (name) => {
    const text = loadScript(name);
    const file = readFileSync(join(scriptsDir, `${name}.ps1`), "utf8");
    const helpers = readFileSync(join(scriptsDir, "shared", "helpers.ps1"), "utf8").replace(/\n$/, "");
    expect(text.split("\n")[0]).toBe(`# rdp-medic-script: ${name}`);
    expect(scriptNameOf(text)).toBe(name);
    expect(file.match(/^# rdp-medic-include: shared\/helpers\.ps1$/gm)).toHaveLength(1);
    expect(text).toBe(file.replace("# rdp-medic-include: shared/helpers.ps1", helpers));
    expect(text).not.toContain("rdp-medic-include");
  });

  it.each(SCRIPT_NAMES)("%s declares exactly the parameters SCRIPT_PARAMETERS lists, all strings", (name) => {
    const text = loadScript(name);
    const block = /^param\(([\s\S]*?)^\)/m.exec(text)?.[1] ?? "";
    const declared = [...block.matchAll(/\[(\w+)\]\$(\w+)/g)].map((m) => ({ type: m[1], name: m[2] }));
    expect(declared.map((d) => d.name)).toEqual([...SCRIPT_PARAMETERS[name]]);
    for (const d of declared) expect(d.type).toBe("string");
  });

  it("refuses unknown names and texts without a marker", () => {
    expect(() => loadScript("format-c" as never)).toThrow(/unknown script/);
    expect(scriptNameOf("Write-Output 1")).toBeUndefined();
    expect(scriptNameOf("# rdp-medic-script: nope\nparam()")).toBeUndefined();
  });

  it("the shared helpers come before the script's own code and after its param block", () => {
    for (const name of SCRIPT_NAMES) {
      const text = loadScript(name);
      const param = text.search(/^param\(/m);
      const helpers = text.indexOf("# ---- shared helpers");
      const end = text.indexOf("# ---- end of shared helpers ----");
      expect(param, name).toBeGreaterThan(0);
      expect(helpers, name).toBeGreaterThan(param);
      expect(end, name).toBeGreaterThan(helpers);
    }
  });
});
