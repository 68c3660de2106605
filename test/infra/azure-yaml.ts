import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "..", "..");

export interface AzdHook {
  shell: string;
  run: string;
  interactive?: string;
  continueOnError?: string;
}

export interface AzureYaml {
  name: string;
  infra: { provider: string; path: string; module: string };
  services: Record<string, { project: string; language: string; host: string; dist?: string; remoteBuild?: string; hooks?: Record<string, AzdHook> }>;
  hooks?: Record<string, AzdHook>;
}

/** Reads the nested `key: value` maps of azure.yaml (all it uses): comments and blank lines skipped. */
export function readSimpleYaml(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const stack: { indent: number; map: Record<string, unknown> }[] = [{ indent: -1, map: root }];
  for (const line of text.split("\n")) {
    if (/^\s*(#|$)/.test(line)) continue;
    const match = /^(\s*)([\w.-]+):\s*(.*)$/.exec(line);
    if (!match) throw new Error(`azure.yaml: unexpected line "${line}"`);
    const indent = match[1]!.length;
    while (stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!.map;
    if (match[3] === "") {
      const child: Record<string, unknown> = {};
      parent[match[2]!] = child;
      stack.push({ indent, map: child });
    } else {
      parent[match[2]!] = match[3];
    }
  }
  return root;
}

export function readAzureYaml(): AzureYaml {
  return readSimpleYaml(readFileSync(join(ROOT, "azure.yaml"), "utf8")) as unknown as AzureYaml;
}
