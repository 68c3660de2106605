import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { INFRA_DIR, runBicep } from "../bicep";
import { findTool } from "../tools";

/**
 * What the shipped infrastructure deploys, as the real Bicep CLI evaluates it (`bicep snapshot` of
 * infra/main.bicepparam, the parameter file azd and the README use): the remediator role's actions, the alert
 * rules' queries, and RESTORE_OS_DISK_ON_FAILURE. Read from the compiled template, never from a copy, so the
 * simulator refuses exactly what the deployed role would not grant. Cached per content of infra/ (a few seconds
 * of Bicep per variant otherwise).
 */

export interface DeployedFacts {
  /** The remediator custom role's actions (all its permission blocks). */
  remediatorActions: string[];
  remediatorNotActions: string[];
  /** Every scheduled-query alert rule's criteria: its KQL and the dimensions it splits by. */
  alertRules: Array<{ query: string; dimensions: string[] }>;
  /** The app setting RESTORE_OS_DISK_ON_FAILURE the deployment sets. */
  restoreOsDiskOnFailure: string | undefined;
}

const SUBSCRIPTION = "5a1e7c3d-0000-4000-8000-000000000001";
const TENANT = "5a1e7c3d-0000-4000-8000-000000000002";

const AZD_ENVIRONMENT = {
  AZURE_ENV_NAME: "sim",
  AZURE_LOCATION: "westeurope",
  RDPMEDIC_TARGET_SCOPES: `/subscriptions/${SUBSCRIPTION}`,
  RDPMEDIC_LICENSE_SERVERS: "rdls01.contoso.com",
  RDPMEDIC_ENTRA_CLIENT_ID: "5a1e7c3d-0000-4000-8000-000000000003",
  RDPMEDIC_ENTRA_APP_OBJECT_ID: "5a1e7c3d-0000-4000-8000-000000000004",
};

/** The deployment with or without the OS-disk restore (main.bicepparam reads RDPMEDIC_ENABLE_OS_DISK_RESTORE). */
export function deployedFacts(options: { enableOsDiskRestore: boolean }): DeployedFacts {
  const bicep = findTool("bicep");
  if (!bicep) throw new Error("the Bicep CLI is not installed (npm run tools): the deployed role cannot be read");
  const cacheFile = join(tmpdir(), `rdp-medic-deployed-v3-${infraHash()}-${options.enableOsDiskRestore ? "restore" : "plain"}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, "utf8")) as DeployedFacts;
  const facts = evaluate(bicep, options.enableOsDiskRestore);
  const partial = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(facts));
  renameSync(partial, cacheFile);
  return facts;
}

function evaluate(bicep: string, restore: boolean): DeployedFacts {
  const dir = mkdtempSync(join(tmpdir(), "rdp-medic-infra-"));
  try {
    cpSync(INFRA_DIR, dir, { recursive: true });
    const run = runBicep(
      bicep,
      ["snapshot", "main.bicepparam", "--mode", "overwrite", "--subscription-id", SUBSCRIPTION, "--tenant-id", TENANT, "--location", "westeurope"],
      {
        // What azd would pass (the parameter file may require them, with no default); only the role's actions, the
        // alert rules and RESTORE_OS_DISK_ON_FAILURE are read from the result.
        ...AZD_ENVIRONMENT,
        RDPMEDIC_ENABLE_OS_DISK_RESTORE: restore ? "true" : "false",
      },
      dir,
    );
    if (run.status !== 0) throw new Error(`bicep snapshot of infra/main.bicepparam failed (${run.status}):\n${run.stderr}${run.stdout}`);
    const facts = factsOf(JSON.parse(readFileSync(join(dir, "main.snapshot.json"), "utf8")) as Snapshot);
    if (facts.restoreOsDiskOnFailure !== String(restore)) {
      throw new Error(
        `infra/main.bicepparam with RDPMEDIC_ENABLE_OS_DISK_RESTORE=${restore} deploys RESTORE_OS_DISK_ON_FAILURE=${facts.restoreOsDiskOnFailure}: ` +
          "the parameter file no longer reads that variable; update local/simulator/deployment.ts",
      );
    }
    return facts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Snapshot {
  predictedResources: Array<{ type: string; properties?: any }>;
}

export function factsOf(snapshot: Snapshot): DeployedFacts {
  const ofType = (type: string) => snapshot.predictedResources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
  const roles = ofType("Microsoft.Authorization/roleDefinitions").filter((r) => r.properties?.type === "CustomRole");
  if (roles.length !== 1) throw new Error(`the deployment defines ${roles.length} custom roles; expected the remediator role alone`);
  const permissions = (roles[0]!.properties.permissions ?? []) as Array<{ actions?: string[]; notActions?: string[] }>;
  const alertRules = ofType("Microsoft.Insights/scheduledQueryRules").flatMap((rule) =>
    ((rule.properties?.criteria?.allOf ?? []) as Array<{ query?: unknown; dimensions?: Array<{ name?: unknown }> }>)
      .filter((c): c is { query: string; dimensions?: Array<{ name?: unknown }> } => typeof c.query === "string")
      .map((c) => ({ query: c.query, dimensions: (c.dimensions ?? []).map((d) => String(d.name)) })),
  );
  const site = ofType("Microsoft.Web/sites")[0];
  const settings = (site?.properties?.siteConfig?.appSettings ?? []) as Array<{ name: string; value: string }>;
  return {
    remediatorActions: permissions.flatMap((p) => p.actions ?? []),
    remediatorNotActions: permissions.flatMap((p) => p.notActions ?? []),
    alertRules,
    restoreOsDiskOnFailure: settings.find((s) => s.name === "RESTORE_OS_DISK_ON_FAILURE")?.value,
  };
}

/** A hash of everything under infra/ (names and contents) and of the Bicep CLI binary's identity. */
function infraHash(): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(relative(INFRA_DIR, path)).update("\0").update(readFileSync(path)).update("\0");
    }
  };
  walk(INFRA_DIR);
  const bicep = findTool("bicep");
  if (bicep) hash.update(`${bicep}:${statSync(bicep).size}:${statSync(bicep).mtimeMs}`);
  return hash.digest("hex").slice(0, 16);
}
