import { describe, expect, it } from "vitest";
import {
  calFactsOf,
  calProblem,
  describeCals,
  issuedCals,
  machinesOf,
  sameMachine,
  servingOf,
} from "../../../src/domain/license-servers";
import type { CalFacts, CalPack } from "../../../src/domain/playbook";
import { probe } from "./probe-builder";

/** License servers as machines and what a host can get from each: the pure functions, exactly. */

const pack = (type: CalPack["type"], version: number, total: number, issued: number): CalPack => ({ type, version, total, issued });
const facts = (...packs: CalPack[]): CalFacts => ({ activated: true, packs });
const STATUS_OK = "Windows reports connectivity status 11 (LS_CONNECTABLE_VALID_LS: the license server is valid)";

describe("sameMachine", () => {
  it("another spelling is the same machine", () => {
    expect(sameMachine(probe().build(), "RDLS01.contoso.com.", "rdls01.contoso.com")).toBe(true);
  });

  it("a name and an IP address it resolves to", () => {
    const p = probe().check("10.0.0.4", { addresses: ["10.0.0.4"] }).build();
    expect(sameMachine(p, "rdls01.contoso.com", "10.0.0.4")).toBe(true);
    expect(sameMachine(p, "10.0.0.4", "rdls01.contoso.com")).toBe(true);
  });

  it("names sharing any one address, IPv6 in either case", () => {
    const p = probe()
      .check("a.contoso.com", { addresses: ["10.0.0.7", "FE80::5"] })
      .check("b.contoso.com", { addresses: ["fe80::5"] })
      .build();
    expect(sameMachine(p, "a.contoso.com", "b.contoso.com")).toBe(true);
    expect(sameMachine(p, "b.contoso.com", "a.contoso.com")).toBe(true);
  });

  it("names with different addresses, or that were not checked or did not resolve, are different machines", () => {
    const p = probe().dnsFails("x.contoso.com").dnsFails("y.contoso.com").build();
    expect(sameMachine(p, "rdls01.contoso.com", "rdls02.contoso.com")).toBe(false);
    expect(sameMachine(p, "x.contoso.com", "y.contoso.com")).toBe(false);
    expect(sameMachine(p, "unchecked-a.contoso.com", "unchecked-b.contoso.com")).toBe(false);
    expect(sameMachine(p, "x.contoso.com", "unchecked-a.contoso.com")).toBe(false);
  });

  it("localhost, the VM's own name and its addresses are one machine, and no other", () => {
    const p = probe().computer("RDSH01", ["10.0.1.4"]).build();
    for (const [a, b] of [
      ["localhost", "rdsh01"],
      ["rdsh01.contoso.com", "127.0.0.1"],
      ["10.0.1.4", "::1"],
    ]) {
      expect(sameMachine(p, a!, b!)).toBe(true);
      expect(sameMachine(p, b!, a!)).toBe(true);
    }
    expect(sameMachine(p, "localhost", "rdls01.contoso.com")).toBe(false);
    expect(sameMachine(p, "rdls01.contoso.com", "localhost")).toBe(false);
  });

  it("this VM by its name is never the same machine as another server, even where a stale DNS record shares its address", () => {
    const p = probe()
      .computer("RDSH01", ["10.0.1.4"])
      .check("rdsh01.contoso.com", { addresses: ["10.0.5.5"] })
      .check("old.contoso.com", { addresses: ["10.0.5.5"] })
      .build();
    expect(sameMachine(p, "rdsh01.contoso.com", "old.contoso.com")).toBe(false);
    expect(sameMachine(p, "old.contoso.com", "rdsh01.contoso.com")).toBe(false);
  });
});

describe("machinesOf", () => {
  it("groups names into machines in first-seen order, keeping each spelling once", () => {
    const p = probe().check("10.0.0.4", { addresses: ["10.0.0.4"] }).build();
    expect(machinesOf(p, ["rdls01.contoso.com", "rdls02.contoso.com", "10.0.0.4", "RDLS01.contoso.com", "rdls02.contoso.com."])).toEqual([
      ["rdls01.contoso.com", "10.0.0.4"],
      ["rdls02.contoso.com"],
    ]);
  });

  it("a name joins the group of any machine it matches, not only the first name", () => {
    const p = probe()
      .check("10.0.0.4", { addresses: ["10.0.0.4"] })
      .check("rdls01", { addresses: ["10.0.0.4"] })
      .build();
    expect(machinesOf(p, ["rdls02.contoso.com", "rdls01.contoso.com", "10.0.0.4", "rdls01"])).toEqual([
      ["rdls02.contoso.com"],
      ["rdls01.contoso.com", "10.0.0.4", "rdls01"],
    ]);
  });

  it("a chain of shared addresses is one machine (a name that resolves to several addresses)", () => {
    const p = probe()
      .check("a.contoso.com", { addresses: ["10.0.0.1", "10.0.0.2"] })
      .check("b.contoso.com", { addresses: ["10.0.0.2", "10.0.0.3"] })
      .check("c.contoso.com", { addresses: ["10.0.0.3"] })
      .build();
    expect(machinesOf(p, ["a.contoso.com", "b.contoso.com", "c.contoso.com"])).toEqual([["a.contoso.com", "b.contoso.com", "c.contoso.com"]]);
  });

  it("nothing in, nothing out", () => {
    expect(machinesOf(probe().build(), [])).toEqual([]);
  });
});

describe("calProblem", () => {
  const host2022 = 20348;

  it("not activated comes first", () => {
    expect(calProblem({ activated: false, packs: [pack("user", 7, 10, 0)] }, 4, host2022)).toEqual({
      cause: "server-not-activated",
      why: "is not activated, so it cannot issue CALs",
    });
  });

  it("activation unknown is not a problem by itself", () => {
    expect(calProblem({ activated: null, packs: [pack("user", 7, 10, 0)] }, 4, host2022)).toBeUndefined();
  });

  it("no packs", () => {
    expect(calProblem(facts(), 4, host2022)).toEqual({ cause: "no-cals", why: "has no RDS CALs installed" });
  });

  it("only the other CAL type", () => {
    expect(calProblem(facts(pack("device", 7, 10, 0)), 4, host2022)).toEqual({
      cause: "cal-type-mismatch",
      why: "has only per-device CALs; the licensing mode is per-user",
    });
    expect(calProblem(facts(pack("user", 7, 10, 0)), 2, host2022)).toEqual({
      cause: "cal-type-mismatch",
      why: "has only per-user CALs; the licensing mode is per-device",
    });
  });

  it("mode 6 takes per-user CALs; an unconfigured mode takes either", () => {
    expect(calProblem(facts(pack("user", 7, 10, 0)), 6, host2022)).toBeUndefined();
    expect(calProblem(facts(pack("device", 7, 10, 0)), null, host2022)).toBeUndefined();
    expect(calProblem(facts(pack("user", 7, 10, 0)), 5, host2022)).toBeUndefined();
  });

  it("CALs older than the host names the newest it has and what the host needs", () => {
    expect(calProblem(facts(pack("user", 5, 10, 0), pack("user", 6, 10, 0), pack("device", 8, 10, 0)), 4, host2022)).toEqual({
      cause: "cal-version-too-old",
      why: "has Windows Server 2019 CALs; a Windows Server 2022 (build 20348) host needs CALs of Windows Server 2022 or newer",
    });
  });

  it("newer CALs serve an older host", () => {
    expect(calProblem(facts(pack("user", 8, 10, 0)), 4, 17763)).toBeUndefined();
    expect(calProblem(facts(pack("user", 7, 10, 0)), 4, host2022)).toBeUndefined();
  });

  it("exhausted only when every usable pack is used up, counting what all of them issued", () => {
    expect(calProblem(facts(pack("user", 7, 10, 10), pack("user", 8, 20, 20), pack("user", 6, 5, 0)), 4, host2022)).toEqual({
      cause: "cals-exhausted",
      why: "has issued all its 30 usable CALs",
    });
    expect(calProblem(facts(pack("user", 7, 10, 10), pack("user", 8, 20, 19)), 4, host2022)).toBeUndefined();
  });

  it("over-issued packs count as none left", () => {
    expect(calProblem(facts(pack("user", 7, 10, 12)), 4, host2022)?.cause).toBe("cals-exhausted");
  });
});

describe("servingOf", () => {
  it("an invalid name", () => {
    const p = probe().servers(["bad name!"]).build();
    expect(servingOf(p, "bad name!", 4)).toEqual({ state: "no", cause: "license-server-invalid-name", why: "is not a valid host name or IP address", calsHidden: false });
  });

  it("not checked (the report was cut)", () => {
    const p = probe().withoutCheck("rdls02.contoso.com").build();
    expect(servingOf(p, "rdls02.contoso.com", 4)).toEqual({ state: "unknown", why: "was not checked (the probe's report was cut to fit)", calsHidden: true });
  });

  it("no DNS", () => {
    const p = probe().dnsFails("rdls01.contoso.com").build();
    expect(servingOf(p, "rdls01.contoso.com", 4)).toEqual({ state: "no", cause: "license-server-unreachable", why: "does not resolve in DNS", calsHidden: false });
  });

  it("no status: TCP 135 closed is unreachable, open is unknown", () => {
    const closed = probe().check("rdls01.contoso.com", { tcp135: false, status: null }).build();
    expect(servingOf(closed, "rdls01.contoso.com", 4)).toEqual({ state: "no", cause: "license-server-unreachable", why: "does not answer on TCP 135 (RPC)", calsHidden: false });
    const open = probe().check("rdls01.contoso.com", { tcp135: true, status: null }).build();
    expect(servingOf(open, "rdls01.contoso.com", 4)).toEqual({
      state: "unknown",
      why: "answers on TCP 135, but Windows' connectivity check gave no status",
      calsHidden: true,
    });
  });

  it("a status Windows says cannot serve", () => {
    const p = probe().status("rdls01.contoso.com", 6).build();
    expect(servingOf(p, "rdls01.contoso.com", 4)).toEqual({
      state: "no",
      cause: "license-server-unreachable",
      why: "cannot serve this host: Windows reports connectivity status 6 (LS_NOT_CONNECTABLE: Remote Desktop Services cannot connect to the license server)",
      calsHidden: false,
    });
  });

  it("a status that does not tell", () => {
    const p = probe().status("rdls01.contoso.com", 0).build();
    expect(servingOf(p, "rdls01.contoso.com", 4)).toEqual({
      state: "unknown",
      why: "Windows reports connectivity status 0 (LS_CONNECTABLE_UNKNOWN: the connectivity status cannot be determined)",
      calsHidden: true,
    });
  });

  it("valid, CALs hidden", () => {
    expect(servingOf(probe().build(), "rdls01.contoso.com", 4)).toEqual({ state: "yes", why: `${STATUS_OK}; its CALs are not visible from the host`, calsHidden: true });
  });

  it("valid, CALs visible and usable", () => {
    const p = probe().cals("rdls01.contoso.com", facts(pack("user", 7, 50, 8), pack("device", 7, 10, 0))).build();
    expect(servingOf(p, "rdls01.contoso.com", 4)).toEqual({ state: "yes", why: `${STATUS_OK}; it has 42 of 50 per-user Windows Server 2022 CALs free`, calsHidden: false });
  });

  it("valid, CALs visible with a problem", () => {
    const p = probe().cals("rdls01.contoso.com", facts()).build();
    expect(servingOf(p, "rdls01.contoso.com", 4)).toEqual({ state: "no", cause: "no-cals", why: "has no RDS CALs installed", calsHidden: false });
  });

  it("this VM by localhost reads the local RD Licensing role's CALs", () => {
    const p = probe().localLicenseServer(facts(pack("user", 7, 5, 0))).check("localhost", { addresses: ["127.0.0.1"] }).build();
    expect(calFactsOf(p, "localhost")).toEqual(facts(pack("user", 7, 5, 0)));
    expect(servingOf(p, "localhost", 4).why).toBe(`${STATUS_OK}; it has 5 of 5 per-user Windows Server 2022 CALs free`);
    expect(calFactsOf(p, "rdls01.contoso.com")).toBeNull();
  });
});

describe("describeCals and issuedCals", () => {
  const both = facts(pack("user", 7, 50, 8), pack("device", 6, 10, 12), pack("user", 5, 3, 0));

  it("the mode's type only, or every pack when the mode takes either", () => {
    expect(describeCals(both, 4)).toBe("42 of 50 per-user Windows Server 2022 CALs free, 3 of 3 per-user Windows Server 2016 CALs free");
    expect(describeCals(both, 2)).toBe("0 of 10 per-device Windows Server 2019 CALs free");
    expect(describeCals(both, null)).toBe(
      "42 of 50 per-user Windows Server 2022 CALs free, 0 of 10 per-device Windows Server 2019 CALs free, 3 of 3 per-user Windows Server 2016 CALs free",
    );
  });

  it("issued over every pack, either type", () => {
    expect(issuedCals(both)).toBe(20);
    expect(issuedCals(facts())).toBe(0);
  });
});
