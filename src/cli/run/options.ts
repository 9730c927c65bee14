// `postline run`'s command line: the module, the runner's options, and after `--` the app's own arguments.
import { parseArgs } from "node:util";
import type { LogLevel } from "../../core/logger.js";
import { UsageError } from "../cli-errors.js";

export interface RunOptions {
  readonly module: string;
  readonly exportName: string;
  readonly reload: boolean;
  /** Directories `--reload` watches (default: the working directory). */
  readonly watch: readonly string[];
  /** 0: the app runs in this process; otherwise that many worker processes under a supervisor. */
  readonly workers: number;
  readonly logLevel: LogLevel | undefined;
  /** Everything after `--`: the app's own command line. */
  readonly appArgs: readonly string[];
}

const logLevels: readonly string[] = ["debug", "info", "warn", "error", "silent"];

export function parseRunOptions(argv: readonly string[]): RunOptions | "help" {
  const separator = argv.indexOf("--");
  const own = separator === -1 ? [...argv] : argv.slice(0, separator);
  const appArgs = separator === -1 ? [] : argv.slice(separator + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      options: {
        export: { type: "string", short: "e", default: "default" },
        reload: { type: "boolean", short: "r", default: false },
        watch: { type: "string", multiple: true, default: [] },
        workers: { type: "string", short: "w" },
        "log-level": { type: "string", short: "l" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)} (the app's own options go after "--")`);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const [module, ...extra] = positionals;
  if (module === undefined) throw new UsageError("which module? e.g. postline run ./src/app.ts");
  if (extra.length > 0) throw new UsageError(`one module at a time; the app's own arguments go after "--" (got ${extra.join(" ")})`);
  const level = values["log-level"];
  if (level !== undefined && !logLevels.includes(level)) throw new UsageError(`--log-level must be one of ${logLevels.join(", ")}, got "${level}"`);
  if (values.watch.length > 0 && !values.reload) throw new UsageError("--watch only applies with --reload");
  return {
    module,
    exportName: values.export,
    reload: values.reload,
    watch: values.watch.length > 0 ? values.watch : ["."],
    workers: values.workers === undefined ? 0 : workerCount(values.workers),
    logLevel: level as LogLevel | undefined,
    appArgs,
  };
}

function workerCount(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 256) throw new UsageError(`--workers must be a whole number from 1 to 256, got "${text}"`);
  return value;
}
