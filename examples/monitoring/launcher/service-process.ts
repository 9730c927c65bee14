// One service as a child process: its output prefixed with its name, its ready line awaited, and a graceful
// stop (SIGTERM: the service's App drains its handlers and flushes telemetry) with a deadline.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

export interface ServiceProcessOptions {
  readonly name: string;
  /** The service's entry file. */
  readonly entry: string;
  readonly env: NodeJS.ProcessEnv;
  /** Where each line of the service's output goes, prefixed. */
  readonly write: (line: string) => void;
}

export class ServiceProcess {
  readonly name: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #readyLine: string | undefined;
  readonly #readyWaiters = new Set<(line: string) => void>();

  constructor(options: ServiceProcessOptions) {
    this.name = options.name;
    // The same runtime and loader flags as this launcher (tsx's, when run with it). Its own process group:
    // Ctrl-C reaches the launcher alone, which then stops each service exactly once.
    this.#child = spawn(process.execPath, [...process.execArgv, options.entry], {
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const prefix = `${options.name.padEnd(12)} │ `;
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
        options.write(prefix + line);
        if (this.#readyLine === undefined && line.startsWith(`${options.name}: ready`)) {
          this.#readyLine = line;
          for (const waiter of this.#readyWaiters) waiter(line);
        }
      });
    }
    this.#exited = once(this.#child, "exit").then(([code]) => code as number | null);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The exit code (null when killed by a signal). */
  get exited(): Promise<number | null> {
    return this.#exited;
  }

  /** Resolves with the ready line; rejects if the service exits first or takes longer than `timeoutMs`. */
  ready(timeoutMs: number): Promise<string> {
    if (this.#readyLine !== undefined) return Promise.resolve(this.#readyLine);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} was not ready within ${timeoutMs / 1000} s`)), timeoutMs);
      const done = (line: string): void => {
        clearTimeout(timer);
        resolve(line);
      };
      this.#readyWaiters.add(done);
      void this.#exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${String(code)}) before it was ready`));
      });
    });
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code once the process is gone. */
  async stop(timeoutMs: number): Promise<number | null> {
    if (!this.running) return this.#exited;
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), timeoutMs);
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Last resort when the launcher itself is exiting: no waiting possible. */
  kill(): void {
    if (this.running) this.#child.kill("SIGKILL");
  }
}
