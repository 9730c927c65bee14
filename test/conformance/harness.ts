import { onTestFinished, test } from "vitest";
import {
  Router,
  type Broker,
  type BrokerOptions,
  type Logger,
  type MessageContext,
  type Middleware,
  type RouterOptions,
  type Subscriber,
  type TransportCapabilities,
} from "../../src/core/index.js";
import { Collector, sleep, within } from "./wait.js";

/** What the suites pass to `createBroker`: the options every broker understands. */
export interface ConformanceBrokerOptions extends Omit<BrokerOptions<string>, "middlewares"> {
  /** Any broker's middlewares: the harness hands them to its own broker class. */
  readonly middlewares?: readonly Middleware<string>[];
}

// Publish options stay `Record<never, never>` rather than `any`: an `any` there would swallow the reply type
// that `request({ schema })` infers, and every broker's publish options extend it.
export type AnyBroker = Broker<string, any, Record<never, never>>;
export type AnyRouter = Router<string, any, Record<never, never>>;

/**
 * One broker, as the shared conformance suites see it. Every broker's test folder implements this once and
 * runs every `describe*` suite with it. Differences between brokers are the transport's capability flags or
 * `skip` entries with a reason; a suite never checks the harness name.
 */
export interface BrokerHarness {
  readonly name: string;
  /** Read them from the broker's transport, so the suites test what the adapter claims at runtime. */
  readonly capabilities: TransportCapabilities;
  /** A new, unstarted broker. Brokers created by one harness talk to each other (one server, or one hub). */
  createBroker(options?: ConformanceBrokerOptions): AnyBroker;
  /** The broker's router (`MemoryRouter`, `KafkaRouter`, ...); core `Router("*")` when absent. */
  createRouter?(options: RouterOptions<string>): AnyRouter;
  /** A destination name unique to this test run, so leftover state on a real broker cannot interfere. */
  destination(label: string): string;
  /**
   * Broker-specific options for every subscriber the suites register, e.g. a consumer group name. `group` is
   * set when a test wants competing consumers; without it each subscriber must receive every message.
   */
  subscriberOptions?(extra: { readonly group?: string }): Record<string, unknown>;
  /** How rejected messages reach a dead-letter destination; absent when the broker has none. */
  readonly deadLetter?: {
    /** Subscriber options that send rejected messages to `target` (and nacked ones after `maxDeliveries`). */
    subscriberOptions(target: string, limits: { readonly maxDeliveries?: number }): Record<string, unknown>;
    /** A header a dead-lettered message carries with its original destination, if the broker adds one. */
    readonly originHeader?: string;
  };
  /**
   * At-most-once subscriptions the server cannot slow down (NATS core, Redis pub/sub, MQTT): the subscriber
   * options that bound what waits for a handler. Absent where the server paces the subscriber.
   */
  readonly slowConsumer?: {
    subscriberOptions(maxPending: number): Record<string, unknown>;
  };
  /** What a request to a destination nobody consumes fails with. */
  readonly noResponders: "NoRespondersError" | "RequestTimeoutError";
  /** Resolves once the broker's started subscriptions receive (partition assignment, queue binding, ...). */
  ready?(broker: AnyBroker): Promise<void>;
  /** How long to watch for a message that must not arrive (a redelivery, a duplicate). Default 100 ms. */
  readonly settleDelayMs?: number;
  /** Deadline of every wait in the suites. Default 5 s. */
  readonly timeoutMs?: number;
  /**
   * Known gaps, keyed `"<suite> > <test title>"` (suites: publish, consume, ack, request-reply, middleware-order,
   * codecs, lifecycle), each with the reason it is skipped. The reason shows in the skipped test's title.
   */
  readonly skip?: Readonly<Record<string, string>>;
}

export interface LogEntry {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

/** A logger that keeps what it is told, so tests can assert on "logged" behaviour without printing it. */
export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  debug(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: "debug", message, fields });
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: "info", message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: "warn", message, fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: "error", message, fields });
  }

  /** Warnings and errors whose `error` field is an instance of `type`. */
  problems(type: abstract new (...args: any[]) => unknown): LogEntry[] {
    return this.entries.filter((entry) => (entry.level === "warn" || entry.level === "error") && entry.fields?.error instanceof type);
  }
}

/** What each conformance test gets: brokers that close themselves, names, waits and a recording logger. */
export interface Kit {
  readonly harness: BrokerHarness;
  readonly logger: RecordingLogger;
  readonly timeoutMs: number;
  /** A new broker, closed when the test ends. It logs to `logger` unless the options name another. */
  broker(options?: ConformanceBrokerOptions): AnyBroker;
  router(options?: RouterOptions<string>): AnyRouter;
  dest(label: string): string;
  /** The harness's subscriber options, to spread into every subscriber's options. */
  sub(extra?: { readonly group?: string }): Record<string, unknown>;
  /** Starts the broker and waits until its subscriptions receive. */
  start(broker: AnyBroker): Promise<void>;
  /** Waits until subscribers registered on an already running broker receive. */
  ready(broker: AnyBroker, ...subscribers: Subscriber[]): Promise<void>;
  collector<T>(): Collector<T>;
  /** Registers a subscriber that collects what it receives (with the harness's subscriber options). */
  listen<T = unknown>(registry: AnyBroker | AnyRouter, destination: string, options?: Record<string, unknown>): Collector<Received<T>>;
  /** Waits long enough that a message that must not arrive would have arrived. */
  quiet(): Promise<void>;
}

export interface Received<T> {
  readonly body: T;
  readonly context: MessageContext;
}

/** Requirements a test may declare; unmet ones skip it with the reason in its title. */
export type Need = "batchPublish" | "batchConsume" | "consumerGroups" | "redelivery" | "requestReply" | "deadLetter" | "slowConsumer";

function unmet(harness: BrokerHarness, needs: readonly Need[]): string | undefined {
  for (const need of needs) {
    if (need === "deadLetter") {
      if (harness.deadLetter === undefined) return `the ${harness.name} harness has no deadLetter hook`;
    } else if (need === "slowConsumer") {
      if (harness.slowConsumer === undefined) return `${harness.name} subscribers are paced by the broker (backpressure or acknowledgements), not bounded locally`;
    } else if (need === "requestReply") {
      if (harness.capabilities.requestReply === "none") return `${harness.name} has no request/reply`;
    } else if (!harness.capabilities[need]) {
      return `${harness.name} capability "${need}" is false`;
    }
  }
  return undefined;
}

function createKit(harness: BrokerHarness): Kit {
  const logger = new RecordingLogger();
  const timeoutMs = harness.timeoutMs ?? 5_000;
  const kit: Kit = {
    harness,
    logger,
    timeoutMs,
    broker(options = {}) {
      const broker = harness.createBroker({ logger, ...options });
      // Closing in the test's own teardown keeps a failing test from leaking consumers into the next one.
      onTestFinished(() => within(broker.close(), timeoutMs, `${harness.name} broker to close`));
      return broker;
    },
    router(options = {}) {
      return harness.createRouter?.(options) ?? new Router("*", options);
    },
    dest: (label) => harness.destination(label),
    sub: (extra = {}) => harness.subscriberOptions?.(extra) ?? (extra.group === undefined ? {} : { group: extra.group }),
    async start(broker) {
      await within(broker.start(), timeoutMs, `${harness.name} broker to start`);
      await harness.ready?.(broker);
    },
    async ready(broker, ...subscribers) {
      await within(Promise.all(subscribers.map((subscriber) => subscriber.start())), timeoutMs, "late subscribers to start");
      await harness.ready?.(broker);
    },
    collector: <T>() => new Collector<T>(timeoutMs),
    listen<T>(registry: AnyBroker | AnyRouter, destination: string, options: Record<string, unknown> = {}) {
      const got = new Collector<Received<T>>(timeoutMs);
      registry.subscriber(destination, { ...kit.sub(), ...options }).handle((body: T, context) => {
        got.push({ body, context });
      });
      return got;
    },
    quiet: () => sleep(harness.settleDelayMs ?? 100),
  };
  return kit;
}

/**
 * Declares the tests of one suite for one harness. A test that needs a capability the broker lacks, or that
 * the harness lists in `skip`, is still declared, as skipped, with the reason in its title: never silently.
 */
export function conformance(harness: BrokerHarness, suite: string) {
  return function it(title: string, fn: (kit: Kit) => Promise<void> | void, options: { needs?: readonly Need[]; skipBecause?: string | undefined } = {}): void {
    const reason = unmet(harness, options.needs ?? []) ?? options.skipBecause ?? harness.skip?.[`${suite} > ${title}`];
    if (reason !== undefined) test.skip(`${title} [skipped: ${reason}]`, () => undefined);
    else test(title, () => fn(createKit(harness)));
  };
}
