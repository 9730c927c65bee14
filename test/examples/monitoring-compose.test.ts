// compose.yaml and the configuration it mounts, checked without a Docker engine: everything parses, every
// referenced file exists, and the pieces point at each other (ports, hosts, datasource uids, paths).
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { dashboardExpressions, monitoringDir, namesInQueries, readDashboard } from "./dashboard-queries.js";
import { repoRoot } from "./example-process.js";

const read = (path: string): string => readFileSync(`${monitoringDir}${path}`, "utf8");
const yaml = (path: string): Record<string, any> => parse(read(path), { merge: true }) as Record<string, any>;

const compose = yaml("compose.yaml");
const services = compose.services as Record<string, Record<string, any>>;
const exampleServices = ["order", "trade", "notification"] as const;

describe("examples/monitoring/compose.yaml", () => {
  it("has the three services, RabbitMQ, Prometheus, Grafana, and Tempo, Jaeger and Zipkin as profiles", () => {
    expect(Object.keys(services).sort()).toEqual(["grafana", "jaeger", "notification", "order", "prometheus", "rabbitmq", "tempo", "trade", "zipkin"]);
    for (const always of ["order", "trade", "notification", "rabbitmq", "prometheus", "grafana"]) expect(services[always]!.profiles, always).toBeUndefined();
    for (const backend of ["tempo", "jaeger", "zipkin"]) expect(services[backend]!.profiles).toEqual([backend]);
    // .env makes Tempo the default profile.
    expect(read(".env")).toMatch(/^COMPOSE_PROFILES=tempo$/m);
  });

  it("builds the services from a Dockerfile on the official Node image, with sources that exist", () => {
    for (const name of exampleServices) {
      const service = services[name]!;
      const context = new URL(`${service.build.context as string}/`, `file://${monitoringDir}`).pathname;
      expect(context).toBe(repoRoot);
      const dockerfile = readFileSync(`${context}${service.build.dockerfile as string}`, "utf8");
      expect(dockerfile).toMatch(/^FROM node:24(-slim)?$/m);
      for (const [, sources] of dockerfile.matchAll(/^COPY (.+) \S+$/gm)) {
        for (const source of sources!.split(" ")) expect(existsSync(`${context}${source}`), `COPY ${source}`).toBe(true);
      }
      const entry = (service.command as string[])[0]!;
      expect(entry).toBe(`examples/monitoring/${name}/main.ts`);
      expect(existsSync(`${context}${entry}`), entry).toBe(true);
      expect(dockerfile).toContain("node_modules/tsx/dist/cli.mjs");
      expect(existsSync(`${repoRoot}node_modules/tsx/dist/cli.mjs`)).toBe(true);
    }
    expect(existsSync(`${monitoringDir}Dockerfile.dockerignore`)).toBe(true);
  });

  it("configures the services' SDK through standard OTEL_* variables: OTLP gRPC to the trace backend, Prometheus on 9464", () => {
    for (const name of exampleServices) {
      const environment = services[name]!.environment as Record<string, string>;
      expect(environment).toMatchObject({
        OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://traces:4317",
        OTEL_METRICS_EXPORTER: "prometheus",
        OTEL_EXPORTER_PROMETHEUS_PORT: "9464",
        POSTLINE_RABBIT_URL: "amqp://guest:guest@rabbitmq:5672",
      });
      expect(environment.OTEL_TRACES_EXPORTER).toMatch(/^\$\{OTEL_TRACES_EXPORTER:-otlp\}$/);
    }
    // "traces" is whichever OTLP backend runs.
    for (const backend of ["tempo", "jaeger"]) expect(services[backend]!.networks.default.aliases).toContain("traces");
    expect(services.order!.ports).toContain("8000:8000");
    expect(services.order!.environment.ORDER_HTTP_PORT).toBe("8000");
  });

  it("mounts only files and directories that exist", () => {
    const mounts = Object.values(services).flatMap((service) => (service.volumes ?? []) as string[]);
    const local = mounts.filter((mount) => mount.startsWith("./"));
    expect(local.length).toBeGreaterThanOrEqual(4);
    for (const mount of local) expect(existsSync(`${monitoringDir}${mount.split(":")[0]!.slice(2)}`), mount).toBe(true);
    const named = mounts.filter((mount) => !mount.startsWith("./")).map((mount) => mount.split(":")[0]);
    for (const volume of named) expect(Object.keys(compose.volumes as object)).toContain(volume);
  });
});

describe("the configuration compose.yaml mounts", () => {
  it("Prometheus scrapes each service's /metrics port as a job named after it", () => {
    const prometheus = yaml("prometheus/prometheus.yaml");
    const jobs = new Map((prometheus.scrape_configs as { job_name: string; static_configs: { targets: string[] }[] }[]).map((job) => [job.job_name, job.static_configs.flatMap((config) => config.targets)]));
    for (const name of exampleServices) expect(jobs.get(name)).toEqual([`${name}:9464`]);
    expect(services.prometheus!.command).toContain("--web.enable-remote-write-receiver");
  });

  it("Tempo receives OTLP over gRPC and generates the service graph and span metrics into Prometheus", () => {
    const tempo = yaml("tempo/tempo.yaml");
    expect(tempo.distributor.receivers.otlp.protocols.grpc.endpoint).toBe("0.0.0.0:4317");
    expect(tempo.metrics_generator.storage.remote_write[0].url).toBe("http://prometheus:9090/api/v1/write");
    expect(tempo.overrides.defaults.metrics_generator.processors).toEqual(expect.arrayContaining(["service-graphs", "span-metrics"]));
    expect(tempo.metrics_generator.processor.span_metrics.dimensions).toContain("messaging.postline.settlement");
    expect(services.tempo!.ports).toContain("4317:4317");
  });

  it("Grafana has Prometheus and Tempo datasources and loads the dashboard from where compose mounts it", () => {
    const datasources = (yaml("grafana/provisioning/datasources/datasources.yaml").datasources as { type: string; uid: string; url: string; jsonData?: any }[]);
    const byType = new Map(datasources.map((source) => [source.type, source]));
    expect(byType.get("prometheus")?.url).toBe("http://prometheus:9090");
    expect(byType.get("tempo")?.url).toBe("http://tempo:3200");
    expect(byType.get("tempo")?.jsonData.serviceMap.datasourceUid).toBe(byType.get("prometheus")?.uid);
    const providers = yaml("grafana/provisioning/dashboards/dashboards.yaml").providers as { options: { path: string } }[];
    const dashboardsMount = (services.grafana!.volumes as string[]).find((mount) => mount.startsWith("./grafana/dashboards:"));
    expect(dashboardsMount?.split(":")[1]).toBe(providers[0]?.options.path);

    const dashboard = readDashboard();
    const uids = new Set(datasources.map((source) => source.uid));
    for (const panel of dashboard.panels) expect(uids, `panel "${panel.title}"`).toContain(panel.datasource?.uid);
    const titles = dashboard.panels.map((panel) => panel.title).join(" | ");
    for (const topic of [/sent/i, /processed/i, /send duration p50 \/ p99/i, /process duration p50 \/ p99/i, /error/i, /settlement/i]) expect(titles).toMatch(topic);
  });

  it("the dashboard queries Postline's semconv metric names as the Prometheus exporter spells them", () => {
    const { metrics } = namesInQueries(dashboardExpressions());
    const postline = [...metrics].filter((name) => name.startsWith("messaging_"));
    // messaging.client.operation.duration, messaging.process.duration, messaging.client.{sent,consumed}.messages
    expect(postline.sort()).toEqual([
      "messaging_client_consumed_messages_total",
      "messaging_client_operation_duration_bucket",
      "messaging_client_operation_duration_count",
      "messaging_client_sent_messages_total",
      "messaging_process_duration_bucket",
      "messaging_process_duration_count",
    ]);
    // The rest come from Tempo's span metrics, which compose configures.
    expect([...metrics].filter((name) => !name.startsWith("messaging_"))).toEqual(["traces_spanmetrics_calls_total"]);
  });
});
