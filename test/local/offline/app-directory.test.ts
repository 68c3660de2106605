import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { appDirectoryOf } from "../../../local/offline/offline-app";

describe("the offline app runs with its own host.json, wherever it is started from", () => {
  it("is the repository for the source app", () => {
    expect(resolve(appDirectoryOf(undefined))).toBe(resolve(__dirname, "..", "..", ".."));
  });

  it("is the nearest folder above a packaged entry that holds host.json", () => {
    const pkg = realpathSync(mkdtempSync(join(tmpdir(), "rdpmedic-pkg-")));
    mkdirSync(join(pkg, "dist", "src"), { recursive: true });
    writeFileSync(join(pkg, "host.json"), "{}");
    expect(appDirectoryOf(join(pkg, "dist", "src", "index.js"))).toBe(pkg);
    expect(appDirectoryOf(join(pkg, "index.js"))).toBe(pkg);
  });
});
