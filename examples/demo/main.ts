// `npm run demo`: the seed chain first → second → third on a broker, traced with OpenTelemetry, and the
// finished trace drawn in the terminal. `--serve` keeps the handlers running until SIGINT/SIGTERM.
import { App } from "postline";
import { parseDemoArgs, usage } from "./args.js";
import { brokerFactories } from "./brokers.js";
import { chains } from "./chains.js";
import { readDemoEnvironment } from "./environment.js";
import { printTraces } from "./print-traces.js";
import { runOnce } from "./run-once.js";
import { serve } from "./serve.js";
import { startupLines } from "./startup.js";
import { startTelemetry, TelemetryExportError } from "./telemetry.js";
import { TraceCollector } from "./trace-collector.js";
import { UsageError } from "./usage-error.js";

async function main(argv: readonly string[]): Promise<void> {
  const args = parseDemoArgs(argv);
  if (args.help) {
    console.log(usage);
    return;
  }
  const environment = readDemoEnvironment();
  // A service prints each trace as it completes; a single run prints its trace at the end.
  const collector = new TraceCollector(args.serve ? { onTraceComplete: (spans) => void printTraces([spans]) } : {});
  const telemetry = await startTelemetry(environment, collector);
  let failure: Error | undefined;
  try {
    console.log(startupLines(args, environment));
    const broker = await brokerFactories[args.broker]({ tracerProvider: telemetry.tracerProvider, semconv: environment.semconv });
    // The App's place to flush telemetry: after the brokers have closed.
    const app = new App(broker, { afterShutdown: () => telemetry.shutdown() });
    if (args.serve) await serve(app, broker, chains[args.style], args.broker);
    else await runOnce(app, broker, chains[args.style]);
  } catch (error) {
    failure = asError(error);
  }
  // Flushed here too for a run that failed early: what was recorded still reaches the exporters.
  const exportFailure = await telemetry.shutdown().then(
    () => undefined,
    (error: unknown) => asError(error),
  );
  // The waterfall comes from memory, so it is shown even when the run or an export failed.
  const traces = collector.takePending();
  if (traces.length === 0 && !args.serve) console.log(`\nno spans were recorded${process.env.OTEL_SDK_DISABLED === "true" ? " (OTEL_SDK_DISABLED=true)" : ""}`);
  await printTraces(traces);
  if (failure !== undefined) throw failure;
  if (exportFailure !== undefined) throw exportFailure;
}

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

try {
  await main(process.argv.slice(2));
  process.exitCode = 0;
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`demo: ${error.message}\n\n${usage}\n`);
    process.exitCode = 2;
  } else {
    // An export failure is the collector's side (unreachable, refused); anything else gets its stack.
    const detail = error instanceof TelemetryExportError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`demo failed: ${detail}\n`);
    process.exitCode = 1;
  }
}
