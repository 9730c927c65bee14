// The module `postline run` and `postline docs` are given: resolved against the working directory, loaded
// (through tsx for TypeScript), and its export checked to be an App, a broker, or a function returning one.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CommandError } from "./cli-errors.js";
import { ensureTypeScriptLoader, isTypeScript } from "./typescript-loader.js";

/** What an exported App or broker offers the CLI (duck-typed: the module may load its own copy of postline). */
export interface RunnableApp {
  readonly kind: "app";
  readonly value: { start(): Promise<void>; stop(): Promise<void> };
}

export interface RunnableBroker {
  readonly kind: "broker";
  readonly value: { start(): Promise<void>; close(): Promise<void> };
}

export type Target = RunnableApp | RunnableBroker;

export interface LoadedTarget {
  readonly file: string;
  readonly exportName: string;
  readonly target: Target;
}

/** The absolute path of the module, or a CommandError saying which path was tried. */
export function resolveModule(specifier: string, cwd = process.cwd()): string {
  const file = resolve(cwd, specifier);
  if (!existsSync(file)) throw new CommandError(`cannot find the module ${specifier} (looked for ${file})`);
  if (!statSync(file).isFile()) throw new CommandError(`${specifier} is a directory; give the module file, e.g. ${specifier}/main.ts`);
  return file;
}

/**
 * Imports the module and takes `exportName` (default: the default export). A function export is a factory:
 * it is called with the app's command-line arguments and may return a promise.
 */
export async function loadTarget(file: string, exportName = "default", appArgs: readonly string[] = []): Promise<LoadedTarget> {
  if (isTypeScript(file)) await ensureTypeScriptLoader();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CommandError(`the module ${file} failed to load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, { cause: error });
  }
  if (!Object.hasOwn(module, exportName) || module[exportName] === undefined) {
    const names = Object.keys(module).filter((name) => classify(module[name]) !== undefined || typeof module[name] === "function");
    const hint = names.length === 0 ? "it exports no App or broker" : `its exports that could be: ${names.join(", ")}`;
    const wanted = exportName === "default" ? "default export" : `export named "${exportName}"`;
    throw new CommandError(`the module ${file} has no ${wanted} (${hint}); choose one with --export <name>`);
  }
  let value: unknown = module[exportName];
  if (typeof value === "function" && classify(value) === undefined) value = await (value as (args: readonly string[]) => unknown)(appArgs);
  const target = classify(value);
  if (target === undefined) {
    throw new CommandError(`the export "${exportName}" of ${file} is not an App, a broker, or a function returning one (got ${describe(value)})`);
  }
  return { file, exportName, target };
}

function classify(value: unknown): Target | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const candidate = value as Record<string, unknown>;
  if (typeof candidate.start !== "function") return undefined;
  if (typeof candidate.stop === "function" && typeof candidate.run === "function") return { kind: "app", value: value as RunnableApp["value"] };
  if (typeof candidate.close === "function" && typeof candidate.subscribers === "function") return { kind: "broker", value: value as RunnableBroker["value"] };
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as { constructor?: { name?: string } }).constructor?.name ?? "an object";
  return typeof value;
}
