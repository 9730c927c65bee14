import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The README's code, as printed. Each block a user is meant to run carries a `<!-- tested: <file> -->` line
// just above its fence; this reads them (list-item indentation removed), so the scratch app runs exactly what
// the README shows and the two cannot drift apart.
const root = fileURLToPath(new URL("../../", import.meta.url));
const readme = readFileSync(`${root}README.md`, "utf8");

export interface ReadmeBlock {
  /** The file it becomes in the app ("install" is the block of install commands). */
  readonly file: string;
  readonly language: string;
  readonly code: string;
}

export function readmeBlocks(): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const pattern = /^( *)<!-- tested: (\S+) -->\n\1```(\w+)\n([\s\S]*?)\n\1```$/gm;
  for (const match of readme.matchAll(pattern)) {
    const [, indent = "", file = "", language = "", body = ""] = match;
    const code = body
      .split("\n")
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join("\n");
    blocks.push({ file, language, code: `${code}\n` });
  }
  return blocks;
}

/** Every TypeScript block in the README, marked or not: an unmarked one would be code nobody runs. */
export function typescriptBlockCount(): number {
  return [...readme.matchAll(/^ *```ts$/gm)].length;
}

/**
 * The npm commands the README tells a user to run in their app: the install block's lines and any
 * `npm install ...` quoted in the text (the testing section's vitest).
 */
export function installCommands(): string[][] {
  const install = readmeBlocks().find((block) => block.file === "install");
  if (install === undefined) throw new Error("README.md has no block marked <!-- tested: install -->");
  const lines = install.code.split("\n").filter((line) => line.startsWith("npm "));
  const quoted = [...readme.matchAll(/`(npm install [^`]+)`/g)].map((match) => match[1]!);
  return [...new Set([...lines, ...quoted])].map((line) => line.split(/\s+/).slice(1));
}
