import { createHash } from "node:crypto";
import { ScenarioError } from "./errors";
import { isRecord } from "./validate";

/**
 * Every answer the REST specs allow, on purpose. Each axis lists the ways Azure may answer one kind of request (or
 * behave around one); the first value is the simulator's default. A scenario (or the options) fixes values, per
 * simulator or per VM, or a seed picks them at random: one value per axis and VM, the same for the whole run.
 *
 * - POST actions (runCommand, restart, start, deallocate, powerOff): 202 with both Azure-AsyncOperation and Location,
 *   with one of them, or 200 when the work is done at once (the spec lists 200 and 202).
 * - Disk and snapshot PUT: 202 with the body and both headers, one header, 200 done at once, or 200 with a body whose
 *   provisioningState the client polls (no header).
 * - VM PATCH: 200 with Azure-AsyncOperation, with both headers (the spec's Location/Retry-After), with Location only,
 *   or 200 done at once.
 * - Disk and snapshot DELETE: 202 (both headers or Location only), 200 or 204 done at once.
 * - finalBody: what the Location URL answers at the end of a PUT or PATCH: the resource, or nothing.
 * - power: while a power operation runs, the instance view shows its transitional state (starting, stopping,
 *   deallocating) or already the final one.
 * - agent: after a boot the VM agent reports Not Ready first, or still its last Ready status from before the reboot
 *   for a few reads.
 * - agentTime: instance-view status times with fractional seconds, or whole seconds (as most real answers).
 */
export const VARIANT_AXES = {
  "vm.runCommand": ["202-both", "202-async", "202-location", "200"],
  "vm.restart": ["202-both", "202-async", "202-location", "200"],
  "vm.start": ["202-both", "202-async", "202-location", "200"],
  "vm.deallocate": ["202-both", "202-async", "202-location", "200"],
  "vm.powerOff": ["202-both", "202-async", "202-location", "200"],
  "vm.update": ["200-async", "200-both", "200-location", "200-done"],
  "snapshot.put": ["202-both", "202-async", "202-location", "200-done", "200-body"],
  "disk.put": ["202-both", "202-async", "202-location", "200-done", "200-body"],
  "snapshot.delete": ["202-both", "202-location", "200", "204"],
  "disk.delete": ["202-both", "202-location", "200", "204"],
  finalBody: ["resource", "empty"],
  power: ["immediate", "transitional"],
  agent: ["not-ready-first", "stale-ready"],
  agentTime: ["fractional", "whole-seconds"],
} as const;

export type VariantAxis = keyof typeof VARIANT_AXES;
export type VariantValue<A extends VariantAxis> = (typeof VARIANT_AXES)[A][number];
export type VariantChoices = { [A in VariantAxis]: VariantValue<A> };
export type ActionResponse = VariantValue<"vm.restart">;
export type DiskWriteResponse = VariantValue<"disk.put">;
export type UpdateResponse = VariantValue<"vm.update">;
export type DeleteResponse = VariantValue<"disk.delete">;

/** Fixed values, and a seed for the rest. */
export interface VariantSettings {
  /** Picks every value not fixed at random, once per axis and VM. */
  seed?: number;
  fixed?: Partial<VariantChoices>;
}

export const AXES = Object.keys(VARIANT_AXES) as VariantAxis[];

/** Checks a scenario's or VM's `variants` object: axis names and values, plus an optional integer seed. */
export function validateVariants(value: unknown, at: string, allowSeed: boolean): VariantSettings {
  if (!isRecord(value)) throw new ScenarioError(at, "must be an object: axis -> value (see docs/simulator.md)");
  const fixed: Partial<Record<VariantAxis, string>> = {};
  let seed: number | undefined;
  for (const [key, v] of Object.entries(value)) {
    if (key === "seed" && allowSeed) {
      if (typeof v !== "number" || !Number.isSafeInteger(v)) throw new ScenarioError(`${at}.seed`, "must be an integer");
      seed = v;
      continue;
    }
    if (!(key in VARIANT_AXES)) {
      throw new ScenarioError(`${at}.${key}`, `is not a variant axis; axes: ${AXES.join(", ")}${allowSeed ? ", seed" : ""}`);
    }
    const allowed = VARIANT_AXES[key as VariantAxis] as readonly string[];
    if (typeof v !== "string" || !allowed.includes(v)) throw new ScenarioError(`${at}.${key}`, `must be one of ${allowed.join(", ")}`);
    fixed[key as VariantAxis] = v;
  }
  return { ...(seed === undefined ? {} : { seed }), fixed: fixed as Partial<VariantChoices> };
}

/**
 * Decides the variants of a simulator run. Precedence: the VM's own fixed values, then the options' fixed values,
 * then the scenario's, then the seed, then the default (each axis' first value).
 */
export class VariantPicker {
  private readonly seed: number | undefined;
  private readonly fixed: Partial<VariantChoices>;

  constructor(
    scenario: VariantSettings | undefined,
    options: VariantSettings | undefined,
    private readonly perVm: ReadonlyMap<string, Partial<VariantChoices>>,
  ) {
    this.seed = options?.seed ?? scenario?.seed;
    this.fixed = { ...(scenario?.fixed ?? {}), ...(options?.fixed ?? {}) };
  }

  /** The value of `axis` for requests about the VM `vmKey` (canonical ID; undefined when none is known). */
  pick<A extends VariantAxis>(axis: A, vmKey: string | undefined): VariantValue<A> {
    const own = vmKey === undefined ? undefined : this.perVm.get(vmKey)?.[axis];
    if (own !== undefined) return own;
    const fixed = this.fixed[axis];
    if (fixed !== undefined) return fixed;
    const values = VARIANT_AXES[axis] as readonly VariantValue<A>[];
    if (this.seed === undefined) return values[0] as VariantValue<A>;
    const digest = createHash("sha256").update(`${this.seed}|${axis}|${vmKey ?? ""}`).digest();
    return values[digest.readUInt32BE(0) % values.length] as VariantValue<A>;
  }

  /** Every axis' value for a VM (for the request log and the CLI). */
  choicesFor(vmKey: string | undefined): VariantChoices {
    const out: Record<string, string> = {};
    for (const axis of AXES) out[axis] = this.pick(axis, vmKey);
    return out as VariantChoices;
  }
}
