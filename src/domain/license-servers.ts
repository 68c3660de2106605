import { connectivityOf, describeStatus } from "./connectivity";
import {
  calTypeName,
  calTypeOf,
  calVersionName,
  hostCalVersion,
  hostRelease,
  pointsAtThisVm,
  sameServer,
} from "./licensing-state";
import type { CalFacts, CalPack, CauseCode, LicenseServerCheck, ProbeResult } from "./playbook";

/**
 * License servers as the machines they are, and whether this host can get licenses from each, the way the RD
 * Licensing Diagnoser sees it: Windows' own connectivity status first, then the server's CAL facts where the VM's
 * identity may read them. Pure.
 */

export function checkOf(probe: ProbeResult, name: string): LicenseServerCheck | undefined {
  return probe.servers.find((c) => sameServer(c.name, name));
}

/** The addresses a name resolved to (lower case: IPv6 may be printed either way); none when it was not checked. */
function addressesOf(probe: ProbeResult, name: string): string[] {
  return (checkOf(probe, name)?.addresses ?? []).map((a) => a.toLowerCase());
}

/**
 * The same license server under two names: another spelling (case, trailing dot), an FQDN and its IP address or
 * short name when they resolve to a common address, localhost and the VM's own name or addresses.
 */
export function sameMachine(probe: ProbeResult, a: string, b: string): boolean {
  if (sameServer(a, b)) return true;
  const self = pointsAtThisVm(probe, a);
  if (self || pointsAtThisVm(probe, b)) return self && pointsAtThisVm(probe, b);
  const left = addressesOf(probe, a);
  return addressesOf(probe, b).some((x) => left.includes(x));
}

/** Groups names into machines, in first-seen order; each group keeps every spelling seen. */
export function machinesOf(probe: ProbeResult, names: readonly string[]): string[][] {
  const groups: string[][] = [];
  for (const name of names) {
    const group = groups.find((g) => g.some((n) => sameMachine(probe, n, name)));
    if (group === undefined) groups.push([name]);
    else if (!group.some((n) => sameServer(n, name))) group.push(name);
  }
  return groups;
}

/** Whether this host can get licenses from a server under one name, and why (a sentence fragment after the name). */
export interface Serving {
  state: "yes" | "no" | "unknown";
  /** The cause a "no" stands for. */
  cause?: CauseCode;
  why: string;
  /** The server's CAL facts were not visible from the host. */
  calsHidden: boolean;
}

/** The CAL facts for a name: its own check's, or the local RD Licensing role's when the name is this VM. */
export function calFactsOf(probe: ProbeResult, name: string): CalFacts | null {
  const own = checkOf(probe, name)?.cals ?? null;
  if (own !== null) return own;
  return pointsAtThisVm(probe, name) ? probe.localLicenseServer : null;
}

const available = (p: CalPack) => Math.max(0, p.total - p.issued);

/**
 * Reads the CAL facts for a mode: the mode's CAL type (either type when the mode is not configured), of the host's
 * version or newer, activated, with CALs left. Undefined when they show no problem.
 */
export function calProblem(facts: CalFacts, mode: number | null, hostBuild: number): { cause: CauseCode; why: string } | undefined {
  if (facts.activated === false) return { cause: "server-not-activated", why: "is not activated, so it cannot issue CALs" };
  const type = calTypeOf(mode);
  const needed = hostCalVersion(hostBuild);
  const ofType = facts.packs.filter((p) => type === undefined || p.type === type);
  if (facts.packs.length === 0) return { cause: "no-cals", why: "has no RDS CALs installed" };
  if (ofType.length === 0) {
    const other = facts.packs[0]!.type;
    return {
      cause: "cal-type-mismatch",
      why: `has only ${calTypeName(other)} CALs; the licensing mode is ${calTypeName(type!)}`,
    };
  }
  const current = ofType.filter((p) => p.version >= needed);
  if (current.length === 0) {
    const newest = Math.max(...ofType.map((p) => p.version));
    return {
      cause: "cal-version-too-old",
      why: `has ${calVersionName(newest)} CALs; a ${hostRelease(hostBuild)} host needs CALs of ${calVersionName(needed)} or newer`,
    };
  }
  if (current.every((p) => available(p) === 0)) {
    const issued = current.reduce((n, p) => n + p.issued, 0);
    return { cause: "cals-exhausted", why: `has issued all its ${issued} usable CALs` };
  }
  return undefined;
}

/** Whether this host can get licenses from `name` in `mode` (the effective mode, or the one about to be set). */
export function servingOf(probe: ProbeResult, name: string, mode: number | null): Serving {
  const no = (cause: CauseCode, why: string, calsHidden = false): Serving => ({ state: "no", cause, why, calsHidden });
  if (probe.invalidServerNames.includes(name)) return no("license-server-invalid-name", "is not a valid host name or IP address");
  const check = checkOf(probe, name);
  if (check === undefined) {
    return { state: "unknown", why: "was not checked (the probe's report was cut to fit)", calsHidden: true };
  }
  if (!check.dnsResolved) return no("license-server-unreachable", "does not resolve in DNS");
  const build = probe.os.build;
  if (check.status === null) {
    if (!check.tcp135) return no("license-server-unreachable", "does not answer on TCP 135 (RPC)");
    return { state: "unknown", why: "answers on TCP 135, but Windows' connectivity check gave no status", calsHidden: true };
  }
  const connectivity = connectivityOf(check.status, build);
  const status = `Windows reports connectivity status ${describeStatus(check.status, build)}`;
  if (connectivity.verdict === "not-connectable" || connectivity.verdict === "incompatible") {
    return no(connectivity.cause!, `cannot serve this host: ${status}`);
  }
  if (connectivity.verdict === "unknown") return { state: "unknown", why: status, calsHidden: true };
  const facts = calFactsOf(probe, name);
  if (facts === null) return { state: "yes", why: `${status}; its CALs are not visible from the host`, calsHidden: true };
  const problem = calProblem(facts, mode, build);
  if (problem !== undefined) return no(problem.cause, problem.why);
  return { state: "yes", why: `${status}; it has ${describeCals(facts, mode)}`, calsHidden: false };
}

export function describeCals(facts: CalFacts, mode: number | null): string {
  const type = calTypeOf(mode);
  const packs = facts.packs.filter((p) => type === undefined || p.type === type);
  return packs.map((p) => `${available(p)} of ${p.total} ${calTypeName(p.type)} ${calVersionName(p.version)} CALs free`).join(", ");
}

/** CALs issued by a license server's packs (per device and per user): how many clients depend on it. */
export function issuedCals(facts: CalFacts): number {
  return facts.packs.reduce((n, p) => n + p.issued, 0);
}
