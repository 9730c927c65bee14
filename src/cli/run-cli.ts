// Dispatch from `postline <command> ...` to the command's module, and the one place where failures become
// messages and exit codes: 2 for a usage error, 1 for anything else.
import { readFileSync } from "node:fs";
import { CommandError, UsageError } from "./cli-errors.js";
import type { CliOutput, CommandEntry } from "./command.js";

export async function runCli(argv: readonly string[], commands: Readonly<Record<string, CommandEntry>>, output: CliOutput, signal: AbortSignal): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h" || name === "help") {
    output.out(overallUsage(commands));
    return 0;
  }
  if (name === "--version" || name === "-v") {
    output.out(packageVersion());
    return 0;
  }
  const entry = name === undefined ? undefined : Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (name === undefined || entry === undefined) {
    output.err(`${name === undefined ? "postline: no command given" : `postline: unknown command "${name}"`}\n\n${overallUsage(commands)}`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(rest, output, signal);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`postline ${name}: ${error.message}\nSee "postline ${name} --help" for its options.`);
      return 2;
    }
    output.err(`postline ${name}: ${describe(error)}`);
    return 1;
  }
}

function describe(error: unknown): string {
  if (error instanceof CommandError) return error.message;
  const { code, address, port } = (error ?? {}) as { code?: unknown; address?: unknown; port?: unknown };
  // The usual start-up failures of a server, said plainly; anything unexpected keeps its stack.
  if (code === "EADDRINUSE") return `port ${String(port)} on ${String(address)} is already in use (another viewer or collector?); choose another with the port options`;
  if (code === "EADDRNOTAVAIL") return `cannot listen on ${String(address)}: no such local address`;
  if (code === "EACCES") return `not allowed to listen on port ${String(port)} of ${String(address)}`;
  if (error instanceof Error && /No address added out of total|Failed to add port/.test(error.message)) return `the gRPC receiver could not listen: ${error.message}`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function overallUsage(commands: Readonly<Record<string, CommandEntry>>): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `Usage: postline <command> [options]\n\nCommands:\n${lines.join("\n")}\n\n"postline <command> --help" describes a command's options.`;
}

// Two levels up from src/cli/ and from dist/cli/ alike.
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return manifest.version ?? "unknown";
}
