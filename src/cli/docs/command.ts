// `postline docs gen|serve <module>`: the AsyncAPI 3.0 document of the App (or broker) a module exports,
// written as JSON or YAML, or served as a page. The module is loaded but nothing is started or connected.
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { asyncApiDocument } from "../../asyncapi/generate.js";
import { toYaml } from "../../asyncapi/yaml.js";
import { CommandError } from "../cli-errors.js";
import type { CliOutput } from "../command.js";
import { loadTarget, resolveModule } from "../load-target.js";
import { parseDocsOptions } from "./options.js";
import { startDocsServer } from "./server.js";

export const usage = `Usage: postline docs gen <module> [--out asyncapi.json|asyncapi.yaml] [options]
       postline docs serve <module> [--port 8000] [options]

The AsyncAPI 3.0 document of the App (or broker) a module exports: its servers, a channel per destination
(with the broker's bindings), a receive operation per subscriber and a send operation per publisher, and
their messages with JSON Schema payloads from the handlers' Standard Schemas. The module is imported, never
started: it must export the App, not run it.

Options:
  -e, --export <name>   the export to document (default: the default export)
  -o, --out <file>      gen: write the document here (default: standard output)
  -f, --format <f>      gen: json or yaml (default: from the --out extension, else json)
  -p, --port <port>     serve: the page's port (default 8000; 0 picks a free one)
      --host <host>     serve: the address to listen on (default 127.0.0.1)
  -h, --help            this help

serve shows the document as a page at /, and as /asyncapi.json and /asyncapi.yaml.`;

export async function run(argv: readonly string[], output: CliOutput, signal: AbortSignal): Promise<number> {
  const options = parseDocsOptions(argv);
  if (options === "help") {
    output.out(usage);
    return 0;
  }
  const loaded = await loadTarget(resolveModule(options.module), options.exportName);
  let document;
  try {
    document = asyncApiDocument(loaded.target.value);
  } catch (error) {
    throw new CommandError(`cannot document the export "${options.exportName}" of ${options.module}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (options.action === "gen") {
    const text = options.format === "yaml" ? toYaml(document) : `${JSON.stringify(document, null, 2)}\n`;
    if (options.out === undefined) {
      output.out(text.trimEnd());
    } else {
      await writeFile(options.out, text);
      output.err(`postline docs: wrote ${options.out} (AsyncAPI ${document.asyncapi}, ${Object.keys(document.channels).length} channels, ${Object.keys(document.operations).length} operations)`);
    }
    return 0;
  }
  const server = await startDocsServer(document, options.host, options.port);
  output.out(`postline docs: the AsyncAPI page is on ${server.url} (also ${server.url}asyncapi.json and ${server.url}asyncapi.yaml); Ctrl-C stops`);
  if (!signal.aborted) await once(signal, "abort");
  await server.close();
  return 0;
}
