import { findVm, type Handler, noteVm } from "../context";
import { ArmError, invalidParameter, resourceNotFound } from "../errors";
import { jsonBody } from "../http";
import { canonicalId } from "../ids";
import { answerUpdate } from "../lro-answer";
import { diskSecurityType, type SimDisk, type SimVm } from "../model";
import { isRecord } from "../validate";
import { nicId, renderVm } from "../render-vm";
import { requireLinked } from "../route-permissions";
import { effectivePowerState, markProvisioning } from "../vm-state";

/**
 * PATCH VM: tags, and the OS-disk swap used for rollback (allowed only while the VM is deallocated, with a disk
 * of the VM's security type, generation and zone). Answers 200 with the VM (provisioningState Updating) and
 * polling headers by variant (Azure-AsyncOperation by default).
 */
export const updateVm: Handler = (ctx, req, params) => {
  const vm = findVm(ctx, params);
  noteVm(req, vm);
  req.note.stateChanging = true;
  const body = jsonBody(req);
  const properties = body.properties === undefined ? {} : body.properties;
  if (!isRecord(properties)) throw invalidParameter("properties", "properties must be an object.");
  for (const key of Object.keys(properties)) {
    if (key !== "storageProfile") {
      throw new ArmError(501, "NotImplementedInSimulator", `The simulator's VM PATCH supports tags and properties.storageProfile.osDisk only, not properties.${key}.`);
    }
  }
  let newDiskKey: string | undefined;
  const storageProfile = properties.storageProfile;
  if (storageProfile !== undefined) {
    if (!isRecord(storageProfile) || Object.keys(storageProfile).some((k) => k !== "osDisk")) {
      throw new ArmError(501, "NotImplementedInSimulator", "The simulator's VM PATCH supports properties.storageProfile.osDisk only.");
    }
    newDiskKey = requestedOsDisk(ctx, vm.name, storageProfile.osDisk);
  }
  let tags: Record<string, string> | undefined;
  if (body.tags !== undefined) {
    if (!isRecord(body.tags) || !Object.values(body.tags).every((v) => typeof v === "string")) throw invalidParameter("tags", "tags must be an object of strings.");
    tags = body.tags as Record<string, string>;
  }

  const current = ctx.state.osDisk(vm);
  const swapping = newDiskKey !== undefined && newDiskKey !== current.key;
  // An update re-checks what the VM links to: its network interface, and a disk it is to use.
  requireLinked(ctx, req, { action: "Microsoft.Compute/virtualMachines/write", scope: vm.id }, [
    { action: "Microsoft.Network/networkInterfaces/join/action", scope: nicId(vm) },
    ...(swapping ? [{ action: "Microsoft.Compute/disks/write", scope: (ctx.state.disks.get(newDiskKey as string) as SimDisk).id }] : []),
  ]);
  if (newDiskKey !== undefined && newDiskKey !== current.key) {
    const power = effectivePowerState(ctx, vm);
    if (power !== "deallocated") {
      throw new ArmError(
        409,
        "OperationNotAllowed",
        `Changing the OS disk of VM '${vm.name}' is not allowed since the VM is ${power}. Deallocate the VM before swapping its OS disk.`,
      );
    }
    if (!current.managed) {
      throw new ArmError(409, "OperationNotAllowed", `VM '${vm.name}' uses an unmanaged OS disk; an OS disk swap needs managed disks.`);
    }
    const next = ctx.state.disks.get(newDiskKey) as SimDisk; // requestedOsDisk checked that it exists
    const holder = ctx.state.vmUsingDisk(next.key);
    if (holder) throw new ArmError(409, "OperationNotAllowed", `Disk '${next.name}' is already attached to VM '${holder.id}'.`);
    if (next.location !== vm.location) throw invalidParameter("osDisk.managedDisk.id", `Disk '${next.name}' is in '${next.location}', not in the VM's region '${vm.location}'.`);
    if (next.ephemeral) throw invalidParameter("osDisk.managedDisk.id", `Disk '${next.name}' is ephemeral and cannot be attached.`);
    refuseIncompatibleOsDisk(vm, current, next);
    vm.osDiskKey = next.key;
  }
  if (tags !== undefined) vm.tags = { ...tags };

  vm.provisioningState = "Updating";
  const op = ctx.ops.create({
    kind: "compute",
    operation: "vm.update",
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    vmKey: vm.key,
    resourceKey: vm.key,
    outcome: { ok: true },
    onComplete: (done) => {
      vm.provisioningState = "Succeeded";
      markProvisioning(vm, done);
    },
    resultBody: () => renderVm(ctx, vm),
  });
  return answerUpdate(ctx, req, op, vm.key, () => renderVm(ctx, vm));
};

/**
 * An OS disk must fit the VM: the security type the VM was created with (Trusted Launch and confidential VMs
 * cannot change it, and refuse a disk of another type), the VM's Hyper-V generation, and its zone.
 */
function refuseIncompatibleOsDisk(vm: SimVm, current: SimDisk, next: SimDisk): void {
  if (diskSecurityType(next) !== diskSecurityType(current)) {
    // Azure's answer (azure-sdk-for-python#30479, azure-cli#28457).
    throw new ArmError(400, "BadRequest", "Security type of VM is not compatible with the security type of attached OS Disk.");
  }
  if (next.hyperVGeneration !== current.hyperVGeneration) {
    throw new ArmError(
      400,
      "BadRequest",
      `The Hyper-V generation '${next.hyperVGeneration}' of disk '${next.name}' does not match the VM's '${current.hyperVGeneration}'.`,
    );
  }
  const vmZone = vm.zones?.[0];
  const diskZone = next.zones?.[0];
  if (vmZone !== diskZone) {
    throw new ArmError(
      400,
      "BadRequest",
      `Disk '${next.name}' ${diskZone === undefined ? "is not zonal" : `is in zone ${diskZone}`}; VM '${vm.name}' ${vmZone === undefined ? "is not zonal" : `is in zone ${vmZone}`}. The OS disk must be in the VM's zone.`,
    );
  }
}

function requestedOsDisk(ctx: Parameters<Handler>[0], vmName: string, osDisk: unknown): string | undefined {
  if (osDisk === undefined) return undefined;
  if (!isRecord(osDisk)) throw invalidParameter("osDisk", "osDisk must be an object.");
  if (osDisk.osType !== undefined && osDisk.osType !== "Windows") {
    throw new ArmError(409, "PropertyChangeNotAllowed", `Changing property 'osDisk.osType' is not allowed (VM '${vmName}').`);
  }
  const managed = osDisk.managedDisk;
  if (managed === undefined) return undefined;
  if (!isRecord(managed) || typeof managed.id !== "string") throw invalidParameter("osDisk.managedDisk.id", "osDisk.managedDisk.id must be a disk resource ID.");
  const key = canonicalId(managed.id);
  const match = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/disks\/([^/]+)$/.exec(key);
  if (!match) throw invalidParameter("osDisk.managedDisk.id", `'${managed.id}' is not a managed disk resource ID.`);
  const disk = ctx.state.disks.get(key);
  if (!disk || !disk.managed) throw resourceNotFound("Microsoft.Compute/disks", managed.id.split("/").pop() ?? "", match[2] ?? "");
  return key;
}
