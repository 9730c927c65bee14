// The demo chain as a service for `postline run` and `postline docs`: a factory that builds the broker, registers
// the seed chain first → second → third (chains.ts) on it and returns the App, started by the CLI, never here.
//
//   postline run examples/demo/app.ts --workers 2 [-- --broker rabbit --style class --group demo --prefix dev.]
//   postline docs gen examples/demo/app.ts --out asyncapi.yaml      (the broker from POSTLINE_DEMO_BROKER)
//
// `npm run demo` (main.ts) is unaffected: it registers the chain as it is, for one process.
import { parseArgs } from "node:util";
import { trace } from "@opentelemetry/api";
import { App, type Broker } from "postline";
import { z } from "zod";
import { handlerStyles, type HandlerStyle } from "./args.js";
import { brokerFactories, brokerNames, isBrokerName, type BrokerName } from "./brokers.js";
import { chains } from "./chains.js";
import { readDemoEnvironment } from "./environment.js";
import { startTelemetry, type DemoTelemetry } from "./telemetry.js";
import { TraceCollector } from "./trace-collector.js";
import { UsageError } from "./usage-error.js";

/** `postline docs` passes no app arguments, so the broker can also be chosen here. */
export const brokerVariable = "POSTLINE_DEMO_BROKER";

// Every broker but Redis can make a plain destination's subscribers compete (Redis would need streams).
const competing: Record<BrokerName, boolean> = { confluent: true, kafka: true, memory: true, mqtt: true, nats: true, rabbit: true, redis: false };

/** What the chain passes along: the same text at every step. Validated on receipt, documented on sending. */
const Text = z.string().describe("The text sent into the chain; every step passes it on unchanged.");

const steps: Record<string, { title: string; description: string }> = {
  first: { title: "First step", description: "Takes the text sent into the chain, works on it for 100 ms and sends it on to second." },
  second: { title: "Second step", description: "Works on the text for 50 ms and sends it on to third." },
  third: { title: "Third step", description: "The end of the chain: works on the text for 75 ms and logs that it was handled." },
};

interface ServiceArgs {
  readonly broker: BrokerName;
  readonly style: HandlerStyle;
  /** The consumer group of every step, so that the workers of `--workers N` share the messages. */
  readonly group: string;
  /** Prepended to the destinations, e.g. to keep a test's exchanges and queues apart. */
  readonly prefix: string;
}

function parseServiceArgs(args: readonly string[]): ServiceArgs {
  const { values } = parseArgs({
    args: [...args],
    options: { broker: { type: "string" }, style: { type: "string" }, group: { type: "string" }, prefix: { type: "string" } },
  });
  const broker = values.broker ?? process.env[brokerVariable] ?? "rabbit";
  if (!isBrokerName(broker)) throw new UsageError(`unknown broker "${broker}"; choose one of: ${brokerNames.join(", ")}`);
  const style = handlerStyles.find((candidate) => candidate === (values.style ?? "functional"));
  if (style === undefined) throw new UsageError(`unknown style "${values.style}"; choose one of: ${handlerStyles.join(", ")}`);
  const group = values.group ?? "demo";
  if (group === "") throw new UsageError("--group needs a name");
  return { broker, style, group, prefix: values.prefix ?? "" };
}

/**
 * The broker as the chain sees it: each step's destination gets the prefix, its subscriber the group, the
 * text schema and the step's documentation, each publisher the prefix and the schema. The chain modules take a
 * Broker and say nothing of groups, so this view is how the service adds them without changing the chain.
 */
function serviceView(broker: Broker<string>, args: ServiceArgs): Broker<string> {
  const group = competing[args.broker] ? { group: args.group } : {};
  const subscriber = (destination: string, options: object = {}) =>
    broker.subscriber(args.prefix + destination, { ...steps[destination], schema: Text, ...group, ...options });
  const publisher = (destination: string, options: object = {}) => broker.publisher(args.prefix + destination, { schema: Text, ...options });
  return new Proxy(broker, {
    get(target, property) {
      if (property === "subscriber") return subscriber;
      if (property === "publisher") return publisher;
      // Bound to the broker itself: its private fields are not reachable through the proxy.
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export default async function createDemoApp(appArgs: readonly string[]): Promise<App> {
  const args = parseServiceArgs(appArgs);
  const environment = readDemoEnvironment();
  // The middleware gets the global provider, which delegates to the SDK once it is registered: the SDK starts
  // with the App (onStartup), so `postline docs`, which never starts it, starts no telemetry either.
  const broker = await brokerFactories[args.broker]({ tracerProvider: trace.getTracerProvider(), semconv: environment.semconv });
  const worker = process.env.POSTLINE_WORKER === undefined ? "" : `worker ${process.env.POSTLINE_WORKER}: `;
  chains[args.style](serviceView(broker, args), (message) => console.log(`${worker}"third" handled ${JSON.stringify(message)}`));

  let telemetry: DemoTelemetry | undefined;
  const grouping = competing[args.broker] ? `group ${args.group}` : "no group: every worker gets every message";
  return new App(broker, {
    title: `Postline demo chain on ${args.broker}`,
    description:
      `The seed chain first → second → third, its handlers written in the ${args.style} style and traced with OpenTelemetry ` +
      `(exported as the OTEL_* variables say). Text sent to first is passed on unchanged by every step.`,
    onStartup: async () => {
      // A service exports its spans (OTEL_TRACES_EXPORTER); the terminal waterfall is `npm run demo`'s, so the
      // collector forgets each trace once it is complete instead of keeping it.
      telemetry = await startTelemetry(environment, new TraceCollector({ onTraceComplete: () => undefined }));
    },
    afterStartup: () => console.log(`${worker}ready: first → second → third on ${args.broker} (${grouping}${args.prefix === "" ? "" : `, prefix ${args.prefix}`})`),
    afterShutdown: () => telemetry?.shutdown(),
  });
}
