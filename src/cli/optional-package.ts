// Loading a package that the `postline` command needs only for one feature, with an error that says what
// to install when it is missing, rather than Node's module-not-found trace.
import { CommandError } from "./cli-errors.js";

export type Importer = (specifier: string) => Promise<unknown>;

const nodeImport: Importer = (specifier) => import(specifier);

export async function importOptional<Module>(specifier: string, feature: string, alternative: string, importer: Importer = nodeImport): Promise<Module> {
  try {
    return (await importer(specifier)) as Module;
  } catch (error) {
    if (!isMissing(error, specifier)) throw error;
    throw new CommandError(`${feature} needs the package "${specifier}", which is not installed. Install it with: npm install --save-dev ${specifier}\n${alternative}`, {
      cause: error,
    });
  }
}

// Only the package itself missing: a package that is there but fails to load must show its own error.
function isMissing(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && error instanceof Error && error.message.includes(`'${specifier}'`);
}
