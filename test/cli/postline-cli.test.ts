// The `postline` entry point: help, unknown commands, usage errors and start-up failures as readable
// messages with exit codes (2 for usage, 1 for the rest); a missing optional package named with the fix.
import { createServer } from "node:net";
import { once } from "node:events";
import { expect, test } from "vitest";
import { CommandError } from "../../src/cli/cli-errors.js";
import { commands } from "../../src/cli/commands.js";
import { importOptional } from "../../src/cli/optional-package.js";
import { runCli } from "../../src/cli/run-cli.js";
import { startGrpcReceiver } from "../../src/cli/traces/grpc-receiver.js";

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, commands, { out: (text) => (out += `${text}\n`), err: (text) => (err += `${text}\n`) }, AbortSignal.abort());
  return { code, out, err };
}

test("--help lists the commands; a command's --help prints its options", async () => {
  const overall = await cli("--help");
  expect(overall).toMatchObject({ code: 0, err: "" });
  expect(overall.out).toMatch(/Usage: postline <command>[\s\S]*traces +a local OTLP receiver/);
  const traces = await cli("traces", "--help");
  expect(traces.code).toBe(0);
  for (const option of ["--port", "--http-port", "--grpc-port", "--no-grpc", "--host", "--max-traces"]) expect(traces.out).toContain(option);
});

test("no command, or an unknown one, is a usage error with the list of commands", async () => {
  expect(await cli()).toMatchObject({ code: 2, err: expect.stringMatching(/^postline: no command given[\s\S]*Commands:/) });
  expect(await cli("trace")).toMatchObject({ code: 2, err: expect.stringMatching(/^postline: unknown command "trace"/) });
});

test("bad options are usage errors that name the option", async () => {
  expect(await cli("traces", "--port", "http")).toMatchObject({ code: 2, err: expect.stringContaining('--port must be a port number from 0 to 65535, got "http"') });
  expect(await cli("traces", "--max-traces", "0")).toMatchObject({ code: 2, err: expect.stringContaining("--max-traces must be a whole number of at least 1") });
  const unknown = await cli("traces", "--colour");
  expect(unknown).toMatchObject({ code: 2, err: expect.stringContaining("--colour") });
  expect(unknown.err).toContain('See "postline traces --help"');
});

test("a port in use fails the start with a message, not a stack, and leaves nothing listening", async () => {
  const blocker = createServer().listen(0, "127.0.0.1");
  await once(blocker, "listening");
  const { port } = blocker.address() as { port: number };
  try {
    const result = await cli("traces", "--port", "0", "--http-port", String(port), "--grpc-port", "0");
    expect(result.code).toBe(1);
    expect(result.err.trim()).toBe(`postline traces: port ${port} on 127.0.0.1 is already in use (another viewer or collector?); choose another with the port options`);
  } finally {
    blocker.close();
  }
});

test("the viewer starts and stops when its signal aborts, printing its endpoints", async () => {
  const stop = new AbortController();
  let out = "";
  const running = runCli(["traces", "--port", "0", "--http-port", "0", "--no-grpc"], commands, { out: (text) => (out += text), err: () => {} }, stop.signal);
  await expect.poll(() => out, { timeout: 10_000 }).toContain("OTLP/gRPC  off (--no-grpc)");
  expect(out).toMatch(/viewer is on http:\/\/127\.0\.0\.1:\d+/);
  stop.abort();
  expect(await running).toBe(0);
});

test("a missing optional package names itself and the way around it", async () => {
  const notFound = Object.assign(new Error("Cannot find package '@grpc/grpc-js' imported from /app/cli.js"), { code: "ERR_MODULE_NOT_FOUND" });
  const receiving = startGrpcReceiver({ host: "127.0.0.1", port: 0, onSpans: () => {} }, () => Promise.reject(notFound));
  await expect(receiving).rejects.toThrow(CommandError);
  await expect(receiving).rejects.toThrow(/needs the package "@grpc\/grpc-js", which is not installed\. Install it with: npm install --save-dev @grpc\/grpc-js\nOr start it with --no-grpc/);
  // A package that is there but fails while loading keeps its own error.
  const broken = Object.assign(new Error("Cannot find module './lib' imported from @grpc/grpc-js"), { code: "ERR_MODULE_NOT_FOUND" });
  await expect(importOptional("@grpc/grpc-js", "x", "y", () => Promise.reject(broken))).rejects.toBe(broken);
});
