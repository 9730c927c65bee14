import type { Logger } from "./logger.js";
import { consoleLogger } from "./logger.js";
import { recordApp, type AppDocumentation } from "./registrations.js";

/** What an App runs: any Postline broker. */
export interface Startable {
  start(): Promise<void>;
  close(): Promise<void>;
}

export type Hook = () => void | Promise<void>;

/**
 * The signals a service stops on. Spelled out rather than `NodeJS.Signals` so that the public types do not
 * need @types/node (a TypeScript ≥ 6 project's `types` is empty unless it says otherwise).
 */
export type ShutdownSignal = "SIGINT" | "SIGTERM" | "SIGHUP" | "SIGQUIT" | "SIGUSR1" | "SIGUSR2" | "SIGBREAK";

/** Lifecycle hooks and signals; `title`, `version` and `description` document the service (AsyncAPI). */
export interface AppOptions extends AppDocumentation {
  readonly onStartup?: Hook | readonly Hook[];
  readonly afterStartup?: Hook | readonly Hook[];
  readonly onShutdown?: Hook | readonly Hook[];
  readonly afterShutdown?: Hook | readonly Hook[];
  readonly logger?: Logger;
  /** Signals that stop `run()` (default SIGINT and SIGTERM). */
  readonly signals?: readonly ShutdownSignal[];
}

const list = (hooks: Hook | readonly Hook[] | undefined): Hook[] => (hooks === undefined ? [] : Array.isArray(hooks) ? [...(hooks as Hook[])] : [hooks as Hook]);

/**
 * Runs brokers as a service, FastStream's lifecycle: `onStartup` → brokers start → `afterStartup`; on a
 * signal, `onShutdown` → brokers close (stop consuming, finish in-flight handlers) → `afterShutdown` (flush
 * telemetry here: `sdk.shutdown()`).
 */
export class App {
  readonly #brokers: readonly Startable[];
  readonly #hooks: Record<"onStartup" | "afterStartup" | "onShutdown" | "afterShutdown", Hook[]>;
  readonly #logger: Logger;
  readonly #signals: readonly ShutdownSignal[];
  #running = false;

  constructor(brokers: Startable | readonly Startable[], options: AppOptions = {}) {
    this.#brokers = Array.isArray(brokers) ? (brokers as Startable[]) : [brokers as Startable];
    this.#hooks = {
      onStartup: list(options.onStartup),
      afterStartup: list(options.afterStartup),
      onShutdown: list(options.onShutdown),
      afterShutdown: list(options.afterShutdown),
    };
    this.#logger = options.logger ?? consoleLogger("info", "postline:app");
    this.#signals = options.signals ?? ["SIGINT", "SIGTERM"];
    recordApp(this, { brokers: this.#brokers, documentation: { title: options.title, version: options.version, description: options.description } });
  }

  onStartup(hook: Hook): this {
    this.#hooks.onStartup.push(hook);
    return this;
  }

  afterStartup(hook: Hook): this {
    this.#hooks.afterStartup.push(hook);
    return this;
  }

  onShutdown(hook: Hook): this {
    this.#hooks.onShutdown.push(hook);
    return this;
  }

  afterShutdown(hook: Hook): this {
    this.#hooks.afterShutdown.push(hook);
    return this;
  }

  async start(): Promise<void> {
    await this.#run("onStartup");
    await Promise.all(this.#brokers.map((broker) => broker.start()));
    this.#running = true;
    await this.#run("afterStartup");
    this.#logger.info("application started");
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#logger.info("application stopping");
    await this.#run("onShutdown");
    await Promise.all(this.#brokers.map((broker) => broker.close()));
    await this.#run("afterShutdown");
    this.#logger.info("application stopped");
  }

  /**
   * Starts, waits for SIGINT/SIGTERM, stops gracefully. Resolves once everything is closed. The signal
   * listeners are installed before startup, so a signal during `afterStartup` still stops gracefully, and the
   * process is kept alive while waiting even when no broker holds a socket (the in-process broker).
   */
  async run(): Promise<void> {
    let keepAlive: NodeJS.Timeout | undefined;
    const stopSignal = new Promise<void>((resolve) => {
      const onSignal = (signal: ShutdownSignal): void => {
        this.#logger.info(`received ${signal}`);
        for (const name of this.#signals) process.off(name, onSignal);
        resolve();
      };
      for (const name of this.#signals) process.on(name, onSignal);
    });
    try {
      keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
      await this.start();
      await stopSignal;
    } finally {
      clearInterval(keepAlive);
      await this.stop();
    }
  }

  async #run(phase: "onStartup" | "afterStartup" | "onShutdown" | "afterShutdown"): Promise<void> {
    for (const hook of this.#hooks[phase]) await hook();
  }
}
