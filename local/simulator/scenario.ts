import { readFileSync } from "node:fs";
import type { GuestState } from "../guest/guest-state";
import { ScenarioError } from "./errors";
import { validateGuestState } from "./guest-validation";
import { GUID_PATTERN } from "./ids";
import { isRecord, optionalBoolean, optionalNumber, optionalString, requireString, stringRecord } from "./validate";
import { validateVariants, type VariantChoices } from "./variants";

/** What the simulated Azure holds at start. JSON-serialisable; docs/simulator.md describes every field. */
export interface Scenario {
  vms: ScenarioVm[];
  /** Log Analytics workspaces. A workspace a VM names but this list omits is created with default names. */
  workspaces?: ScenarioWorkspace[];
  /** How Azure answers, where the specs allow several ways (docs/simulator.md "Response variants"). */
  variants?: ScenarioVariants;
  /** Resource Graph's quota (429 RateLimiting when spent) and a truncated result without $skipToken. */
  resourceGraph?: ScenarioResourceGraph;
}

export interface ScenarioResourceGraph {
  /** Queries per window, per caller (Azure's documented example: 15 per 5 seconds). Default: not counted. */
  quota?: { queries: number; windowSeconds: number };
  /** Answer at most this many rows, resultTruncated "true" and no $skipToken. Default: page everything. */
  truncateAfterRows?: number;
}

/** Fixed variant values, and a seed that picks the others at random (per VM, for the whole run). */
export type ScenarioVariants = Partial<VariantChoices> & { seed?: number };

/** The disk security types Azure knows: Trusted Launch and the confidential VM ones need a V2 (Gen2) OS disk. */
export const SECURITY_TYPES = [
  "Standard",
  "TrustedLaunch",
  "ConfidentialVM_VMGuestStateOnlyEncryptedWithPlatformKey",
  "ConfidentialVM_DiskEncryptedWithPlatformKey",
  "ConfidentialVM_DiskEncryptedWithCustomerKey",
  "ConfidentialVM_NonPersistedTPM",
] as const;
export type SecurityType = (typeof SECURITY_TYPES)[number];

export type ScenarioPowerState = "running" | "deallocated" | "stopped";

export interface ScenarioVm {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Region, e.g. "westeurope" (ARM spelling; "West Europe" is accepted and compared without spaces). */
  location: string;
  powerState: ScenarioPowerState;
  /** false: the VM agent is Not Ready and stays so until a restart or start brings it back. */
  agentReady: boolean;
  /** Default "Standard_D2s_v5". */
  vmSize?: string;
  osDisk: ScenarioOsDisk;
  tags?: Record<string, string>;
  /** Customer ID (GUID) of the Log Analytics workspace that receives this VM's Event rows. */
  workspaceId?: string;
  /** Availability zone ("1", "2" or "3"); the OS disk is in the same zone. Default: regional. */
  zone?: string;
  /** Variant values for requests about this VM, over the scenario's. */
  variants?: Partial<VariantChoices>;
  guest: GuestState;
}

export interface ScenarioOsDisk {
  name: string;
  /** false: an unmanaged VHD in a storage account (no disk resource, no ARM snapshot possible). */
  managed: boolean;
  /** true: an ephemeral OS disk (diffDiskSettings Local), which cannot be snapshotted. */
  ephemeral?: boolean;
  hyperVGeneration?: "V1" | "V2";
  /** Default 127. */
  sizeGB?: number;
  /** Default "Premium_LRS". */
  storageAccountType?: string;
  /**
   * The disk's securityProfile.securityType (default "Standard": none). TrustedLaunch and ConfidentialVM_* make the
   * VM a Trusted Launch or confidential VM (securityProfile on the VM) and need hyperVGeneration V2.
   */
  securityType?: SecurityType;
  /** For ConfidentialVM_DiskEncryptedWithCustomerKey: the disk encryption set (securityProfile.secureVMDiskEncryptionSetId). */
  secureVMDiskEncryptionSetId?: string;
}

export interface ScenarioWorkspace {
  workspaceId: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
}

const POWER_STATES: readonly ScenarioPowerState[] = ["running", "deallocated", "stopped"];

/** Checks a scenario object; throws ScenarioError naming the first bad field. Returns it typed. */
export function validateScenario(value: unknown): Scenario {
  if (!isRecord(value)) throw new ScenarioError("(root)", "must be an object");
  if (!Array.isArray(value.vms)) throw new ScenarioError("vms", "must be an array");
  const vms = value.vms.map((vm, i) => validateVm(vm, `vms[${i}]`));
  const seen = new Set<string>();
  vms.forEach((vm, i) => {
    const key = `${vm.subscriptionId}/${vm.resourceGroup}/${vm.name}`.toLowerCase();
    if (seen.has(key)) throw new ScenarioError(`vms[${i}].name`, `duplicate VM '${vm.name}' in resource group '${vm.resourceGroup}'`);
    seen.add(key);
  });
  const disks = new Set<string>();
  vms.forEach((vm, i) => {
    const key = `${vm.subscriptionId}/${vm.resourceGroup}/${vm.osDisk.name}`.toLowerCase();
    if (disks.has(key)) throw new ScenarioError(`vms[${i}].osDisk.name`, `disk '${vm.osDisk.name}' is already the OS disk of another VM`);
    disks.add(key);
  });
  let workspaces: ScenarioWorkspace[] | undefined;
  if (value.workspaces !== undefined) {
    if (!Array.isArray(value.workspaces)) throw new ScenarioError("workspaces", "must be an array when present");
    workspaces = value.workspaces.map((ws, i) => validateWorkspace(ws, `workspaces[${i}]`));
  }
  const scenario: Scenario = { vms };
  if (workspaces !== undefined) scenario.workspaces = workspaces;
  if (value.resourceGraph !== undefined) scenario.resourceGraph = validateResourceGraph(value.resourceGraph);
  if (value.variants !== undefined) {
    const { seed, fixed } = validateVariants(value.variants, "variants", true);
    scenario.variants = { ...fixed, ...(seed === undefined ? {} : { seed }) };
  }
  return scenario;
}

/** Reads and validates a scenario JSON file; errors name the file and the bad field. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ScenarioError("(file)", `cannot read ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError("(file)", `${path} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return validateScenario(parsed);
  } catch (err) {
    if (err instanceof ScenarioError) throw new ScenarioError(err.field, `${err.message.replace(/^scenario [^:]+: /, "")} (in ${path})`);
    throw err;
  }
}

function validateVm(value: unknown, at: string): ScenarioVm {
  if (!isRecord(value)) throw new ScenarioError(at, "must be an object");
  const subscriptionId = requireString(value, "subscriptionId", at);
  if (!GUID_PATTERN.test(subscriptionId)) throw new ScenarioError(`${at}.subscriptionId`, "must be a GUID");
  const resourceGroup = requireString(value, "resourceGroup", at);
  if (!/^[-\w.()]{0,89}[-\w()]$/.test(resourceGroup)) throw new ScenarioError(`${at}.resourceGroup`, "is not a valid resource group name");
  const name = requireString(value, "name", at);
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(name)) throw new ScenarioError(`${at}.name`, "is not a valid VM name");
  const location = requireString(value, "location", at);
  const powerState = requireString(value, "powerState", at);
  if (!POWER_STATES.includes(powerState as ScenarioPowerState)) {
    throw new ScenarioError(`${at}.powerState`, `must be one of ${POWER_STATES.join(", ")}`);
  }
  const agentReady = value.agentReady;
  if (typeof agentReady !== "boolean") throw new ScenarioError(`${at}.agentReady`, "must be true or false");
  const vmSize = optionalString(value, "vmSize", at);
  const workspaceId = optionalString(value, "workspaceId", at);
  if (workspaceId !== undefined && !GUID_PATTERN.test(workspaceId)) throw new ScenarioError(`${at}.workspaceId`, "must be a GUID");
  const tags = value.tags === undefined ? undefined : stringRecord(value.tags, `${at}.tags`);
  const zone = optionalString(value, "zone", at);
  if (zone !== undefined && !/^[1-3]$/.test(zone)) throw new ScenarioError(`${at}.zone`, 'must be "1", "2" or "3"');
  const vm: ScenarioVm = {
    subscriptionId,
    resourceGroup,
    name,
    location,
    powerState: powerState as ScenarioPowerState,
    agentReady,
    osDisk: validateOsDisk(value.osDisk, `${at}.osDisk`),
    guest: validateGuestState(value.guest, `${at}.guest`),
  };
  if (vmSize !== undefined) vm.vmSize = vmSize;
  if (tags !== undefined) vm.tags = tags;
  if (workspaceId !== undefined) vm.workspaceId = workspaceId;
  if (zone !== undefined) vm.zone = zone;
  if (value.variants !== undefined) vm.variants = validateVariants(value.variants, `${at}.variants`, false).fixed ?? {};
  return vm;
}

function validateOsDisk(value: unknown, at: string): ScenarioOsDisk {
  if (!isRecord(value)) throw new ScenarioError(at, "must be an object");
  const name = requireString(value, "name", at);
  if (typeof value.managed !== "boolean") throw new ScenarioError(`${at}.managed`, "must be true or false");
  const disk: ScenarioOsDisk = { name, managed: value.managed };
  const ephemeral = optionalBoolean(value, "ephemeral", at);
  if (ephemeral !== undefined) {
    if (ephemeral && !value.managed) throw new ScenarioError(`${at}.ephemeral`, "an ephemeral OS disk must be managed");
    disk.ephemeral = ephemeral;
  }
  const generation = optionalString(value, "hyperVGeneration", at);
  if (generation !== undefined) {
    if (generation !== "V1" && generation !== "V2") throw new ScenarioError(`${at}.hyperVGeneration`, 'must be "V1" or "V2"');
    disk.hyperVGeneration = generation;
  }
  const sizeGB = optionalNumber(value, "sizeGB", at);
  if (sizeGB !== undefined) {
    if (!Number.isInteger(sizeGB) || sizeGB < 1) throw new ScenarioError(`${at}.sizeGB`, "must be a positive integer");
    disk.sizeGB = sizeGB;
  }
  const sku = optionalString(value, "storageAccountType", at);
  if (sku !== undefined) disk.storageAccountType = sku;
  const securityType = optionalString(value, "securityType", at);
  if (securityType !== undefined) {
    if (!(SECURITY_TYPES as readonly string[]).includes(securityType)) throw new ScenarioError(`${at}.securityType`, `must be one of ${SECURITY_TYPES.join(", ")}`);
    if (securityType !== "Standard") {
      if (!value.managed) throw new ScenarioError(`${at}.securityType`, `${securityType} needs a managed OS disk`);
      if ((disk.hyperVGeneration ?? "V2") !== "V2") throw new ScenarioError(`${at}.securityType`, `${securityType} needs hyperVGeneration V2`);
    }
    disk.securityType = securityType as SecurityType;
  }
  const des = optionalString(value, "secureVMDiskEncryptionSetId", at);
  if (des !== undefined) {
    if (disk.securityType !== "ConfidentialVM_DiskEncryptedWithCustomerKey") {
      throw new ScenarioError(`${at}.secureVMDiskEncryptionSetId`, "is only for securityType ConfidentialVM_DiskEncryptedWithCustomerKey");
    }
    disk.secureVMDiskEncryptionSetId = des;
  }
  return disk;
}

function validateResourceGraph(value: unknown): ScenarioResourceGraph {
  const at = "resourceGraph";
  if (!isRecord(value)) throw new ScenarioError(at, "must be an object: { quota?, truncateAfterRows? }");
  const out: ScenarioResourceGraph = {};
  if (value.quota !== undefined) {
    const quota = value.quota;
    if (!isRecord(quota)) throw new ScenarioError(`${at}.quota`, "must be { queries, windowSeconds }");
    const queries = optionalNumber(quota, "queries", `${at}.quota`);
    const windowSeconds = optionalNumber(quota, "windowSeconds", `${at}.quota`);
    if (queries === undefined || !Number.isInteger(queries) || queries < 1) throw new ScenarioError(`${at}.quota.queries`, "must be a positive integer");
    if (windowSeconds === undefined || !Number.isInteger(windowSeconds) || windowSeconds < 1) throw new ScenarioError(`${at}.quota.windowSeconds`, "must be a positive integer");
    out.quota = { queries, windowSeconds };
  }
  const truncate = optionalNumber(value, "truncateAfterRows", at);
  if (truncate !== undefined) {
    if (!Number.isInteger(truncate) || truncate < 0) throw new ScenarioError(`${at}.truncateAfterRows`, "must be a non-negative integer");
    out.truncateAfterRows = truncate;
  }
  return out;
}

function validateWorkspace(value: unknown, at: string): ScenarioWorkspace {
  if (!isRecord(value)) throw new ScenarioError(at, "must be an object");
  const workspaceId = requireString(value, "workspaceId", at);
  if (!GUID_PATTERN.test(workspaceId)) throw new ScenarioError(`${at}.workspaceId`, "must be a GUID");
  const subscriptionId = requireString(value, "subscriptionId", at);
  if (!GUID_PATTERN.test(subscriptionId)) throw new ScenarioError(`${at}.subscriptionId`, "must be a GUID");
  const ws: ScenarioWorkspace = {
    workspaceId,
    subscriptionId,
    resourceGroup: requireString(value, "resourceGroup", at),
    name: requireString(value, "name", at),
  };
  const location = optionalString(value, "location", at);
  if (location !== undefined) ws.location = location;
  return ws;
}
