import { createModelRuntime } from "./guest/model-runtime";
import { createPwshSession } from "./guest/pwsh-session";
import { loadPreset, PRESET_NOW, PRESET_NAMES } from "./guest/presets";
import { loadScript } from "../src/scripts";
import { parseProbeOutput } from "../src/domain/probe-output";
import { diagnose } from "../src/domain/diagnose";
import { planRemediation } from "../src/domain/plan";
import { licensingWorks } from "./guest/windows";
import { loadConfig } from "../src/config";
(async () => {
  const p = createPwshSession();
  const m = createModelRuntime();
  const policy = loadConfig({ ALLOWED_SCOPES: "/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10", LICENSE_SERVERS: "ls01.contoso.com" }).policy;
  for (const name of PRESET_NAMES) {
    const state = loadPreset(name);
    const params = { LicenseServers: "ls01.contoso.com" };
    const a = await p.runScript(state, loadScript("probe"), params, PRESET_NOW);
    const b = await m.runScript(state, loadScript("probe"), params, PRESET_NOW);
    const same = a.stdout === b.stdout && a.stderr === b.stderr && JSON.stringify(a.state) === JSON.stringify(b.state);
    let line = `${name.padEnd(28)} ${same ? "same" : "DIFF"} works=${licensingWorks(state).works}`;
    try {
      const probe = parseProbeOutput(a.stdout, a.stderr);
      const causes = diagnose(probe, policy);
      const plan = planRemediation(probe, causes, policy);
      line += ` ${plan.verdict} [${plan.steps.map((s) => s.kind).join(",")}] restart=${plan.restart?.mode} causes=${causes.map((c) => `${c.code}:${c.effect}`).join(",")}`;
    } catch (e) { line += ` ERR ${(e as Error).message.slice(0, 200)}`; }
    console.log(line);
    if (!same) { console.log(" P:", a.stdout.slice(0, 3000), a.stderr.slice(0, 500)); console.log(" M:", b.stdout.slice(0, 3000), b.stderr.slice(0,500)); }
  }
  await p.close();
})();
