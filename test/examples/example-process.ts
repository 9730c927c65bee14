// Runs `npm run example` the way package.json defines it (tsx resolved to its script, so the child is a plain
// Node process and signals reach the launcher), keeps its output, and stops it.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePorts } from "./reachability.js";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const script = (JSON.parse(readFileSync(`${repoRoot}package.json`, "utf8")) as { scripts: { example: string } }).scripts.example;
const [runner, ...runnerArgs] = script.split(" ");
if (runner !== "tsx") throw new Error(`package.json's example script no longer starts with tsx: ${script}`);

export class ExampleProcess {
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  readonly #waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.#child = spawn(process.execPath, [`${repoRoot}node_modules/tsx/dist/cli.mjs`, ...runnerArgs, ...args], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      let rest = "";
      stream?.setEncoding("utf8").on("data", (chunk: string) => {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop() ?? "";
        this.#lines.push(...parts);
        for (const waiter of this.#waiters) waiter();
      });
    }
    this.exited = once(this.#child, "exit").then(([code]) => code as number | null);
    void this.exited.then(() => this.#waiters.forEach((waiter) => waiter()));
  }

  get output(): string {
    return this.#lines.join("\n");
  }

  /** Every line so far that matches. */
  matches(pattern: RegExp): RegExpMatchArray[] {
    return this.#lines.map((line) => line.match(pattern)).filter((match): match is RegExpMatchArray => match !== null);
  }

  /** Waits for a line matching `pattern`; fails with the output so far after `timeoutMs` or if the process ends. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.matches(pattern)[0];
      if (match !== undefined) return match;
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
        throw new Error(`the example exited (${String(this.#child.exitCode ?? this.#child.signalCode)}) before printing ${String(pattern)}:\n${this.tail()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the example did not print ${String(pattern)} within ${timeoutMs / 1000} s:\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.#waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.#waiters.add(done);
      });
    }
  }

  tail(lines = 40): string {
    return this.#lines.slice(-lines).join("\n");
  }

  /**
   * SIGTERM, as Ctrl-C or a service manager would; resolves with the exit code. After `timeoutMs` the launcher
   * and the services it reported starting are killed, so a failed test leaves nothing running.
   */
  async stop(timeoutMs: number): Promise<number | null> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return this.exited;
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => {
      this.#child.kill("SIGKILL");
      for (const [, pid] of this.matches(/^monitoring example: started \w+ \(pid (\d+)\)$/)) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // already gone
        }
      }
    }, timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The example's three services over RabbitMQ, one round of start-up orders, exporting traces over OTLP/gRPC (the
 * seed's protocol) to `endpoint`, on free ports and destinations under `prefix`; resolves once the orders are out.
 */
export async function startExampleExportingOtlp(endpoint: string, prefix: string): Promise<ExampleProcess> {
  const ports = await freePorts(2);
  const example = new ExampleProcess(["--rounds", "1", "--http-port", String(ports[0]), "--metrics-port", String(ports[1])], {
    ...process.env,
    MONITORING_PREFIX: prefix,
    OTEL_TRACES_EXPORTER: "otlp",
    OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_BSP_SCHEDULE_DELAY: "200",
    OTEL_METRICS_EXPORTER: "none",
  });
  try {
    await example.waitFor(/order: start-up orders done/, 45_000);
  } catch (error) {
    await example.stop(20_000);
    throw error;
  }
  return example;
}
