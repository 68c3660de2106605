/**
 * npm run playbook [-- --check] [-- --guest pwsh|model]: prints docs/playbook.md (every guest preset through the
 * real app offline) and writes it; --check only compares and exits 1 when the file is not current.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { playbookMarkdown, playbookRows } from "./table";

export const PLAYBOOK_DOC = join(__dirname, "..", "..", "docs", "playbook.md");

async function main(argv: string[]): Promise<number> {
  const check = argv.includes("--check");
  const guestAt = argv.indexOf("--guest");
  const guest = guestAt >= 0 ? argv[guestAt + 1] : "model";
  if (guest !== "pwsh" && guest !== "model") {
    process.stderr.write("usage: npm run playbook [-- --check] [-- --guest pwsh|model]\n");
    return 2;
  }
  const markdown = playbookMarkdown(await playbookRows(guest));
  if (check) {
    let current = "";
    try {
      current = readFileSync(PLAYBOOK_DOC, "utf8");
    } catch {
      current = "";
    }
    if (current !== markdown) {
      process.stderr.write("docs/playbook.md is not current: run npm run playbook\n");
      return 1;
    }
    process.stdout.write("docs/playbook.md is current\n");
    return 0;
  }
  process.stdout.write(markdown);
  writeFileSync(PLAYBOOK_DOC, markdown);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
