// `postline docs gen|serve <module>`'s command line.
import { extname } from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../cli-errors.js";

export type DocsFormat = "json" | "yaml";

export interface DocsOptions {
  readonly action: "gen" | "serve";
  readonly module: string;
  readonly exportName: string;
  /** gen: the file to write (default: stdout). */
  readonly out: string | undefined;
  readonly format: DocsFormat;
  readonly host: string;
  readonly port: number;
}

export function parseDocsOptions(argv: readonly string[]): DocsOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        export: { type: "string", short: "e", default: "default" },
        out: { type: "string", short: "o" },
        format: { type: "string", short: "f" },
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string", short: "p", default: "8000" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const [action, module, ...extra] = positionals;
  if (action !== "gen" && action !== "serve") throw new UsageError(action === undefined ? "gen or serve? e.g. postline docs gen ./src/app.ts" : `unknown action "${action}": use gen or serve`);
  if (module === undefined) throw new UsageError(`which module? e.g. postline docs ${action} ./src/app.ts`);
  if (extra.length > 0) throw new UsageError(`one module at a time (got also ${extra.join(" ")})`);
  if (action === "serve" && values.out !== undefined) throw new UsageError("--out applies to docs gen");
  const format = values.format ?? (values.out !== undefined && /^\.ya?ml$/i.test(extname(values.out)) ? "yaml" : "json");
  if (format !== "json" && format !== "yaml") throw new UsageError(`--format must be json or yaml, got "${format}"`);
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) throw new UsageError(`--port must be a port number from 0 to 65535, got "${values.port}"`);
  return { action, module, exportName: values.export, out: values.out, format, host: values.host, port };
}
