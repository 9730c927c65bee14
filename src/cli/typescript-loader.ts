// TypeScript modules for `postline run` and `postline docs`: loaded through tsx, because Node's own type
// stripping leaves TC39 decorators (the class style of handlers) untouched and fails on them. tsx is an
// optional peer dependency: projects that run compiled JavaScript do not need its esbuild binary.
import { extname } from "node:path";
import { importOptional } from "./optional-package.js";

const typescriptExtensions = new Set([".ts", ".mts", ".cts", ".tsx"]);

let registered = false;

export function isTypeScript(file: string): boolean {
  return typescriptExtensions.has(extname(file));
}

/**
 * Registers tsx's module hooks once per process, unless the process already runs under tsx (the `tsx` command,
 * or `node --import tsx`): a second registration would transform every file twice.
 */
export async function ensureTypeScriptLoader(): Promise<void> {
  if (registered || runsUnderTsx()) return;
  const api = await importOptional<{ register(): unknown }>(
    "tsx/esm/api",
    "Running a TypeScript module (decorators included)",
    "Or compile the module to JavaScript and run the .js file.",
  );
  api.register();
  registered = true;
}

function runsUnderTsx(): boolean {
  return process.execArgv.some((argument) => /[\\/]tsx[\\/]dist[\\/](?:loader|esm[\\/]index)\.mjs$|^tsx(?:\/esm)?$/.test(argument));
}
