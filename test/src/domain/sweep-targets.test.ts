import { describe, expect, it } from "vitest";
import { parseScope } from "../../../src/domain/scope";
import {
  orderTargets,
  packTargets,
  powerStateFromCode,
  selectTargets,
  slicePacked,
  unpackTargets,
  type ListedVm,
  type SweepTarget,
} from "../../../src/domain/sweep-targets";
import { parseTagConditions } from "../../../src/domain/sweep-tags";

const SUB = "00000000-0000-0000-0000-00000000000a";
const OTHER_SUB = "00000000-0000-0000-0000-00000000000b";
const id = (name: string, rg = "rg-rdsh", sub = SUB) =>
  `/subscriptions/${sub}/resourcegroups/${rg}/providers/microsoft.compute/virtualmachines/${name}`;
const vm = (name: string, extra: Partial<ListedVm> = {}): ListedVm => ({
  vmId: id(name),
  osType: "Windows",
  powerState: "running",
  tags: {},
  ...extra,
});
const options = (include = "", exclude = "") => ({
  scopes: [parseScope(`/subscriptions/${SUB}/resourceGroups/rg-rdsh`)],
  tags: { include: parseTagConditions(include), exclude: parseTagConditions(exclude) },
  optOutTag: "rdp-medic-opt-out",
});

describe("powerStateFromCode", () => {
  it.each([
    ["PowerState/running", "running"],
    ["PowerState/deallocated", "deallocated"],
    ["powerstate/Stopped", "stopped"],
    ["running", "running"],
    ["", "unknown"],
    [undefined, "unknown"],
    ["PowerState/hibernated", "unknown"],
  ])("%j is %s", (code, expected) => {
    expect(powerStateFromCode(code)).toBe(expected);
  });
});

describe("selectTargets", () => {
  it("keeps Windows VMs in scope that pass the tags, once each, and counts the rest", () => {
    const listed: ListedVm[] = [
      vm("win1"),
      vm("linux1", { osType: "Linux" }),
      vm("nodisk", { osType: undefined }),
      { ...vm("away"), vmId: id("away", "rg-other") },
      { ...vm("elsewhere"), vmId: id("elsewhere", "rg-rdsh", OTHER_SUB) },
      vm("prod", { tags: { env: "prod" } }),
      vm("skip", { tags: { env: "prod", sweep: "skip" } }),
      { ...vm("win1"), vmId: id("WIN1").toUpperCase() },
      { ...vm("bad"), vmId: "/subscriptions/x/nonsense" },
    ];
    const sel = selectTargets(listed, options("", "sweep=skip"));
    expect(sel.targets.map((t) => t.vmId)).toEqual([id("win1"), id("prod")]);
    expect(sel.skipped).toEqual({ notWindows: 2, outOfScope: 3, excludedByTags: 1, duplicates: 1 });
  });

  it("include filter narrows the targets", () => {
    const sel = selectTargets([vm("a", { tags: { env: "prod" } }), vm("b", { tags: { env: "test" } })], options("env=prod"));
    expect(sel.targets.map((t) => t.vmId)).toEqual([id("a")]);
  });

  it("marks VMs carrying the opt-out tag", () => {
    const sel = selectTargets([vm("a", { tags: { "RDP-Medic-Opt-Out": "True" } }), vm("b", { tags: { "rdp-medic-opt-out": "no" } })], options());
    expect(sel.targets.map((t) => t.optedOut)).toEqual([true, false]);
  });
});

describe("orderTargets", () => {
  it("puts VMs with symptoms first, most events first, then by ID", () => {
    const targets: SweepTarget[] = ["d", "c", "b", "a"].map((n) => ({ vmId: id(n), powerState: "running", symptoms: 0, optedOut: false }));
    const ordered = orderTargets(targets, new Map([[id("c"), 2], [id("a"), 7]]));
    expect(ordered.map((t) => [t.vmId.split("/").pop(), t.symptoms])).toEqual([["a", 7], ["c", 2], ["b", 0], ["d", 0]]);
  });
});

describe("packed targets", () => {
  const targets: SweepTarget[] = [
    { vmId: id("vm-1"), powerState: "running", symptoms: 3, optedOut: false },
    { vmId: id("vm_2.x", "rg-b"), powerState: "deallocated", symptoms: 0, optedOut: true },
    { vmId: id("vm-3", "rg-rdsh", OTHER_SUB), powerState: "unknown", symptoms: 0, optedOut: false },
    { vmId: id("vm-4"), powerState: "stopped", symptoms: 12, optedOut: false },
  ];

  it("round-trip, resource groups shared", () => {
    const packed = packTargets(targets);
    expect(packed.groups).toEqual([`${SUB}/rg-rdsh`, `${SUB}/rg-b`, `${OTHER_SUB}/rg-rdsh`]);
    expect(unpackTargets(packed)).toEqual(targets);
  });

  it("a slice keeps only its groups", () => {
    const slice = slicePacked(packTargets(targets), 1, 3);
    expect(slice.groups).toHaveLength(2);
    expect(unpackTargets(slice)).toEqual(targets.slice(1, 3));
  });

  it("10,000 targets in 100 resource groups pack under 300 KB", () => {
    const many: SweepTarget[] = Array.from({ length: 10_000 }, (_, i) => ({
      vmId: id(`rdsh-${String(i).padStart(5, "0")}`, `rg-${i % 100}`),
      powerState: "running",
      symptoms: i % 7,
      optedOut: false,
    }));
    const packed = packTargets(many);
    expect(JSON.stringify(packed).length).toBeLessThan(300_000);
    expect(JSON.stringify(many).length).toBeGreaterThan(1_000_000);
    expect(unpackTargets(packed)).toEqual(many);
  });
});
