import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../src/config";

const root = join(__dirname, "../..");
/** Settings the Functions host reads itself (not src/config.ts). */
const HOST_SETTINGS = ["AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME"];

describe("settings are documented where users look", () => {
  it("local.settings.sample.json holds exactly the app's settings plus the host's", () => {
    const sample = JSON.parse(readFileSync(join(root, "local.settings.sample.json"), "utf8")) as { Values: Record<string, string> };
    expect(Object.keys(sample.Values).sort()).toEqual([...SETTINGS.map((s) => s.name), ...HOST_SETTINGS].sort());
  });

  it("the README's settings table names every setting", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const spec of SETTINGS) expect(readme, spec.name).toContain(`| \`${spec.name}\``);
  });
});
