// The `postline traces` command and the demo as child processes, run from source through tsx the way
// `npm run traces` and `npm run demo` run them. Every wait is bounded, and a failure shows the output.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));

type Child = ChildProcessByStdio<null, Readable, Readable>;

/**
 * A TypeScript entry point of this repository, from source; output collected for error messages. In a process
 * group of its own: tsx runs the entry in a child process, and `postline run` starts workers, so killing the
 * group (`killGroup`) is what leaves nothing behind when a test fails.
 */
export function startSource(args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: Child; output: () => string } {
  const child = spawn(process.execPath, [tsx, "--conditions=postline-source", ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (output += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (output += text));
  return { child, output: () => output };
}

/** SIGKILL to the child's whole process group (see `startSource`); nothing when it is gone already. */
export function killGroup(child: Child): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // The group has exited.
  }
}

/** The exit code, or the child's group killed and an error after `timeoutMs`. */
export async function exitOf(child: Child, timeoutMs: number, output: () => string): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const timer = setTimeout(() => killGroup(child), timeoutMs);
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  if (signal === "SIGKILL") throw new Error(`the child did not exit within ${timeoutMs} ms; its output:\n${output()}`);
  return code;
}

export interface ViewerProcess {
  readonly pageUrl: string;
  readonly httpEndpoint: string;
  readonly grpcEndpoint: string;
  output(): string;
  /** SIGINT, as Ctrl-C sends; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `postline traces` on ports the system chooses; resolved once it has printed where it listens. */
export async function startViewerProcess(extraArgs: readonly string[] = [], timeoutMs = 30_000): Promise<ViewerProcess> {
  const { child, output } = startSource(["src/cli/main.ts", "traces", "--port", "0", "--http-port", "0", "--grpc-port", "0", ...extraArgs]);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = /viewer is on (http:\/\/\S+)/.exec(output())?.[1];
    const http = /OTLP\/HTTP\s+(http:\/\/\S+)\/v1\/traces/.exec(output())?.[1];
    const grpc = /OTLP\/gRPC\s+(http:\/\/\S+)/.exec(output())?.[1];
    if (page !== undefined && http !== undefined && grpc !== undefined) {
      return { pageUrl: page, httpEndpoint: http, grpcEndpoint: grpc, output, stop: () => (child.kill("SIGINT"), exitOf(child, 10_000, output)) };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      killGroup(child);
      throw new Error(`postline traces did not start (exit code ${child.exitCode}) within ${timeoutMs} ms; its output:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `npm run demo` once, exporting its trace over OTLP/gRPC to `grpcEndpoint`. */
export async function runDemo(grpcEndpoint: string, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const { child, output } = startSource(["examples/demo/main.ts"], {
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    OTEL_EXPORTER_OTLP_ENDPOINT: grpcEndpoint,
  });
  const code = await exitOf(child, timeoutMs, output);
  return { code, output: output() };
}
