/**
 * The response variants the fault matrix runs under (docs/simulator.md "Response variants"). A run of the matrix
 * has one profile: a value per axis, the same for every case, so cases stay comparable (a transient fault still
 * costs more time than the baseline). `npm run reliability` runs the matrix under the covering profiles, which
 * between them give every value of every axis; the test runs one profile picked by seed.
 *
 * A case whose fault is made through a step of a particular shape keeps that shape (a pin): another client's Run
 * Command needs the VM's Run Command to be accepted (202) and polled; a fault aimed at the snapshot's status polls
 * needs the snapshot polled through its Azure-AsyncOperation URL; an injection made at the first InProgress poll of
 * an operation needs that operation not to end in its first answer.
 */
import { AXES, VARIANT_AXES, VariantPicker, type VariantAxis, type VariantChoices } from "../simulator/variants";
import type { FaultCase } from "./matrix";

export type Profile = VariantChoices;

/** Profile i takes value i (wrapping) of every axis; a stale Ready agent goes with restarts Azure answers 202. */
export function coveringProfiles(): Profile[] {
  const count = Math.max(...AXES.map((a) => VARIANT_AXES[a].length));
  return Array.from({ length: count }, (_, i) => {
    const out: Record<string, string> = {};
    for (const axis of AXES) out[axis] = VARIANT_AXES[axis][i % VARIANT_AXES[axis].length] as string;
    if (out["vm.restart"] === "200") out.agent = "not-ready-first";
    return out as Profile;
  });
}

/** One value per axis, at random from the seed. */
export function seededProfile(seed: number): Profile {
  return new VariantPicker({ seed }, undefined, new Map()).choicesFor(undefined);
}

const DONE_AT_ONCE = new Set(["200", "200-done"]);

/** The variants a case's VM must keep for its fault to be made the way the case makes it. */
export function pinsFor(faultCase: FaultCase, profile: Profile): Partial<VariantChoices> {
  const pins: Record<string, string> = {};
  const fault = faultCase.fault?.id;
  if (fault === "409" || fault === "409-stuck") pins["vm.runCommand"] = "202-both";
  if (faultCase.step?.kind === "snapshot" && (fault === "429" || fault === "500" || fault === "reset")) pins["snapshot.put"] = "202-both";
  for (const injection of faultCase.injections) {
    const operation = injection.when.at === "after" ? injection.when.pollOf : undefined;
    if (operation !== undefined && operation in VARIANT_AXES && DONE_AT_ONCE.has(profile[operation as VariantAxis])) {
      pins[operation] = operation === "vm.update" ? "200-async" : "202-both";
    }
  }
  return pins as Partial<VariantChoices>;
}

export function describeProfile(profile: Profile): string {
  return AXES.map((axis) => `${axis}=${profile[axis]}`).join(", ");
}
