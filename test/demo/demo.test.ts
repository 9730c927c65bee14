// `npm run demo` end to end: the demo runs as a subprocess, as `npm run demo` runs it, and exports to real OTLP
// receivers.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { demoArgv } from "./demo-command.js";
import { startGrpcReceiver, startHttpReceiver, type OtlpEncoding, type OtlpReceiver, type ReceivedSpan } from "./otlp-receivers.js";
import { brokerNames } from "../../examples/demo/brokers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

const PRODUCER = 4;
const CONSUMER = 5;

interface DemoRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The parent's OTEL_* and POSTLINE_* settings must not leak into the run. */
function demoEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith("OTEL_") && !name.startsWith("POSTLINE_"));
  return { ...Object.fromEntries(inherited), ...overrides };
}

function runDemo(args: readonly string[], env: Record<string, string> = {}, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, demoArgv(args), { cwd: root, env: demoEnvironment(env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout, child);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function otlpEnvironment(receiver: OtlpReceiver, protocol: OtlpEncoding, serviceName: string): Record<string, string> {
  return { OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: serviceName };
}

function spanNamed(spans: readonly ReceivedSpan[], name: string): ReceivedSpan {
  const matches = spans.filter((span) => span.name === name);
  expect(matches, `spans named "${name}"`).toHaveLength(1);
  return matches[0]!;
}

function durationMs(span: ReceivedSpan): number {
  return Number(span.endNs - span.startNs) / 1e6;
}

/** Each span's parent's name ("" for a root), by span name. */
function parentage(spans: readonly ReceivedSpan[]): Record<string, string> {
  const names = new Map(spans.map((span) => [span.spanId, span.name]));
  return Object.fromEntries(spans.map((span) => [span.name, span.parentSpanId === "" ? "" : (names.get(span.parentSpanId) ?? `unknown ${span.parentSpanId}`)]));
}

function expectRunSucceeded(run: DemoRun): void {
  expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(0);
}

let http: OtlpReceiver;
let grpc: OtlpReceiver;

beforeAll(async () => {
  [http, grpc] = await Promise.all([startHttpReceiver(), startGrpcReceiver()]);
});

afterAll(async () => {
  await Promise.all([http?.close(), grpc?.close()]);
});

describe("current semantic conventions: one connected trace", () => {
  const cases = [
    { protocol: "http/json", style: "functional" },
    { protocol: "http/protobuf", style: "class" },
    { protocol: "grpc", style: "functional" },
  ] as const;

  for (const { protocol, style } of cases) {
    test(`${protocol}, ${style} handlers`, async () => {
      const receiver = protocol === "grpc" ? grpc : http;
      receiver.clear();
      const serviceName = `demo-test-${protocol.replace("/", "-")}`;
      const run = await runDemo(["--style", style], otlpEnvironment(receiver, protocol, serviceName));
      expectRunSucceeded(run);
      expect(receiver.errors).toEqual([]);
      expect(receiver.encodings.length).toBeGreaterThan(0);
      expect(new Set(receiver.encodings)).toEqual(new Set([protocol]));

      const spans = receiver.spans;
      expect(spans.map((span) => span.name).sort()).toEqual(["process first", "process second", "process third", "send first", "send second", "send third"]);
      const traceIds = new Set(spans.map((span) => span.traceId));
      expect(traceIds.size).toBe(1);
      expect(parentage(spans)).toEqual({
        "send first": "",
        "process first": "send first",
        "send second": "process first",
        "process second": "send second",
        "send third": "process second",
        "process third": "send third",
      });
      for (const span of spans) {
        expect(span.attributes["messaging.system.name"], span.name).toBe("memory");
        expect(span.resource["service.name"], span.name).toBe(serviceName);
        if (span.name.startsWith("send ")) {
          expect(span.kind, span.name).toBe(PRODUCER);
          expect(span.attributes["messaging.operation.type"], span.name).toBe("send");
        } else {
          expect(span.kind, span.name).toBe(CONSUMER);
          expect(span.attributes["messaging.operation.type"], span.name).toBe("process");
        }
      }
      expect(durationMs(spanNamed(spans, "process first"))).toBeGreaterThanOrEqual(100);
      expect(durationMs(spanNamed(spans, "process second"))).toBeGreaterThanOrEqual(50);
      expect(durationMs(spanNamed(spans, "process third"))).toBeGreaterThanOrEqual(75);

      // The waterfall: the same trace, one line per span, on stdout.
      expect(run.stdout).toContain(`trace ${[...traceIds][0]} · 6 spans`);
      for (const span of spans) expect(run.stdout).toMatch(new RegExp(`^[ │├└─]*${span.name} +${span.kind === PRODUCER ? "producer" : "consumer"} `, "m"));
      expect(run.stdout).toContain(`otlp ${protocol} to ${receiver.endpoint}`);
    });
  }
});

test("POSTLINE_SEMCONV=faststream: FastStream's flat 7-span tree", async () => {
  http.clear();
  const run = await runDemo(["--style", "class"], { ...otlpEnvironment(http, "http/json", "demo-test-faststream"), POSTLINE_SEMCONV: "faststream" });
  expectRunSucceeded(run);
  const spans = http.spans;
  expect(spans).toHaveLength(7);
  expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
  expect(parentage(spans)).toEqual({
    "first create": "",
    "first publish": "first create",
    "first process": "first create",
    "second publish": "first process",
    "second process": "first create",
    "third publish": "second process",
    "third process": "first create",
  });
  for (const span of spans) {
    expect(span.kind, span.name).toBe(span.name.endsWith(" process") ? CONSUMER : PRODUCER);
    expect(span.attributes["messaging.system"], span.name).toBe("memory");
  }
  expect(run.stdout).toContain("semconv=faststream");
  expect(run.stdout).toContain("· 7 spans");
});

test("without OTEL_TRACES_EXPORTER only the waterfall is printed", async () => {
  http.clear();
  // An endpoint is set, but OTel's default exporter (otlp) must not be used: the demo defaults to none.
  const run = await runDemo([], { OTEL_EXPORTER_OTLP_ENDPOINT: http.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" });
  expectRunSucceeded(run);
  expect(run.stdout).toContain("traces: waterfall only (OTEL_TRACES_EXPORTER unset; demo default: none)");
  expect(run.stdout).toMatch(/· 6 spans ·/);
  expect(run.stdout).toContain("service=postline-demo");
  expect(http.encodings).toEqual([]);
});

test("--serve runs until SIGTERM, then exits gracefully", async () => {
  let signalled = false;
  const started = Date.now();
  const run = await runDemo(["--serve"], {}, (stdout, child) => {
    if (!signalled && stdout.includes("ready:")) {
      signalled = true;
      child.kill("SIGTERM");
    }
  });
  expect(signalled).toBe(true);
  expect(run.signal).toBeNull();
  expectRunSucceeded(run);
  expect(run.stderr).toContain("received SIGTERM");
  expect(Date.now() - started).toBeLessThan(5_000);
});

test("--broker with an unknown name exits 2 and names the brokers", async () => {
  const run = await runDemo(["--broker", "nope"]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(`unknown broker "nope"; choose one of: ${brokerNames.join(", ")}`);
  expect(brokerNames).toEqual(expect.arrayContaining(["memory", "kafka", "rabbit", "nats", "mqtt"]));
  expect(run.stdout).toBe("");
});

test("an unknown option or POSTLINE_SEMCONV value exits 2 with the choices", async () => {
  const option = await runDemo(["--fast"]);
  expect(option.code).toBe(2);
  expect(option.stderr).toContain('unknown option "--fast"');
  const semconv = await runDemo([], { POSTLINE_SEMCONV: "v2" });
  expect(semconv.code).toBe(2);
  expect(semconv.stderr).toContain("POSTLINE_SEMCONV=v2 is not supported; choose one of: current, faststream");
});
