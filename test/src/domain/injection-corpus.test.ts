/**
 * Every path a value can take towards an in-guest script, fed the whole injection corpus. A value reaches a script
 * only as a Run Command parameter built by src/domain/step-scripts.ts from the settings' policy; these tests show
 * that no corpus entry gets that far by any route: settings, plan steps, probe output, tags, HTTP payloads.
 * Each test collects the entries that got through and lists them, so a failure names every hole at once.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config";
import { parseAlertBody } from "../../../src/domain/alert";
import { diagnose } from "../../../src/domain/diagnose";
import { isValidLicenseServerName } from "../../../src/domain/license-server-name";
import { parseDecisionBody, parseManualRunRequest } from "../../../src/domain/manual-request";
import { planRemediation } from "../../../src/domain/plan";
import type { PlanStep } from "../../../src/domain/playbook";
import { isRunId, parseVmId } from "../../../src/domain/resource-id";
import { probeScriptCall, restoreScriptCall, stepScriptCall, verifyScriptCall } from "../../../src/domain/step-scripts";
import { ConfigError, InputError, ScriptOutputError } from "../../../src/errors";
import {
  ACCEPTED_LICENSE_SERVERS,
  HOSTILE_MODES,
  INJECTION_CORPUS,
  shown,
  type HostileValue,
} from "../../fixtures/injection-corpus";
import { policy, probe } from "./probe-builder";

const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
const BASE_ENV = { ALLOWED_SCOPES: `/subscriptions/${SUB}`, LICENSE_SERVERS: "ls01.contoso.com" };
const POLICY = policy({ licenseServers: ["ls01.contoso.com", "10.0.0.4"] });
const nonBlank = INJECTION_CORPUS.filter((e) => !e.blank);
/** Control characters and bidi/invisible format characters: nothing an error message may carry verbatim. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

/** Runs `check` for every entry and fails with the list of entries it returned a problem for. */
function expectAllRefused(entries: readonly HostileValue[], check: (e: HostileValue) => string | undefined): void {
  const holes = entries.flatMap((e) => {
    let problem: string | undefined;
    try {
      problem = check(e);
    } catch (error) {
      problem = `untyped or unexpected throw: ${String(error)}`;
    }
    return problem === undefined ? [] : [`${e.label} ${shown(e.value)}: ${problem}`];
  });
  expect(holes, `not refused as expected:\n${holes.join("\n")}`).toEqual([]);
}

/** The typed error `fn` throws, or a description of what it did instead. */
function thrown<E extends Error>(fn: () => unknown, type: new (...args: never[]) => E): E | string {
  try {
    fn();
  } catch (error) {
    return error instanceof type ? error : `threw ${String(error)} instead of ${type.name}`;
  }
  return "accepted";
}

/** The error is an InputError with this code, a 4xx, and a message fit to show (no raw control characters). */
function inputErrorProblem(fn: () => unknown, code: string): string | undefined {
  const error = thrown(fn, InputError);
  if (typeof error === "string") return error;
  if (error.code !== code) return `code ${error.code}, expected ${code}`;
  if (error.status < 400 || error.status >= 500) return `status ${error.status}`;
  if (UNPRINTABLE.test(error.message)) return `message carries unprintable characters: ${shown(error.message)}`;
  return undefined;
}

describe("the corpus", () => {
  it("is large and covers each kind of attack", () => {
    expect(INJECTION_CORPUS.length).toBeGreaterThanOrEqual(90);
    const values = INJECTION_CORPUS.map((e) => e.value);
    for (const needle of ["'", '"', "`", ";", "&&", "|", "$(", "${", "\r", "\n", "\u0000", "\t", "^&", "%PATH%", "\uff0e", "\u043e", "\u200d", "\u202e", "\\\\", "\\0", "%eth0"]) {
      expect(values.some((v) => v.includes(needle)), needle).toBe(true);
    }
    expect(values.some((v) => v.length === 300)).toBe(true);
    expect(values.some((v) => v.startsWith("-"))).toBe(true);
    expect(new Set(values).size).toBe(values.length);
  });

  it("flags are honest: ldhOnly entries hold only letters, digits, '.' and '-'; blank entries only whitespace", () => {
    for (const e of INJECTION_CORPUS) {
      if (e.ldhOnly) expect(e.value, e.label).toMatch(/^[A-Za-z0-9.-]+$/);
      if (e.blank) expect(e.value.trim(), e.label).toBe("");
      else expect(e.value.trim(), e.label).not.toBe("");
    }
  });

  it("the validator is not a wall: ordinary names and addresses pass", () => {
    for (const name of ACCEPTED_LICENSE_SERVERS) expect(isValidLicenseServerName(name), name).toBe(true);
    expect(loadConfig({ ...BASE_ENV, LICENSE_SERVERS: ACCEPTED_LICENSE_SERVERS.join(",") }).policy.licenseServers).toEqual(
      ACCEPTED_LICENSE_SERVERS,
    );
  });
});

describe("(a) LICENSE_SERVERS: the app refuses to start", () => {
  const configProblem = (env: Record<string, string>): string | undefined => {
    const error = thrown(() => loadConfig({ ...BASE_ENV, ...env }), ConfigError);
    if (typeof error === "string") return error;
    if (error.setting !== "LICENSE_SERVERS") return `ConfigError names ${error.setting}`;
    if (!error.message.includes("LICENSE_SERVERS")) return `message does not name the setting: ${error.message}`;
    if (UNPRINTABLE.test(error.message)) return `message carries unprintable characters: ${shown(error.message)}`;
    return undefined;
  };

  it("every entry as the whole setting", () => {
    expectAllRefused(INJECTION_CORPUS, (e) => configProblem({ LICENSE_SERVERS: e.value }));
  });

  it("every non-blank entry after a valid server (blank items of a list are dropped, not used)", () => {
    expectAllRefused(nonBlank, (e) => configProblem({ LICENSE_SERVERS: `ls01.contoso.com,${e.value}` }));
    expect(loadConfig({ ...BASE_ENV, LICENSE_SERVERS: "ls01.contoso.com, ,\t," }).policy.licenseServers).toEqual(["ls01.contoso.com"]);
  });

  it("the message says what is wrong with the entry", () => {
    const error = thrown(() => loadConfig({ ...BASE_ENV, LICENSE_SERVERS: "ls01.c\u043entoso.com" }), ConfigError) as ConfigError;
    expect(error.message).toContain("LICENSE_SERVERS");
    expect(error.message).toMatch(/not a host name or IP address/);
    expect(error.message).toContain("U+043E");
  });
});

describe("(b) plan steps and policies: the one script-parameter mapping refuses them", () => {
  const SERVER_CODE = "invalid-license-server";

  it("set-license-servers with a hostile server, alone or after a valid one", () => {
    expectAllRefused(INJECTION_CORPUS, (e) => inputErrorProblem(() => stepScriptCall({ kind: "set-license-servers", servers: [e.value] }), SERVER_CODE));
    expectAllRefused(INJECTION_CORPUS, (e) =>
      inputErrorProblem(() => stepScriptCall({ kind: "set-license-servers", servers: ["ls01.contoso.com", e.value] }), SERVER_CODE),
    );
  });

  it("probe with a hostile policy server, verify with a hostile server in the steps it checks", () => {
    expectAllRefused(INJECTION_CORPUS, (e) => inputErrorProblem(() => probeScriptCall({ licenseServers: [e.value] }), SERVER_CODE));
    const around: PlanStep[][] = [[], [{ kind: "restart" }], [{ kind: "set-licensing-mode", mode: 4 }, { kind: "restart" }]];
    for (const steps of around) {
      expectAllRefused(INJECTION_CORPUS, (e) =>
        inputErrorProblem(() => verifyScriptCall([{ kind: "set-license-servers", servers: ["ls01.contoso.com", e.value] }, ...steps]), SERVER_CODE),
      );
    }
  });

  it("a hostile licensing mode, in a step or in the steps verify checks", () => {
    const modes = [...HOSTILE_MODES, ...INJECTION_CORPUS.map((e) => e.value)];
    const holes = modes.flatMap((mode) => {
      const problems = [
        inputErrorProblem(() => stepScriptCall({ kind: "set-licensing-mode", mode } as unknown as PlanStep), "invalid-licensing-mode"),
        inputErrorProblem(() => verifyScriptCall([{ kind: "set-licensing-mode", mode } as unknown as PlanStep, { kind: "restart" }]), "invalid-licensing-mode"),
      ].filter((p) => p !== undefined);
      return problems.length > 0 ? [`${shown(String(mode))}: ${problems.join("; ")}`] : [];
    });
    expect(holes, holes.join("\n")).toEqual([]);
  });

  it("restore-licensing with a hostile before-value: every entry as a kind, as data, or as a whole value", () => {
    const code = "invalid-restore";
    // As the kind, as the base64 data, as the value itself, and as the data of a value that is not base64.
    expectAllRefused(INJECTION_CORPUS, (e) => inputErrorProblem(() => restoreScriptCall({ licensingMode: { kind: e.value as "REG_DWORD", data: "BAAAAA==" }, licenseServers: "keep" }), code));
    expectAllRefused(INJECTION_CORPUS, (e) => inputErrorProblem(() => restoreScriptCall({ licensingMode: "keep", licenseServers: { kind: "REG_MULTI_SZ", data: e.value } }), code));
    expectAllRefused(INJECTION_CORPUS, (e) => inputErrorProblem(() => restoreScriptCall({ licensingMode: e.value as "keep", licenseServers: null }), code));
    expectAllRefused(INJECTION_CORPUS, (e) => inputErrorProblem(() => restoreScriptCall({ licensingMode: null, licenseServers: e.value as "keep" }), code));
    const modes = [...HOSTILE_MODES.filter((m) => m !== null), 7, 4294967295];
    const holes = modes.flatMap((mode) => {
      const problem = inputErrorProblem(() => restoreScriptCall({ licensingMode: mode as never, licenseServers: null }), code);
      return problem === undefined ? [] : [`${shown(String(mode))}: ${problem}`];
    });
    expect(holes, holes.join("\n")).toEqual([]);
  });

  it("restore-licensing: hostile content inside a well-formed value travels only as base64", () => {
    for (const e of nonBlank) {
      const data = Buffer.from(`${e.value.replace(/\u0000/g, "")}\u0000\u0000`, "utf16le");
      if (data.length > 2048 || data.length < 4) continue;
      const call = restoreScriptCall({ licensingMode: "keep", licenseServers: { kind: "REG_MULTI_SZ", data: data.toString("base64") } });
      expect(call.parameters.LicenseServers, e.label).toMatch(/^REG_MULTI_SZ:[A-Za-z0-9+/]*={0,2}$/);
    }
  });

  it("a hostile step kind", () => {
    expectAllRefused(INJECTION_CORPUS, (e) => inputErrorProblem(() => stepScriptCall({ kind: e.value } as unknown as PlanStep), "invalid-step"));
  });

  it("the error names the entry in printable form and says why", () => {
    const error = thrown(() => stepScriptCall({ kind: "set-license-servers", servers: ["ls01\r\nStop-Computer"] }), InputError) as InputError;
    expect(error.message).toContain("\\u000D\\u000A");
    expect(error.message).toMatch(/not a host name or IP address/);
    expect(error.message).toContain("U+000D");
  });
});

describe("(c) probe output from a compromised guest", () => {
  type Position = "specified" | "legacy" | "gpo" | "checked";
  const POSITIONS: Position[] = ["specified", "legacy", "gpo", "checked"];

  function probeWith(position: Position, value: string) {
    const b = probe(POLICY);
    if (position === "specified") b.servers([value]);
    else if (position === "legacy") b.servers(null).legacyServers([value]);
    else if (position === "gpo") b.gpoServers([value]);
    else b.check(value, { status: 11 });
    return b;
  }

  it.each(POSITIONS)("a hostile name in %s: refused by the parser or flagged invalid, and never planned", (position) => {
    let flagged = 0;
    expectAllRefused(INJECTION_CORPUS, (e) => {
      let result;
      try {
        result = probeWith(position, e.value).build();
      } catch (error) {
        // Control characters, over-long and empty values: the whole report is refused with a typed error.
        return error instanceof ScriptOutputError ? undefined : `untyped parser error: ${String(error)}`;
      }
      if (!result.invalidServerNames.includes(e.value)) return "parsed without being flagged invalid";
      flagged += 1;
      const causes = diagnose(result, POLICY);
      const plans = [planRemediation(result, causes, POLICY), planRemediation(result, causes, POLICY, { enforceDrift: true })];
      for (const step of plans.flatMap((p) => p.steps)) {
        if (step.kind === "set-license-servers") {
          if (step.servers.includes(e.value)) return "copied into a set-license-servers step";
          if (!step.servers.every((s) => POLICY.licenseServers.includes(s))) return `step servers ${step.servers.join(",")} are not the policy's`;
        }
        if (step.kind !== "restart") {
          const call = stepScriptCall(step);
          if (Object.values(call.parameters).some((p) => p.split(",").includes(e.value))) return "reaches a script parameter";
        }
      }
      for (const plan of plans) {
        const verify = verifyScriptCall(plan.steps, POLICY);
        if (Object.values(verify.parameters).some((p) => p.split(",").includes(e.value))) return "reaches the verify parameters";
      }
      return undefined;
    });
    // Most entries are printable and parse: the flagging path, not only the refusal path, is exercised.
    expect(flagged).toBeGreaterThan(INJECTION_CORPUS.length / 2);
  });

  it("a probe that lists only hostile servers plans the policy's servers, never its own", () => {
    const hostile = nonBlank.filter((e) => !/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(e.value) && e.value.length <= 256);
    const b = probe(POLICY).servers(hostile.slice(0, 8).map((e) => e.value));
    const result = b.build();
    const plan = planRemediation(result, diagnose(result, POLICY), POLICY);
    expect(plan.steps).toContainEqual({ kind: "set-license-servers", servers: POLICY.licenseServers });
    for (const e of hostile.slice(0, 8)) expect(result.invalidServerNames).toContain(e.value);
  });
});

describe("(d) OPT_OUT_TAG: the app refuses to start", () => {
  it("every entry with characters a tag name may not have", () => {
    expectAllRefused(
      INJECTION_CORPUS.filter((e) => !e.blank && !e.ldhOnly),
      (e) => {
        const error = thrown(() => loadConfig({ ...BASE_ENV, OPT_OUT_TAG: e.value }), ConfigError);
        if (typeof error === "string") return error;
        if (error.setting !== "OPT_OUT_TAG") return `ConfigError names ${error.setting}`;
        if (UNPRINTABLE.test(error.message)) return `message carries unprintable characters: ${shown(error.message)}`;
        return undefined;
      },
    );
  });

  it("letters, digits, '.' and '-' are a tag name: kept verbatim (it is only compared, never sent to a script); blank means the default", () => {
    for (const e of INJECTION_CORPUS.filter((x) => x.ldhOnly)) {
      let tag: string | undefined;
      try {
        tag = loadConfig({ ...BASE_ENV, OPT_OUT_TAG: e.value }).optOutTag;
      } catch (error) {
        expect(error, e.label).toBeInstanceOf(ConfigError);
        continue;
      }
      expect(tag, e.label).toBe(e.value);
    }
    for (const e of INJECTION_CORPUS.filter((x) => x.blank)) {
      expect(loadConfig({ ...BASE_ENV, OPT_OUT_TAG: e.value }).optOutTag, e.label).toBe("rdp-medic-opt-out");
    }
  });
});

describe("(e) HTTP payloads: refused by the parsers with stable 4xx codes", () => {
  const vmIdWith = (name: string) => `/subscriptions/${SUB}/resourceGroups/rg-rdsh/providers/Microsoft.Compute/virtualMachines/${name}`;
  const hostileForIds = INJECTION_CORPUS.filter((e) => !e.ldhOnly);

  it("a hostile VM name, subscription or whole vmId: vm-id-invalid (manual run body)", () => {
    expectAllRefused(hostileForIds, (e) => inputErrorProblem(() => parseManualRunRequest(JSON.stringify({ vmId: vmIdWith(e.value) })), "vm-id-invalid"));
    expectAllRefused(INJECTION_CORPUS, (e) =>
      inputErrorProblem(
        () => parseVmId(`/subscriptions/${e.value}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`),
        "vm-id-invalid",
      ),
    );
    expectAllRefused(INJECTION_CORPUS, (e) => inputErrorProblem(() => parseManualRunRequest(JSON.stringify({ vmId: e.value })), "vm-id-invalid"));
  });

  it("a hostile run ID is never a run ID", () => {
    expectAllRefused(INJECTION_CORPUS, (e) => (isRunId(e.value) ? "accepted as a run ID" : undefined));
    // Inside the run ID's shape, anything but lower-case letters, digits and '-' is refused too.
    expectAllRefused(
      INJECTION_CORPUS.filter((e) => /[^a-z0-9-]/.test(e.value)),
      (e) => (isRunId(`rdpmedic-${e.value}-0123456789abcdef`) ? "accepted inside a run ID" : undefined),
    );
  });

  it("hostile alert targets and dimensions name no VM and no computer", () => {
    const alert = (value: string) => ({
      schemaId: "azureMonitorCommonAlertSchema",
      data: {
        essentials: { alertId: "a1", alertRule: "r", signalType: "Log", monitorCondition: "Fired", alertTargetIDs: [value, vmIdWith(value)] },
        alertContext: {
          condition: { allOf: [{ dimensions: [{ name: "_ResourceId", value: vmIdWith(value) }, { name: "Computer", value }] }] },
          Dimensions: [{ name: "Computer", value }],
        },
      },
    });
    expectAllRefused(hostileForIds, (e) => {
      const parsed = parseAlertBody(JSON.stringify(alert(e.value)));
      if (parsed.vms.length > 0) return `parsed VM ${parsed.vms[0]!.id}`;
      if (parsed.computerNames.length > 0) return `parsed computer ${parsed.computerNames[0]}`;
      return undefined;
    });
  });

  it("hostile decision bodies: who decides is never taken from the body; a comment with control or bidi characters is comment-invalid", () => {
    expectAllRefused(INJECTION_CORPUS, (e) => inputErrorProblem(() => parseDecisionBody(JSON.stringify({ by: e.value })), "unknown-field"));
    const unsafe = INJECTION_CORPUS.filter((e) => /[\u0000-\u0008\u000b-\u001f\u202a-\u202e\u2066-\u2069\u200b-\u200f]/.test(e.value) || e.value.length > 1000);
    expect(unsafe.length).toBeGreaterThan(5);
    expectAllRefused(unsafe, (e) => inputErrorProblem(() => parseDecisionBody(JSON.stringify({ comment: e.value })), "comment-invalid"));
  });
});
