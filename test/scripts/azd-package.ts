/**
 * What `azd package` makes of the api service (azure.yaml), step for step as azd documents and does it: copy the
 * `dist` folder except node_modules and .azure, leave out what the service folder's .funcignore (gitignore syntax)
 * matches, zip the rest. Also the archive a Functions tool makes of the project folder itself (the same
 * .funcignore), to prove the dev tree stays out of any zip of this folder.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";

interface IgnoreRule {
  negate: boolean;
  dirOnly: boolean;
  regex: RegExp;
}

/** gitignore rules: blank lines and # comments skipped, ! negates, trailing / is directories only, a / elsewhere anchors. */
export function parseIgnoreFile(text: string): IgnoreRule[] {
  return text.split(/\r?\n/).flatMap((raw) => {
    let line = raw.replace(/\s+$/, "");
    if (line === "" || line.startsWith("#")) return [];
    const negate = line.startsWith("!");
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith("/");
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    let body = "";
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (c === "*" && line[i + 1] === "*") {
        body += ".*";
        i++;
        if (line[i + 1] === "/") i++;
      } else if (c === "*") body += "[^/]*";
      else if (c === "?") body += "[^/]";
      else body += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    return [{ negate, dirOnly, regex: new RegExp(anchored ? `^${body}$` : `(^|/)${body}$`) }];
  });
}

/** Whether gitignore rules leave out a path (relative, / separated); the last matching rule wins. */
export function isIgnored(path: string, isDir: boolean, rules: readonly IgnoreRule[]): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    if (rule.regex.test(path)) ignored = !rule.negate;
  }
  return ignored;
}

/** Files under `dir` (relative, / separated) that the rules keep; an ignored directory is not entered (as git does). */
export function keptFiles(dir: string, rules: readonly IgnoreRule[], skipDirNames: readonly string[] = []): string[] {
  const walk = (current: string): string[] =>
    readdirSync(current, { withFileTypes: true }).flatMap((entry) => {
      const path = join(current, entry.name);
      const rel = relative(dir, path).split(sep).join("/");
      if (entry.isDirectory()) {
        if (skipDirNames.includes(entry.name) || isIgnored(rel, true, rules)) return [];
        return walk(path);
      }
      return isIgnored(rel, false, rules) ? [] : [rel];
    });
  return walk(dir).sort();
}

/** A zip archive (deflate) of the given files, as any zip tool writes it; returns its bytes. */
export function zip(dir: string, files: readonly string[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const data = readFileSync(join(dir, file));
    const packed = deflateRawSync(data);
    const name = Buffer.from(file, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * `azd package` of a Node.js function service: the files of its `dist` folder (`packageDir`) minus node_modules,
 * .azure and what the .funcignore in the service's folder (`serviceDir`) matches, and their zip.
 */
export function azdPackage(serviceDir: string, packageDir: string): { files: string[]; zip: Buffer; bytes: number } {
  const rules = parseIgnoreFile(readFileSync(join(serviceDir, ".funcignore"), "utf8"));
  const files = keptFiles(packageDir, rules, ["node_modules", ".azure"]);
  const bytes = files.reduce((sum, f) => sum + statSync(join(packageDir, f)).size, 0);
  return { files, zip: zip(packageDir, files), bytes };
}
