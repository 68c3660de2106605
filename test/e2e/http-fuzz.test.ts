/**
 * Hostile and broken input over every HTTP route of the real app (real handlers, real durable client, local
 * durable host, real Azure SDK clients against the HTTPS simulator). Generated and mutated payloads must never get a
 * 5xx, a non-JSON answer or an unhandled rejection; every refusal is a 4xx with `{error:{code,message}}` and a code
 * from the route's stable set.
 *
 * Runs a payload may start name VMs that the scenario does not have (or that are out of scope): preflight ends them
 * `skipped` without a write. Responses are checked per sample; the host runs once at the end, and every started run
 * must then have ended, with no state-changing request anywhere in the simulator.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultCaller, type OfflineApp } from "../../local/offline/offline-app";
import { matchRoute, parseRouteTemplate } from "../../local/durable/http-routes";
import type { HttpResult } from "../../local/durable/trigger-invoker";
import type { GuestRuntime } from "../../local/guest/guest-state";
import type { PlanStep } from "../../src/domain/playbook";
import { instanceIdForVm, parseVmId } from "../../src/domain/resource-id";
import type { RunReport } from "../../src/domain/run";
import { probeScriptCall, stepScriptCall, verifyScriptCall } from "../../src/domain/step-scripts";
import { loadScript } from "../../src/scripts";
import { createEntraTokenValidator } from "../../src/auth/entra-token";
import { principalOf, ROLES } from "../../src/auth/policy";
import { INJECTION_CORPUS } from "../fixtures/injection-corpus";
import { AUDIENCE, bearer, claims, ISSUER, makeKey, NOW, signRs256 } from "../src/auth/token-kit";
import { FOREIGN_SUB, SUB, startScenario, vmId } from "./harness";

/**
 * Each HTTP function's stable error codes (README "HTTP API" and the handlers); the body parsers' and the caller
 * check's codes are shared (a fuzzed Authorization header is refused before anything else).
 */
const AUTH_CODES = ["token-missing", "token-malformed", "token-signature", "token-audience", "token-issuer", "token-expired", "token-not-yet-valid", "token-role"];
const BODY_CODES = ["body-not-json", "body-too-large", "body-invalid", "unknown-field", "duplicate-key", "content-type-unsupported"];
const RUN_ID_CODES = ["run-id-invalid", "run-not-found"];
const DECISION_CODES = [...RUN_ID_CODES, "not-awaiting-approval", "run-finished", "self-approval", "comment-invalid", ...BODY_CODES];
const CODES: Record<string, ReadonlySet<string>> = Object.fromEntries(
  Object.entries({
    Alerts: ["out-of-scope", "schema-unsupported", "alert-malformed", "too-many-targets", "no-vm-target", ...BODY_CODES],
    StartRemediation: ["vm-id-invalid", "vm-id-missing", "dry-run-invalid", "out-of-scope", ...BODY_CODES],
    GetRemediation: RUN_ID_CODES,
    // time-invalid: the ledger refuses times before 1970 that the query parser lets through.
    ListRemediations: ["vm-id-invalid", "out-of-scope", "since-invalid", "until-invalid", "range-invalid", "limit-invalid", "time-invalid", "ledger-not-configured"],
    ApproveRemediation: DECISION_CODES,
    RejectRemediation: DECISION_CODES,
    CancelRemediation: DECISION_CODES,
    StartSweep: ["policy-invalid", "remediation-not-allowed", "sweep-running", ...BODY_CODES],
    GetSweep: ["sweep-id-invalid", "sweep-not-found", "outcome-invalid", "limit-invalid", "results-not-stored", "continuation-token-invalid"],
  }).map(([fn, codes]) => [fn, new Set([...codes, ...AUTH_CODES])]),
);

/** The one VM of the scenario: only the valid run at the end touches it. */
const REAL_VM = "rdsh-broken";
/** Names a Computer dimension would resolve to the real VM by (its VM name and its guest's computer name). */
const REAL_NAMES = [REAL_VM, "vm-rdsh01"];
/** In scope, absent from the scenario: a run on one of these ends at preflight. */
const GHOSTS = ["ghost-0", "ghost-1", "ghost-2", "Ghost-3", "rdsh-01", "rdsh-02"];

const fixtureDir = join(__dirname, "../fixtures/alerts");
const FIXTURES = readdirSync(fixtureDir).map((f) => JSON.parse(readFileSync(join(fixtureDir, f), "utf8")) as unknown);

let app: OfflineApp;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
/** Samples per HTTP function ("(none)": the path routes to no function), and outcomes per function, status and code. */
const samples: Record<string, number> = {};
const outcomes: Record<string, number> = {};
const startedRuns = new Set<string>();
const startedSweeps = new Set<string>();
let startedAt = 0;
let cpuAtStart = process.cpuUsage();

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  app = await startScenario([{ name: REAL_VM, preset: "demo-broken", tags: { "rdp-medic-fuzz": "no-sweep" } }], {
    LICENSE_SERVERS: "ls01.contoso.com",
    // A sweep a payload starts finds no target: it must end, not probe.
    SWEEP_TAG_EXCLUDE: "rdp-medic-fuzz",
  });
  startedAt = Date.now();
  cpuAtStart = process.cpuUsage();
});

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  const total = Object.values(samples).reduce((a, b) => a + b, 0);
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  console.log(`http fuzz: ${total} samples in ${Date.now() - startedAt} ms (${cpuMs} ms CPU in this process): ${JSON.stringify(samples)}`);
  if (process.env.RDPMEDIC_FUZZ_OUTCOMES) console.log(JSON.stringify(outcomes, null, 1));
  await app?.stop();
});

// ---- calling the app ----

interface Call {
  method: "GET" | "POST";
  /** Path after /api/, as sent (already encoded where it should be), with any query string. */
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** Sends as the caller Azure would (the action group, an operator, an approver) unless the call fuzzes Authorization. */
function send(call: Call): Promise<HttpResult> {
  const sep = call.path.includes("?") ? "&" : "?";
  const headers = call.headers ?? { "content-type": "application/json" };
  const credentials = "authorization" in headers ? {} : app.credentialsFor(defaultCaller(call.path, app.callers));
  return app.host.invokeRoute(call.method, `${app.host.origin}/api/${call.path}${sep}code=${app.functionKey}`, {
    headers: { ...headers, ...credentials },
    ...(call.body === undefined ? {} : { body: call.body }),
  });
}

/** The HTTP function a request reaches, by the app's own route table; undefined when no route matches. */
function functionFor(call: Call): string | undefined {
  const pathname = new URL(`http://h/api/${call.path}`).pathname.replace(/^\/+/, "");
  if (!/^api(\/|$)/i.test(pathname)) return undefined;
  const rest = pathname.slice(4);
  const matches = app.host.registry
    .byTrigger("httpTrigger")
    .filter((r) => ((r.trigger.methods as string[] | undefined) ?? ["GET", "POST"]).map((m) => m.toUpperCase()).includes(call.method))
    .map((r) => ({ name: r.name, template: parseRouteTemplate(String(r.trigger.route ?? r.name)) }))
    .filter((r) => matchRoute(r.template, rest) !== undefined)
    .sort((a, b) => b.template.literalCount - a.template.literalCount);
  return matches[0]?.name;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The property every answer has. Returns the JSON body (undefined for the router's own 404). */
function checkAnswer(call: Call, res: HttpResult): Json | undefined {
  const fn = functionFor(call);
  const where = `${call.method} /api/${call.path.slice(0, 200)} (${fn ?? "no function"}) -> ${res.status} ${res.body.slice(0, 300)}`;
  samples[fn ?? "(none)"] = (samples[fn ?? "(none)"] ?? 0) + 1;
  expect(res.status, where).toBeLessThan(500);
  if (fn === undefined) {
    // No function has this route: the host's own 404, as the Functions host answers it.
    expect(res.status, where).toBe(404);
    return undefined;
  }
  const codes = CODES[fn];
  expect(codes, `${fn} is an HTTP function this test does not know: add its stable codes and generators`).toBeDefined();
  expect(isObject(res.json), `answer is not a JSON object: ${where}`).toBe(true);
  const body = res.json as Json;
  const error = body.error;
  const code = isObject(error) ? error.code : undefined;
  const outcome = `${fn} ${res.status} ${String(code ?? body.state ?? (body.runs as Json[] | undefined)?.[0]?.state ?? "")}`;
  outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  if (res.status >= 400) {
    expect(isObject(error), where).toBe(true);
    expect(codes, where).toContain(code);
    const message = (error as Json).message;
    expect(typeof message === "string" && message.length > 0, where).toBe(true);
  } else {
    checkSuccess(fn, res.status, body, where);
  }
  return body;
}

function checkSuccess(fn: string, status: number, body: Json, where: string): void {
  const runs: Json[] = [];
  switch (fn) {
    case "Alerts":
      expect([200, 202], where).toContain(status);
      expect(Array.isArray(body.runs) && Array.isArray(body.rejected), where).toBe(true);
      if (status === 200) expect(isObject(body.ignored), where).toBe(true);
      else expect((body.runs as Json[]).length, where).toBeGreaterThan(0);
      runs.push(...(body.runs as Json[]));
      break;
    case "StartRemediation":
      expect(status, where).toBe(202);
      runs.push(body);
      break;
    case "GetRemediation":
      expect(status, where).toBe(200);
      expect(typeof body.runId === "string" && typeof body.runtimeStatus === "string", where).toBe(true);
      break;
    case "ListRemediations":
      expect(status, where).toBe(200);
      expect(Array.isArray(body.runs) && body.count === (body.runs as unknown[]).length, where).toBe(true);
      break;
    case "StartSweep":
      expect(status, where).toBe(202);
      expect(body.state, where).toBe("started");
      startedSweeps.add(body.sweepId as string);
      break;
    case "GetSweep":
      expect(status, where).toBe(200);
      expect(typeof body.sweepId === "string" && typeof body.runtimeStatus === "string", where).toBe(true);
      break;
    default:
      // approve | reject | cancel: only cancel can be accepted here (no run of this test ever waits for approval).
      expect(status, where).toBe(202);
      expect(body.decision, where).toBe("cancel");
  }
  for (const run of runs) {
    expect(fn === "Alerts" ? ["started", "already-running", "queued"] : ["started", "already-running"], where).toContain(run.state);
    const vm = parseVmId(run.vmId);
    // Only VMs in scope start runs, and this test never points one at a VM the scenario has.
    expect(vm.subscriptionId, where).toBe(SUB);
    expect(vm.name, where).not.toBe(REAL_VM);
    expect(run.runId, where).toBe(instanceIdForVm(vm));
    startedRuns.add(run.runId as string);
  }
}

async function property<T>(arb: fc.Arbitrary<T>, toCall: (value: T) => Call, numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, async (value) => {
      const call = toCall(value);
      checkAnswer(call, await send(call));
    }),
    { numRuns },
  );
}

// ---- generators ----

const anyText = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 200 }),
);
const hostile = fc.constantFrom(...INJECTION_CORPUS.map((e) => e.value));
const guid = fc.uuid();

/** VM IDs: in-scope ghosts in any case and spelling, out-of-scope VMs, hostile names, not-VM resources, junk. */
const vmIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...GHOSTS).map((name) => vmId(name)),
  fc.tuple(fc.constantFrom(...GHOSTS), fc.boolean(), fc.constantFrom("", "/", "//", " ")).map(([name, upper, tail]) => {
    const id = `/subscriptions/${SUB}/resourceGroups/RG-RDSH/providers/Microsoft.Compute/virtualMachines/${name}`;
    return `${upper ? id.toUpperCase() : id}${tail}`;
  }),
  fc.tuple(guid, fc.constantFrom(REAL_VM, ...GHOSTS)).map(([sub, name]) => vmId(name, sub)),
  fc.constantFrom(REAL_VM, ...GHOSTS).map((name) => vmId(name, FOREIGN_SUB, "rg-elsewhere")),
  hostile.map((h) => vmId(h)),
  hostile.map((h) => `/subscriptions/${h}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`),
  fc.constantFrom(
    `/subscriptions/${SUB}/resourcegroups/rg-monitor/providers/microsoft.operationalinsights/workspaces/law`,
    `/subscriptions/${SUB}/resourcegroups/rg-rdsh/providers/microsoft.compute/virtualmachines/ghost-0/extensions/x`,
    `/subscriptions/${SUB}/resourcegroups/rg-rdsh/providers/microsoft.compute/virtualmachinescalesets/ss/virtualmachines/0`,
    `/subscriptions/${SUB}/resourcegroups/../providers/microsoft.compute/virtualmachines/ghost-0`,
    `/subscriptions/${SUB}/resourcegroups/rg-rdsh/providers/microsoft.compute/virtualmachines/..`,
    `/subscriptions/${SUB}/resourcegroups/rg-rdsh/providers/microsoft.compute/virtualmachines/ghost-0%2F..%2Frdsh-broken`,
    `/subscriptions/${SUB}/resourcegroups/rg-rdsh/providers/microsoft.compute/virtualmachines/${"g".repeat(65)}`,
    `/subscriptions/${SUB}/resourcegroups/rg-rdsh/providers/microsoft.compute/virtualmachines/${"g".repeat(600)}`,
  ),
  anyText,
);

function alertShaped() {
  const dim = fc.oneof(
    fc.record({ name: fc.constantFrom("_ResourceId", "ResourceId", "_resourceid"), value: vmIdArb }),
    fc.record({ name: fc.constant("Computer"), value: fc.oneof(fc.constantFrom(...GHOSTS), hostile, anyText).filter((c) => !REAL_NAMES.includes(c.toLowerCase())) }),
    fc.record({ name: anyText, value: anyText }),
    fc.jsonValue({ maxDepth: 2 }),
  );
  return fc.record(
    {
      schemaId: fc.oneof(
        { arbitrary: fc.constant("azureMonitorCommonAlertSchema"), weight: 8 },
        { arbitrary: anyText, weight: 1 },
        { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 },
      ),
      data: fc.record(
        {
          essentials: fc.record(
            {
              alertId: fc.oneof(anyText, fc.jsonValue({ maxDepth: 1 })),
              alertRule: fc.oneof(anyText, hostile),
              severity: fc.constantFrom("Sev0", "Sev1", "Sev2", "Sev3", "Sev4"),
              signalType: fc.oneof(fc.constantFrom("Metric", "Log", "Activity Log", "activity log"), anyText),
              monitorCondition: fc.oneof(
                { arbitrary: fc.constantFrom("Fired", "Fired", "Resolved"), weight: 8 },
                { arbitrary: anyText, weight: 1 },
                { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 },
              ),
              monitoringService: fc.constantFrom("Platform", "Log Alerts V2", "Activity Log - Administrative", "Resource Health"),
              alertTargetIDs: fc.oneof(
                { arbitrary: fc.array(fc.oneof(vmIdArb, fc.jsonValue({ maxDepth: 1 })), { maxLength: 6 }), weight: 8 },
                { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
              ),
              configurationItems: fc.array(fc.oneof(anyText, fc.constantFrom(...GHOSTS)), { maxLength: 3 }),
              firedDateTime: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anyText),
            },
            { requiredKeys: ["monitorCondition"] },
          ),
          alertContext: fc.record(
            {
              operationName: fc.constantFrom("Microsoft.Compute/virtualMachines/restart/action", "Microsoft.Compute/virtualMachines/write", "x"),
              caller: fc.oneof(guid, anyText),
              claims: fc.oneof(fc.json({ maxDepth: 2 }), anyText, fc.jsonValue({ maxDepth: 2 })),
              condition: fc.record({ allOf: fc.array(fc.record({ dimensions: fc.array(dim, { maxLength: 4 }) }), { maxLength: 3 }) }),
              Dimensions: fc.array(dim, { maxLength: 3 }),
              SearchResults: fc.record({
                tables: fc.array(
                  fc.record({
                    columns: fc.constant([{ name: "Computer" }, { name: "_ResourceId" }]),
                    rows: fc.array(fc.tuple(anyText, vmIdArb), { maxLength: 3 }),
                  }),
                  { maxLength: 2 },
                ),
              }),
            },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: ["essentials"] },
      ),
    },
    { requiredKeys: ["schemaId", "data"] },
  );
}

/** Replaces, deletes or wraps one value somewhere in a JSON document. */
function mutate(doc: unknown, path: readonly number[], how: "replace" | "delete" | "wrap", replacement: unknown): unknown {
  if (path.length === 0 || doc === null || typeof doc !== "object") return how === "wrap" ? [doc] : replacement;
  const entries = Array.isArray(doc) ? doc.map((v, i) => [String(i), v] as const) : Object.entries(doc as object);
  if (entries.length === 0) return replacement;
  const [head, ...rest] = path;
  const [key, value] = entries[head! % entries.length]!;
  if (Array.isArray(doc)) {
    const copy = [...doc];
    if (rest.length === 0 && how === "delete") copy.splice(Number(key), 1);
    else copy[Number(key)] = mutate(value, rest, how, replacement);
    return copy;
  }
  const copy: Json = { ...(doc as Json) };
  if (rest.length === 0 && how === "delete") delete copy[key];
  else copy[key] = mutate(value, rest, how, replacement);
  return copy;
}

const mutation = fc.record({
  path: fc.array(fc.nat(40), { minLength: 1, maxLength: 8 }),
  how: fc.constantFrom<"replace" | "delete" | "wrap">("replace", "replace", "delete", "wrap"),
  replacement: fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostile, vmIdArb),
});
const mutated = (base: fc.Arbitrary<unknown>) =>
  fc.tuple(base, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([doc, ms]) =>
    ms.reduce((d, m) => mutate(d, m.path, m.how, m.replacement), doc),
  );

const contentTypes = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "",
);
const headersArb = fc.record(
  {
    "content-type": contentTypes,
    "content-length": fc.constantFrom("0", "-1", "abc", "1e400", "99999999999", "5"),
    "content-encoding": fc.constantFrom("gzip", "identity", "br"),
    // Printable ASCII only: Kestrel refuses other header bytes before a request reaches the worker.
    authorization: fc.oneof(fc.constant("Bearer x.y.z"), fc.string({ maxLength: 200 })),
  },
  { requiredKeys: [] },
);

/**
 * Run IDs: the real format (ghost runs, unknown runs), near misses, anything, path tricks (sent raw). Malformed
 * percent-escapes (%C0%AE, %u002e) are left out: the local host's router throws on them where the Functions host
 * passes the route value on (see local/durable/http-routes.ts matchRoute).
 */
const ghostRunIds = GHOSTS.map((g) => instanceIdForVm(parseVmId(vmId(g))));
const runIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ghostRunIds).map(encodeURIComponent),
  fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,40}$/), fc.stringMatching(/^[0-9a-f]{16}$/)).map(([n, h]) => `rdpmedic-${n}-${h}`),
  fc.constantFrom(...ghostRunIds).map((id) => encodeURIComponent(id.toUpperCase())),
  fc.constantFrom(...ghostRunIds).map((id) => encodeURIComponent(`${id} `)),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 120 }).map(encodeURIComponent),
  hostile.filter((h) => h !== "").map(encodeURIComponent),
  fc.constantFrom(
    "..",
    "%2e%2e",
    ".%2e",
    "%2E%2E%2F%2E%2E%2Fadmin",
    "rdpmedic-ghost-0-0000000000000000%2F..",
    "a%2Fb",
    "a%5Cb",
    "%00",
    "rdpmedic-x-0123456789abcdef%00",
    "%E2%80%AE",
    "%EF%BC%8E%EF%BC%8E",
    "rdpmedic%E2%80%8D-x-0123456789abcdef",
    "rdpmedic-x-0123456789abcdef;x",
    "rdpmedic-x-0123456789abcdef%3Bcalc",
    "rdpmedic-x-0123456789abcdef%0A",
    "rdpmedic-x-0123456789abcdef%20",
    "~",
    "*",
    "%25",
    "%252e%252e",
  ),
);

describe("POST /api/alerts under hostile input", () => {
  it("arbitrary text", async () => {
    await property(anyText, (body) => ({ method: "POST", path: "alerts", body }), 400);
  });
  it("arbitrary JSON", async () => {
    await property(fc.jsonValue({ maxDepth: 5 }), (v) => ({ method: "POST", path: "alerts", body: JSON.stringify(v) }), 400);
  });
  it("generated Microsoft-shaped alerts", async () => {
    await property(alertShaped(), (v) => ({ method: "POST", path: "alerts", body: JSON.stringify(v) }), 1100);
  });
  it("mutated Microsoft samples (test/fixtures/alerts)", async () => {
    await property(mutated(fc.constantFrom(...FIXTURES)), (v) => ({ method: "POST", path: "alerts", body: JSON.stringify(v) }), 1300);
  });
  it("wrong content types and lying headers", async () => {
    await property(
      fc.tuple(fc.oneof(fc.constantFrom(...FIXTURES), alertShaped()), headersArb),
      ([v, headers]) => ({ method: "POST", path: "alerts", body: JSON.stringify(v), headers }),
      300,
    );
  });
  it("more VMs than one alert may name", async () => {
    await property(
      fc.tuple(fc.integer({ min: 101, max: 180 }), fc.constantFrom(SUB, FOREIGN_SUB), fc.constantFrom("alertTargetIDs", "dimensions")),
      ([count, sub, where]) => {
        const ids = Array.from({ length: count }, (_, i) => vmId(`many-${i}`, sub));
        const alert = JSON.parse(JSON.stringify(FIXTURES[0])) as { data: { essentials: Json; alertContext: Json } };
        alert.data.essentials.monitorCondition = "Fired";
        alert.data.essentials.signalType = "Log";
        if (where === "alertTargetIDs") alert.data.essentials.alertTargetIDs = ids;
        else alert.data.alertContext = { condition: { allOf: ids.map((value) => ({ dimensions: [{ name: "_ResourceId", value }] })) } };
        return { method: "POST", path: "alerts", body: JSON.stringify(alert) };
      },
      30,
    );
    expect(outcomes["Alerts 400 too-many-targets"]).toBe(30);
  });

  it("bodies over 256 KB", async () => {
    await property(
      fc.tuple(fc.constantFrom(...FIXTURES), fc.integer({ min: 256 * 1024, max: 600 * 1024 }), fc.constantFrom("a", "\u00e9", "\u{1F600}")),
      ([v, size, ch]) => ({ method: "POST", path: "alerts", body: JSON.stringify({ ...(v as Json), pad: ch.repeat(Math.ceil(size / Buffer.byteLength(ch))) }) }),
      40,
    );
  });
});

describe("POST /api/remediations under hostile input", () => {
  it("arbitrary text and JSON", async () => {
    await property(
      fc.oneof(anyText, fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v))),
      (body) => ({ method: "POST", path: "remediations", body }),
      600,
    );
  });
  it("generated bodies", async () => {
    await property(
      fc.record(
        {
          vmId: fc.oneof({ arbitrary: vmIdArb, weight: 6 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 }),
          dryRun: fc.oneof({ arbitrary: fc.boolean(), weight: 6 }, { arbitrary: fc.jsonValue({ maxDepth: 1 }), weight: 1 }),
          extra: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ).map((v) => {
        // An unknown field is refused before anything else: keep it rare so that the other checks are reached.
        const { extra, ...rest } = v;
        return JSON.stringify(typeof extra === "number" && extra % 5 === 0 ? v : rest);
      }),
      (body) => ({ method: "POST", path: "remediations", body }),
      1400,
    );
  });
  it("mutated valid bodies, odd headers, oversized bodies", async () => {
    const valid = fc.record({ vmId: vmIdArb, dryRun: fc.boolean() });
    await property(
      fc.tuple(mutated(valid), headersArb),
      ([v, headers]) => ({ method: "POST", path: "remediations", body: JSON.stringify(v), headers }),
      800,
    );
    await property(
      fc.integer({ min: 16 * 1024 - 40, max: 100 * 1024 }),
      (size) => ({ method: "POST", path: "remediations", body: JSON.stringify({ vmId: vmId("ghost-0"), dryRun: false, pad: "x".repeat(size) }) }),
      30,
    );
  });
});

describe("GET /api/remediations/{id} under hostile ids", () => {
  it("arbitrary ids, path tricks, unicode", async () => {
    await property(runIdArb, (id) => ({ method: "GET", path: `remediations/${id}` }), 1300);
  });
  it("extra segments and odd separators", async () => {
    await property(
      fc.tuple(runIdArb, fc.constantFrom("/", "//", "/x", "/..", "/%2e", "?x=1", "#f", "/approve", ";x")),
      ([id, tail]) => ({ method: "GET", path: `remediations/${id}${tail}` }),
      400,
    );
  });
});

describe("POST /api/remediations/{id}/approve|reject|cancel under hostile input", () => {
  const decision = fc.constantFrom("approve", "reject", "cancel", "Approve", "CANCEL");
  const decisionBody = fc.oneof(
    { arbitrary: fc.constant(""), weight: 1 },
    { arbitrary: anyText, weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 1 },
    {
      arbitrary: fc
        .record(
          {
            by: fc.oneof(anyText, hostile, fc.string({ minLength: 190, maxLength: 230 }), fc.jsonValue({ maxDepth: 1 })),
            comment: fc.oneof(anyText, hostile, fc.string({ minLength: 950, maxLength: 1100 }), fc.jsonValue({ maxDepth: 1 })),
            x: fc.nat(),
          },
          { requiredKeys: [] },
        )
        .map(({ x, ...v }) => JSON.stringify((x ?? 1) % 6 === 0 ? { ...v, x } : v)),
      weight: 4,
    },
    { arbitrary: fc.string({ minLength: 4097, maxLength: 6000 }), weight: 1 },
  );
  /** Mostly IDs of runs that exist or could: the body and the run's state are checked only for those. */
  const decisionId = fc.oneof(
    { arbitrary: fc.constantFrom(...ghostRunIds), weight: 3 },
    { arbitrary: fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,40}$/), fc.stringMatching(/^[0-9a-f]{16}$/)).map(([n, h]) => `rdpmedic-${n}-${h}`), weight: 1 },
    { arbitrary: runIdArb, weight: 2 },
  );
  it("arbitrary ids and bodies", async () => {
    await property(
      fc.tuple(decisionId, decision, decisionBody, fc.option(headersArb, { nil: undefined })),
      ([id, d, body, headers]) => ({ method: "POST", path: `remediations/${id}/${d}`, body, ...(headers ? { headers } : {}) }),
      1600,
    );
  });
});

describe("GET /api/remediations (the run list) under hostile queries", () => {
  const queryValue = fc.oneof(
    anyText,
    hostile,
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.integer().map(String),
    fc.constantFrom("", "0", "1", "1000", "1001", "-1", "1.5", "1e3", "0x10", "NaN", "Infinity", "2026-13-45", "2026-01-01", "2026-02-30T00:00:00Z", "9999-12-31T23:59:59Z", "+275760-09-13T00:00:00Z"),
  );
  const isoTime = fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString());
  it("arbitrary vm, since, until and limit", async () => {
    await property(
      fc.record(
        {
          vm: fc.oneof({ arbitrary: vmIdArb, weight: 3 }, { arbitrary: queryValue, weight: 1 }),
          since: fc.oneof({ arbitrary: isoTime, weight: 3 }, { arbitrary: queryValue, weight: 1 }),
          until: fc.oneof({ arbitrary: isoTime, weight: 3 }, { arbitrary: queryValue, weight: 1 }),
          limit: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 1000 }).map(String), weight: 3 }, { arbitrary: queryValue, weight: 1 }),
          x: anyText,
        },
        { requiredKeys: [] },
      ),
      (query) => ({ method: "GET", path: `remediations?${new URLSearchParams(query as Record<string, string>).toString()}` }),
      500,
    );
  });
});

describe("POST /api/sweeps and GET /api/sweeps/{id} under hostile input", () => {
  const sweepBody = fc.oneof(
    fc.constant(""),
    anyText,
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    fc
      .record({ policy: fc.oneof(fc.constantFrom("report", "remediate", "Report", "", " report"), anyText, fc.jsonValue({ maxDepth: 1 })), x: fc.nat() }, { requiredKeys: [] })
      .map(({ x, ...v }) => JSON.stringify((x ?? 1) % 5 === 0 ? { ...v, x } : v)),
    fc.string({ minLength: 1025, maxLength: 3000 }),
  );
  it("arbitrary bodies: at most one sweep starts, the rest are refused", async () => {
    await property(fc.tuple(sweepBody, fc.option(headersArb, { nil: undefined })), ([body, headers]) => ({ method: "POST", path: "sweeps", body, ...(headers ? { headers } : {}) }), 300);
    expect(startedSweeps.size).toBeLessThanOrEqual(1);
  });
  it("arbitrary sweep ids and result queries", async () => {
    const sweepId = fc.oneof(
      fc.constant(undefined).map(() => [...startedSweeps][0] ?? "sweep-20260101t020000z"),
      fc.tuple(fc.stringMatching(/^\d{8}t\d{6}z$/), fc.option(fc.stringMatching(/^[0-9a-f]{6}$/))).map(([at, hex]) => `sweep-${at}${hex ? `-${hex}` : ""}`),
      runIdArb,
    );
    const query = fc.record(
      {
        outcome: fc.oneof(fc.constantFrom("compliant", "noncompliant", "unknown", "Compliant", ""), anyText),
        limit: fc.oneof(fc.constantFrom("1", "1000", "0", "1001", "-5", "2.5", "abc", ""), anyText),
        continuationToken: fc.oneof(
          anyText,
          hostile,
          fc.base64String({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? "").toString("base64")),
          fc
            .record({ nextPartitionKey: fc.oneof(anyText, hostile, fc.constant("checks_x")), nextRowKey: fc.oneof(anyText, hostile) }, { requiredKeys: ["nextPartitionKey"] })
            .map((v) => Buffer.from(JSON.stringify(v), "latin1").toString("base64")),
        ),
      },
      { requiredKeys: [] },
    );
    await property(
      fc.tuple(sweepId, query),
      ([id, q]) => ({ method: "GET", path: `sweeps/${id}${Object.keys(q).length ? `?${new URLSearchParams(q as Record<string, string>).toString()}` : ""}` }),
      400,
    );
  });
});

describe("the Microsoft Entra token check (jose and the app's policy) under hostile Authorization headers", () => {
  const TOKEN_CODES = AUTH_CODES;
  const key = makeKey("fuzz-key");
  const validator = createEntraTokenValidator({ audiences: [AUDIENCE], issuer: ISSUER, keys: [key.publicJwk as never], now: () => NOW });
  /** Undefined when the header is a valid alert sender's token; else the refusal. */
  const guard = async (request: { headers: { get(name: string): string | null } }) => {
    const verified = await validator.validate(request.headers.get("authorization"));
    if (!verified.ok) return { status: verified.code === "token-role" ? 403 : 401, jsonBody: { error: verified } };
    const principal = principalOf(verified.claims, ROLES.alertSender);
    return principal.ok ? undefined : { status: principal.code === "token-role" ? 403 : 401, jsonBody: { error: principal } };
  };
  const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
  const claimValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostile, fc.integer(), fc.constantFrom(AUDIENCE, ISSUER));
  const header = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ maxLength: 300 }).map((t) => `Bearer ${t}`),
    fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 40 })).map(([h, p, sig]) => `Bearer ${b64(h)}.${b64(p)}.${sig}`),
    fc
      .tuple(fc.record({ alg: fc.oneof(fc.constantFrom("RS256", "none", "HS256", "rs256"), claimValue), kid: fc.oneof(fc.constant("fuzz-key"), claimValue), crit: claimValue }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 }))
      .map(([h, p]) => `Bearer ${b64(h)}.${b64(p)}.${b64("sig")}`),
    fc
      .dictionary(fc.constantFrom("aud", "iss", "exp", "nbf", "iat", "roles", "appid", "oid", "upn"), claimValue, { maxKeys: 3 })
      .map((changes) => bearer(signRs256(key, claims(changes)))),
  );
  it("refuses each with 401 or 403 and a token code; lets only a valid token through", async () => {
    let passed = 0;
    await fc.assert(
      fc.asyncProperty(header, fc.constantFrom("authorization", "Authorization"), async (value, name) => {
        const answer = await guard({ headers: { get: (n: string) => (n.toLowerCase() === name.toLowerCase() ? value : null) } });
        samples["Alerts (Entra check)"] = (samples["Alerts (Entra check)"] ?? 0) + 1;
        if (answer === undefined) {
          passed += 1;
          return;
        }
        expect([401, 403], value).toContain(answer.status);
        const error = (answer.jsonBody as { error: { code: string; message: string } }).error;
        expect(TOKEN_CODES, value).toContain(error.code);
        expect(error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 600 },
    );
    // A signed token with no claim changed is valid: the check is not a wall.
    expect(await guard({ headers: { get: () => bearer(signRs256(key, claims())) } })).toBeUndefined();
    expect(passed).toBeLessThan(600);
  });
});

describe("the injection corpus through the HTTP routes", () => {
  it("each hostile VM name, dimension and run ID is refused with its stable code", async () => {
    for (const entry of INJECTION_CORPUS) {
      const calls: Array<[Call, string]> = [];
      if (!entry.ldhOnly) {
        calls.push([{ method: "POST", path: "remediations", body: JSON.stringify({ vmId: vmId(entry.value) }) }, "vm-id-invalid"]);
        const alert = {
          schemaId: "azureMonitorCommonAlertSchema",
          data: {
            essentials: { alertId: "a", alertRule: "r", monitorCondition: "Fired", signalType: "Log", alertTargetIDs: [vmId(entry.value)] },
            alertContext: { condition: { allOf: [{ dimensions: [{ name: "_ResourceId", value: vmId(entry.value) }, { name: "Computer", value: entry.value }] }] } },
          },
        };
        calls.push([{ method: "POST", path: "alerts", body: JSON.stringify(alert) }, "no-vm-target"]);
      }
      if (entry.value !== "") calls.push([{ method: "GET", path: `remediations/${encodeURIComponent(entry.value)}` }, "run-id-invalid"]);
      for (const [call, code] of calls) {
        const res = await send(call);
        const body = checkAnswer(call, res);
        // "." and ".." are dot segments: the URL itself drops them, and what is left is another route (the list).
        if ([".", ".."].includes(entry.value) && call.method === "GET") expect(functionFor(call)).not.toBe("GetRemediation");
        else expect((body?.error as Json | undefined)?.code, `${entry.label}: ${call.method} ${call.path}`).toBe(code);
      }
    }
  });
});

describe("after the fuzzing", () => {
  it("no unhandled rejection or exception happened, over at least 10,000 samples that reached a function", () => {
    expect(unhandled.map(String)).toEqual([]);
    const functions = new Set(app.host.registry.byTrigger("httpTrigger").map((r) => r.name));
    const routed = Object.entries(samples).filter(([fn]) => functions.has(fn)).reduce((n, [, count]) => n + count, 0);
    expect(routed).toBeGreaterThanOrEqual(10_000);
  });

  it("every HTTP function of the app was fuzzed", () => {
    const functions = app.host.registry.byTrigger("httpTrigger").map((r) => r.name);
    expect(functions.length).toBeGreaterThanOrEqual(Object.keys(CODES).length);
    for (const fn of functions) expect(samples[fn] ?? 0, `${fn} got no samples`).toBeGreaterThan(100);
  });

  it("every run a payload started ends, and nothing anywhere was changed", async () => {
    expect(startedRuns.size).toBeGreaterThan(0);
    await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 3 * 3_600_000) });
    const statuses = app.host.listInstances();
    for (const runId of startedRuns) {
      const status = statuses.find((s) => s.instanceId === runId);
      expect(status?.runtimeStatus, runId).toBe("Completed");
      const report = status?.output as RunReport;
      expect(["skipped", "canceled"], `${runId}: ${report.verdict} ${report.reason}`).toContain(report.verdict);
    }
    for (const sweepId of startedSweeps) expect(statuses.find((s) => s.instanceId === sweepId)?.runtimeStatus, sweepId).toBe("Completed");
    expect(app.sim.requestLog.entries().filter((e) => e.stateChanging)).toEqual([]);
    expect(unhandled.map(String)).toEqual([]);
  });
});

describe("a valid run after the fuzzing: Run Command parameters come only from the validated mapping", () => {
  it("each script reaches the guest as its own text, with exactly the parameters step-scripts builds", async () => {
    const seen: Array<{ name: string; text: string; parameters: Record<string, string> }> = [];
    const runtime: GuestRuntime = app.guestRuntime;
    const runScript = runtime.runScript.bind(runtime);
    runtime.runScript = (state, text, parameters, now) => {
      seen.push({ name: /^# rdp-medic-script: (\S+)/.exec(text)?.[1] ?? "?", text, parameters: { ...parameters } });
      return runScript(state, text, parameters, now);
    };
    try {
      const res = await app.post("remediations", { vmId: vmId("rdsh-broken") });
      expect(res.status).toBe(202);
      const runId = (res.json as { runId: string }).runId;
      await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 3_600_000) });
      const report = app.host.getStatus(runId)?.output as RunReport;
      expect(report.verdict, report.reason).toBe("remediated");

      const policy = { licensingMode: 4 as const, licenseServers: ["ls01.contoso.com"] };
      const plan: PlanStep[] = report.plan;
      const expected = [
        probeScriptCall(policy),
        ...plan.filter((s) => s.kind !== "restart").map(stepScriptCall),
        verifyScriptCall(plan, policy),
      ];
      expect(seen.map((s) => ({ script: s.name, parameters: s.parameters }))).toEqual(expected);
      for (const s of seen) expect(s.text).toBe(loadScript(s.name as never).split(/\r?\n/).join("\n"));
    } finally {
      runtime.runScript = runScript;
    }
  });
});
