/**
 * Cold start: time to import the bundled entry (npm run package) against the unbundled build (npm run build),
 * each in fresh Node processes, median of N. Settings are valid sample values, so the import runs what the
 * Functions worker runs at start (settings check + every registration).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildPackage } from "../scripts/package";

const root = resolve(__dirname, "..");

export interface ColdStartResult {
  runs: number;
  bundledMs: { median: number; samples: number[] };
  unbundledMs: { median: number; samples: number[] };
  ratio: number;
  bundleKiB: number;
}

const SAMPLE_SETTINGS = {
  ALLOWED_SCOPES: "/subscriptions/00000000-0000-0000-0000-000000000000",
  LICENSE_SERVERS: "rdls01.contoso.com",
};

/** Milliseconds to require `entry` in a fresh process, measured inside it (process start excluded). */
function importTime(entry: string): number {
  const probe = `const t=process.hrtime.bigint();require(${JSON.stringify(entry)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
  const result = spawnSync(process.execPath, ["-e", probe], {
    env: { ...process.env, ...SAMPLE_SETTINGS, NODE_OPTIONS: "" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`importing ${entry} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function coldStart(runs = 11): Promise<ColdStartResult> {
  const unbundled = join(root, "dist", "src", "index.js");
  if (!existsSync(unbundled)) {
    const build = spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
    if (build.status !== 0) throw new Error("npm run build failed");
  }
  const pkg = await buildPackage();
  const bundledSamples: number[] = [];
  const unbundledSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Interleaved, so machine noise falls on both alike.
    bundledSamples.push(importTime(pkg.entry));
    unbundledSamples.push(importTime(unbundled));
  }
  const bundled = median(bundledSamples);
  const plain = median(unbundledSamples);
  return {
    runs,
    bundledMs: { median: round(bundled), samples: bundledSamples.map(round) },
    unbundledMs: { median: round(plain), samples: unbundledSamples.map(round) },
    ratio: round(bundled / plain, 3),
    bundleKiB: Math.round(pkg.bytes / 1024),
  };
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
