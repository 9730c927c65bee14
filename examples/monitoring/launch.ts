// `npm run example`: the three services of the monitoring example, each in its own process, until Ctrl-C or
// SIGTERM. The consumers start first, so that the order service's first messages find them.
import { fileURLToPath } from "node:url";
import { parseLaunchArgs, usage, UsageError, type LaunchArgs, type ServiceName } from "./launcher/args.js";
import { metricsPortOf, serviceEnv, tracesDestination } from "./launcher/service-env.js";
import { ServiceProcess } from "./launcher/service-process.js";

const readyTimeoutMs = 60_000;
const stopTimeoutMs = 15_000;

function entryOf(service: ServiceName): string {
  return fileURLToPath(new URL(`./${service}/main.ts`, import.meta.url));
}

function startupLines(args: LaunchArgs): string {
  const lines = [`monitoring example: ${args.services.join(", ")} on ${args.broker}`, `  traces: ${tracesDestination()}`];
  if (args.services.includes("order")) lines.push(`  orders: curl -X POST localhost:${args.httpPort}/orders -H 'content-type: application/json' -d '{"symbol":"AAPL","quantity":5,"tier":"gold"}'`);
  const prometheus = (process.env.OTEL_METRICS_EXPORTER || "prometheus").split(",").includes("prometheus");
  if (prometheus) lines.push(`  metrics: ${args.services.map((service) => `${service} http://${process.env.OTEL_EXPORTER_PROMETHEUS_HOST || "localhost"}:${metricsPortOf(args, service)}/metrics`).join(", ")}`);
  lines.push("  stop with Ctrl-C");
  return lines.join("\n");
}

async function launch(args: LaunchArgs): Promise<number> {
  console.log(startupLines(args));
  const services: ServiceProcess[] = [];
  let stopping: Promise<number> | undefined;
  let settle: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => (settle = resolve));
  const stopAll = (code: number): Promise<number> =>
    (stopping ??= (async () => {
      const codes = await Promise.all(services.map((service) => service.stop(stopTimeoutMs)));
      const failed = codes.some((exit) => exit !== 0);
      console.log(`monitoring example: stopped${failed ? ` (exit codes ${codes.map(String).join(", ")})` : ""}`);
      settle(failed ? 1 : code);
      return failed ? 1 : code;
    })());

  // Each signal stops the services once; a second Ctrl-C does not interrupt their graceful shutdown.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stopAll(0));
  // If the launcher dies of something else, it must not leave the services behind.
  process.on("exit", () => services.forEach((service) => service.kill()));

  const write = (line: string): void => void process.stdout.write(`${line}\n`);
  const consumers = args.services.filter((name) => name !== "order");
  try {
    for (const group of [consumers, args.services.filter((name) => name === "order")]) {
      const started = group.map((name) => new ServiceProcess({ name, entry: entryOf(name), env: serviceEnv(args, name), write }));
      services.push(...started);
      for (const service of started) console.log(`monitoring example: started ${service.name} (pid ${String(service.pid)})`);
      for (const service of started) {
        // A service that stops on its own, while the others run, ends the example.
        void service.exited.then((code) => {
          if (stopping === undefined) {
            console.error(`monitoring example: ${service.name} exited (code ${String(code)}); stopping the others`);
            void stopAll(1);
          }
        });
      }
      await Promise.all(started.map((service) => service.ready(readyTimeoutMs)));
      if (stopping !== undefined) return stopping;
    }
  } catch (error) {
    console.error(`monitoring example: ${error instanceof Error ? error.message : String(error)}`);
    return stopAll(1);
  }
  console.log("monitoring example: all services ready");
  return stopped;
}

try {
  const args = parseLaunchArgs(process.argv.slice(2));
  if (args.help) console.log(usage);
  else process.exitCode = await launch(args);
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`example: ${error.message}\n\n${usage}\n`);
  process.exitCode = 2;
}
