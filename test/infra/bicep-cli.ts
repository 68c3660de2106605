import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INFRA_DIR, runBicep, type BicepRun } from "../../local/bicep";
import { findTool, missingToolMessage, toolsRequired } from "../../local/tools";

export { INFRA_DIR, runBicep, type BicepRun };


/** The Bicep CLI's path; undefined (tests skip) when it is missing, a thrown error when CI requires it. */
export function bicepOrSkip(): string | undefined {
  const path = findTool("bicep");
  if (path) return path;
  if (toolsRequired()) throw new Error(missingToolMessage("bicep"));
  console.warn(missingToolMessage("bicep"));
  return undefined;
}

function ok(run: BicepRun, what: string): BicepRun {
  if (run.status !== 0) throw new Error(`bicep ${what} failed (${run.status}):\n${run.stderr}${run.stdout}`);
  return run;
}

/** `bicep build <file> --stdout`: the compiled ARM template. */
export function buildTemplate(bicep: string, file: string): { template: ArmTemplate; stderr: string } {
  const run = ok(runBicep(bicep, ["build", file, "--stdout"]), `build ${file}`);
  return { template: JSON.parse(run.stdout) as ArmTemplate, stderr: run.stderr };
}

export interface SarifResult {
  ruleId: string;
  level?: string;
  message: { text: string };
  locations?: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
}

/** `bicep lint <file> --diagnostics-format sarif`: every diagnostic (errors, warnings, infos) as SARIF results. */
export function lint(bicep: string, file: string, cwd = INFRA_DIR, env: Record<string, string> = {}): { results: SarifResult[]; run: BicepRun } {
  const run = runBicep(bicep, ["lint", file, "--diagnostics-format", "sarif"], env, cwd);
  const sarif = JSON.parse(run.stdout) as { runs: { results: SarifResult[] }[] };
  return { results: sarif.runs.flatMap((r) => r.results), run };
}

export function describeDiagnostics(results: SarifResult[]): string {
  return results
    .map((r) => {
      const where = r.locations?.[0]?.physicalLocation;
      return `${where?.artifactLocation.uri ?? "?"}:${where?.region.startLine ?? "?"} ${r.level ?? "warning"} ${r.ruleId}: ${r.message.text}`;
    })
    .join("\n");
}

/** A throwaway copy of infra/ (so scenario parameter files and snapshots never land in the repo). */
export class InfraCopy {
  readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "rdpmedic-infra-"));
    cpSync(INFRA_DIR, this.dir, { recursive: true });
  }

  write(relativePath: string, text: string): string {
    const path = join(this.dir, relativePath);
    writeFileSync(path, text);
    return path;
  }

  read(relativePath: string): string {
    return readFileSync(join(this.dir, relativePath), "utf8");
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface Snapshot {
  predictedResources: PredictedResource[];
  diagnostics: unknown[];
  outputs: Record<string, unknown>;
}

export interface PredictedResource {
  id: string;
  type: string;
  name: string;
  location?: string;
  kind?: string;
  sku?: { name?: string; tier?: string };
  tags?: Record<string, string>;
  identity?: { type: string; userAssignedIdentities?: Record<string, unknown> };
  properties?: any;
}

/** The deployment context every scenario is evaluated in. */
export const DEPLOYMENT = {
  subscriptionId: "33333333-3333-3333-3333-333333333333",
  tenantId: "44444444-4444-4444-4444-444444444444",
  location: "westeurope",
} as const;

/**
 * `bicep snapshot`: Bicep's own evaluation of main.bicep with a parameter file, as the resources a deployment
 * would create (module outputs and deployment-time references stay as ARM expressions). `bicepparam` is written to
 * `<name>.bicepparam` in the copy; without it, the copy's existing `<name>.bicepparam` is used.
 */
export function snapshot(
  bicep: string,
  copy: InfraCopy,
  name: string,
  bicepparam?: string,
  env: Record<string, string> = {},
): Snapshot {
  const paramFile = bicepparam === undefined ? join(copy.dir, `${name}.bicepparam`) : copy.write(`${name}.bicepparam`, bicepparam);
  ok(
    runBicep(
      bicep,
      snapshotArgs(paramFile, DEPLOYMENT.location),
      env,
      copy.dir,
    ),
    `snapshot ${name}`,
  );
  return JSON.parse(copy.read(`${name}.snapshot.json`)) as Snapshot;
}

/**
 * `bicep snapshot` of infra/main.bicepparam as azd evaluates it: with azd's environment (AZURE_ENV_NAME,
 * AZURE_LOCATION, RDPMEDIC_*) and nothing else. Returns the run, and the snapshot when there is one.
 */
export function azdSnapshot(bicep: string, copy: InfraCopy, env: Record<string, string>): { run: BicepRun; snapshot?: Snapshot } {
  const out = join(copy.dir, "main.snapshot.json");
  rmSync(out, { force: true });
  const run = runBicep(
    bicep,
    snapshotArgs(join(copy.dir, "main.bicepparam"), env.AZURE_LOCATION ?? DEPLOYMENT.location),
    env,
    copy.dir,
  );
  return { run, snapshot: existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as Snapshot) : undefined };
}

/** `bicep snapshot` of a parameter file, overwriting the snapshot, for the deployment's subscription and tenant. */
function snapshotArgs(paramFile: string, location: string): string[] {
  return ["snapshot", paramFile, "--mode", "overwrite", "--subscription-id", DEPLOYMENT.subscriptionId, "--tenant-id", DEPLOYMENT.tenantId, "--location", location];
}

export function ofType(resources: readonly PredictedResource[], type: string): PredictedResource[] {
  return resources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

export function single(resources: readonly PredictedResource[], type: string): PredictedResource {
  const found = ofType(resources, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

// ---------- Compiled ARM templates ----------

export interface ArmResource {
  type: string;
  name?: unknown;
  existing?: boolean;
  properties?: any;
  [key: string]: unknown;
}

export interface ArmTemplate {
  parameters?: Record<string, { type?: string; defaultValue?: unknown }>;
  variables?: Record<string, unknown>;
  resources?: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, { value: unknown }>;
}

export interface FoundResource {
  resource: ArmResource;
  /** The (nested) template that declares it: its variables and parameters are what its expressions name. */
  template: ArmTemplate;
  /** Module path from the root, e.g. ["signals"]. */
  path: string[];
}

function resourceList(template: ArmTemplate): [string, ArmResource][] {
  const resources = template.resources ?? [];
  return Array.isArray(resources) ? resources.map((r, i) => [String(i), r]) : Object.entries(resources);
}

/** Every resource in the template and in every nested deployment (Bicep modules), depth first. */
export function allResources(template: ArmTemplate, path: string[] = []): FoundResource[] {
  const found: FoundResource[] = [];
  for (const [key, resource] of resourceList(template)) {
    if (resource.type.toLowerCase() === "microsoft.resources/deployments" && resource.properties?.template) {
      found.push(...allResources(resource.properties.template as ArmTemplate, [...path, key]));
    } else {
      found.push({ resource, template, path });
    }
  }
  return found;
}

/** Every template: the root and each nested deployment's. */
export function allTemplates(template: ArmTemplate): ArmTemplate[] {
  const nested = resourceList(template)
    .map(([, r]) => r)
    .filter((r) => r.type.toLowerCase() === "microsoft.resources/deployments" && r.properties?.template)
    .flatMap((r) => allTemplates(r.properties.template as ArmTemplate));
  return [template, ...nested];
}

export function resourcesOfType(template: ArmTemplate, type: string, includeExisting = false): FoundResource[] {
  return allResources(template).filter(
    (f) => f.resource.type.toLowerCase() === type.toLowerCase() && (includeExisting || f.resource.existing !== true),
  );
}

/** Every string anywhere inside a JSON value. */
export function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(allStrings);
  return [];
}
