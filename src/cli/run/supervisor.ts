// `postline run --workers N` and `--reload`: N worker processes, each loading the module and consuming as a
// competing consumer. A worker that crashes is started again with backoff; a reload stops every worker
// (each drains its in-flight messages) before the new ones start; the abort signal (SIGINT/SIGTERM) stops
// them all, gracefully, and resolves when the last one has exited.
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { CliOutput } from "../command.js";
import { restartDelayMs, STABLE_AFTER_MS } from "./backoff.js";
import { isWorkerMessage, WORKER_ID_VARIABLE, WORKER_SPEC_VARIABLE, type WorkerSpec } from "./worker-protocol.js";

/** A worker still draining this long after SIGTERM is killed (brokers time their own drain out at 30 s). */
const KILL_AFTER_MS = 60_000;

// worker-main.ts from source (run through tsx), worker-main.js once built.
const workerEntry = fileURLToPath(new URL(`./worker-main${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));

export interface SupervisorOptions {
  readonly workers: number;
  readonly spec: WorkerSpec;
  /** With --reload a worker that fails to start waits for the next change instead of failing the run. */
  readonly reload: boolean;
  readonly output: CliOutput;
  readonly env?: NodeJS.ProcessEnv;
}

interface Slot {
  readonly id: number;
  child: ChildProcess | undefined;
  /** The current child has told us it started. */
  started: boolean;
  startedAt: number;
  everStarted: boolean;
  crashes: number;
  restartTimer: NodeJS.Timeout | undefined;
  /** Set while the supervisor itself is stopping the child: its exit is not a crash. */
  stopping: boolean;
}

export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #slots: Slot[];
  #closing = false;
  #failed: ((code: number) => void) | undefined;
  readonly #killAll = (): void => {
    for (const slot of this.#slots) slot.child?.kill("SIGKILL");
  };

  constructor(options: SupervisorOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: options.workers }, (_, index) => ({
      id: index + 1,
      child: undefined,
      started: false,
      startedAt: 0,
      everStarted: false,
      crashes: 0,
      restartTimer: undefined,
      stopping: false,
    }));
  }

  /**
   * Starts the workers and resolves with the exit code: 0 once `signal` aborted and every worker has exited,
   * 1 when a worker fails on its first start (outside reload mode, where that means the module is broken).
   */
  async run(signal: AbortSignal): Promise<number> {
    // If this process is killed, its workers must not outlive it.
    process.on("exit", this.#killAll);
    const failed = new Promise<number>((resolve) => (this.#failed = resolve));
    try {
      for (const slot of this.#slots) this.#spawn(slot);
      const aborted = signal.aborted ? Promise.resolve() : once(signal, "abort").then(() => undefined);
      const code = await Promise.race([aborted.then(() => 0), failed]);
      this.#closing = true;
      this.#log(code === 0 ? `stopping ${this.#count()}` : `a worker could not start; stopping ${this.#count()}`);
      await this.#stopAll();
      if (code === 0) this.#log("all workers stopped");
      return code;
    } finally {
      process.off("exit", this.#killAll);
    }
  }

  /** Stops every worker (each drains), then starts them again: the new code runs only once the old is gone. */
  async restartAll(reason: string): Promise<void> {
    if (this.#closing) return;
    this.#log(`${reason}: restarting ${this.#count()}`);
    await this.#stopAll();
    if (this.#closing) return;
    for (const slot of this.#slots) {
      // New code: a failure to start is the edit's, and waits for the next change rather than a crash loop.
      slot.crashes = 0;
      slot.everStarted = false;
      this.#spawn(slot);
    }
  }

  #count(): string {
    return this.#slots.length === 1 ? "the worker" : `${this.#slots.length} workers`;
  }

  #spawn(slot: Slot): void {
    clearTimeout(slot.restartTimer);
    slot.restartTimer = undefined;
    slot.started = false;
    slot.stopping = false;
    const child = fork(workerEntry, [], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, ...this.#options.env, [WORKER_SPEC_VARIABLE]: JSON.stringify(this.#options.spec), [WORKER_ID_VARIABLE]: String(slot.id) },
    });
    slot.child = child;
    child.on("message", (message: unknown) => {
      if (!isWorkerMessage(message) || message.type !== "started" || slot.child !== child) return;
      slot.started = true;
      slot.everStarted = true;
      slot.startedAt = Date.now();
      this.#log(`worker ${slot.id} (pid ${child.pid}) started`);
    });
    child.once("exit", (code, signal) => this.#onExit(slot, child, code, signal));
  }

  #onExit(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.child !== child) return;
    slot.child = undefined;
    if (slot.stopping || this.#closing) return;
    const how = signal === null ? `with code ${code}` : `on ${signal}`;
    if (!slot.started && !slot.everStarted) {
      if (this.#options.reload) {
        this.#log(`worker ${slot.id} could not start (exited ${how}); waiting for a change`);
        return;
      }
      this.#failed?.(1);
      return;
    }
    if (slot.started && Date.now() - slot.startedAt >= STABLE_AFTER_MS) slot.crashes = 0;
    slot.crashes += 1;
    const delay = restartDelayMs(slot.crashes);
    this.#log(`worker ${slot.id} (pid ${child.pid}) exited ${how}; starting it again in ${(delay / 1000).toFixed(1)} s`);
    slot.restartTimer = setTimeout(() => {
      if (!this.#closing) this.#spawn(slot);
    }, delay);
  }

  async #stopAll(): Promise<void> {
    await Promise.all(this.#slots.map((slot) => this.#stop(slot)));
  }

  async #stop(slot: Slot): Promise<void> {
    clearTimeout(slot.restartTimer);
    slot.restartTimer = undefined;
    const child = slot.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    slot.stopping = true;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      this.#log(`worker ${slot.id} (pid ${child.pid}) still running ${KILL_AFTER_MS / 1000} s after SIGTERM; killing it`);
      child.kill("SIGKILL");
    }, KILL_AFTER_MS);
    await exited;
    clearTimeout(timer);
  }

  #log(line: string): void {
    this.#options.output.out(`postline run: ${line}`);
  }
}
