// Shared measuring code for every broker suite: a suite is a list of variants (raw client, Postline untraced,
// Postline traced, ...), each with setup/publish/teardown; the harness warms up, measures throughput and
// publish→handler latency, repeats, takes medians and writes the tables (text for the terminal, markdown for
// docs/benchmarks.md).
import os from "node:os";
import { performance, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// ---- what a suite provides -------------------------------------------------------------------------------

/** A variant's open client(s): one subscriber whose handler calls `probe.handled()`, and a way to publish. */
export interface Session {
  /** Sends message `seq`; resolves once the client accepted it (any backpressure is the client's own). */
  readonly publish: (seq: number) => Promise<void>;
  /** Closes everything. May return facts worth reporting (spans exported, drops, ...). */
  readonly teardown: () => Promise<readonly string[] | undefined>;
}

export interface Variant {
  /** Short and stable: it names table rows and comparisons. */
  readonly name: string;
  readonly description: string;
  /** Diagnostic variants (a breakdown of a cost) run only when named with --variants. */
  readonly extra?: boolean;
  setup(probe: Probe): Promise<Session>;
}

/** "What does `variant` cost over `against`", e.g. tracing = traced vs untraced. */
export interface Comparison {
  readonly label: string;
  readonly variant: string;
  readonly against: string;
}

export interface Target {
  readonly label: string;
  check(result: SuiteResult): { readonly measured: string; readonly met: boolean };
}

export interface Suite {
  readonly name: string;
  readonly title: string;
  /** The first variant is the baseline of the "vs" column (the raw client). */
  readonly variants: readonly Variant[];
  readonly comparisons: readonly Comparison[];
  readonly targets: readonly Target[];
  /**
   * Messages the harness lets be published but not yet handled. Leave it undefined when the client applies
   * backpressure itself (the in-process hub does); network brokers ack publishes long before consumers see
   * them, and without a window the measurement would be of an ever-growing backlog.
   */
  readonly maxInFlight?: number;
  readonly notes: readonly string[];
}

export interface Settings {
  /** Measured messages per throughput run. */
  readonly messages: number;
  /** Messages handled before the clock starts, in each run (JIT, buffers, connections). */
  readonly warmup: number;
  /** Latency samples per run, one message in flight at a time. */
  readonly latencyMessages: number;
  readonly latencyWarmup: number;
  readonly runs: number;
}

// ---- the probe: counts handled messages and wakes the one waiter -------------------------------------------

/**
 * Called by each variant's handler. It does as little as possible per message (an increment and a compare);
 * the clock is read only when the awaited count is reached, so it is the time the last handler ran.
 */
export class Probe {
  count = 0;
  /** `performance.now()` when the awaited count was reached. */
  reachedAt = 0;
  #target = Number.POSITIVE_INFINITY;
  #resolve: (() => void) | undefined;
  #reject: ((error: Error) => void) | undefined;

  readonly handled = (): void => {
    this.count += 1;
    if (this.count < this.#target) return;
    this.reachedAt = performance.now();
    const resolve = this.#resolve;
    this.#clear();
    resolve?.();
  };

  /** Resolves when `count` handled messages have been seen. One waiter at a time. */
  until(count: number): Promise<void> {
    if (this.count >= count) {
      this.reachedAt = performance.now();
      return Promise.resolve();
    }
    this.#target = count;
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** A lost message would otherwise hang the benchmark: fail once nothing is handled for `ms`. */
  watch(ms: number): () => void {
    let seen = this.count;
    const timer = setInterval(() => {
      if (this.#reject !== undefined && this.count === seen) {
        const reject = this.#reject;
        const target = this.#target;
        this.#clear();
        reject(new Error(`stalled: ${this.count} messages handled, waiting for ${target}`));
      }
      seen = this.count;
    }, ms);
    return () => clearInterval(timer);
  }

  #clear(): void {
    this.#target = Number.POSITIVE_INFINITY;
    this.#resolve = undefined;
    this.#reject = undefined;
  }
}

// ---- measuring -----------------------------------------------------------------------------------------------

export interface VariantResult {
  readonly name: string;
  readonly description: string;
  /** msg/s, one entry per run. */
  readonly throughput: number[];
  /**
   * CPU µs per message, one entry per run. Wall-clock rates drop when other processes take the cores; CPU
   * time mostly does not, so it is the steadier figure on a shared machine (GC threads included).
   */
  readonly cpuUs: number[];
  readonly gcShare: number[];
  /** µs, one entry per run. */
  readonly p50: number[];
  readonly p99: number[];
  readonly notes: string[];
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export interface SuiteResult {
  readonly suite: Suite;
  readonly settings: Settings;
  readonly variants: VariantResult[];
  readonly machine: Machine;
  readonly date: string;
  readonly seconds: number;
  /** 1-minute load average before and after: other work on the machine shows here. */
  readonly load: readonly [number, number];
}

// Forcing a collection between runs keeps one variant's garbage from being collected on the next one's
// clock. `node --expose-gc` gives `gc`; `npm run bench` passes no flags, so the flag is switched on at run
// time and `gc` is taken from a context created after that (a V8 idiom; without it, runs just skip the GC).
const collectGarbage: () => void = (() => {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return () => {};
  }
})();

async function publishRange(session: Session, probe: Probe, first: number, count: number, maxInFlight: number | undefined): Promise<void> {
  const end = first + count;
  for (let seq = first; seq < end; seq += 1) {
    // Hysteresis (wait down to half the window) keeps the waits few.
    if (maxInFlight !== undefined && seq - probe.count >= maxInFlight) await probe.until(seq - Math.floor(maxInFlight / 2));
    await session.publish(seq);
  }
}

interface Measured {
  readonly rate: number;
  /** Process CPU time (all threads, user + system) per measured message, in µs. */
  readonly cpuUs: number;
  /** Share of the measured wall time spent in GC pauses. */
  readonly gcShare: number;
  readonly p50: number;
  readonly p99: number;
}

/** Collects GC pause entries; Node delivers them from a later event-loop turn, so the total is read after a timer. */
function gcPauses(): { between(start: number, end: number): Promise<number> } {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ["gc"] });
  return {
    async between(start, end) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      observer.disconnect();
      let total = 0;
      for (const entry of entries) if (entry.startTime >= start && entry.startTime < end) total += entry.duration;
      return total;
    },
  };
}

async function measure(session: Session, probe: Probe, settings: Settings, maxInFlight: number | undefined): Promise<Measured> {
  await publishRange(session, probe, 0, settings.warmup, maxInFlight);
  await probe.until(settings.warmup);
  const gc = gcPauses();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await publishRange(session, probe, settings.warmup, settings.messages, maxInFlight);
  await probe.until(settings.warmup + settings.messages);
  const end = probe.reachedAt;
  const rate = settings.messages / ((end - start) / 1000);
  const cpu = process.cpuUsage(cpuStart);
  const gcShare = (await gc.between(start, end)) / (end - start);

  // Latency: one message in flight, from just before publish to the handler's call.
  const samples = new Float64Array(settings.latencyMessages);
  let seq = settings.warmup + settings.messages;
  for (let index = -settings.latencyWarmup; index < settings.latencyMessages; index += 1) {
    const handled = probe.until(probe.count + 1);
    const sent = performance.now();
    await session.publish(seq);
    await handled;
    seq += 1;
    if (index >= 0) samples[index] = (probe.reachedAt - sent) * 1000;
  }
  samples.sort();
  return { rate, cpuUs: (cpu.user + cpu.system) / settings.messages, gcShare, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

async function measureOnce(variant: Variant, settings: Settings, maxInFlight: number | undefined): Promise<Measured & { notes: readonly string[] }> {
  const probe = new Probe();
  const session = await variant.setup(probe);
  const unwatch = probe.watch(10_000);
  let measured: Measured;
  let notes: readonly string[] | undefined;
  try {
    measured = await measure(session, probe, settings, maxInFlight);
  } finally {
    unwatch();
    // Teardown runs on failure too: a broker left open would keep the process alive.
    notes = await session.teardown();
  }
  return { ...measured, notes: notes ?? [] };
}

export type Log = (line: string) => void;

/**
 * Runs every variant `settings.runs` times. Each run starts from a fresh setup; the order rotates from run to
 * run so that a slow period (other processes on the same two cores) does not always fall on one variant.
 */
export async function runSuite(suite: Suite, settings: Settings, log: Log): Promise<SuiteResult> {
  const started = performance.now();
  const loadBefore = os.loadavg()[0] ?? 0;
  const results: VariantResult[] = suite.variants.map((variant) => ({ name: variant.name, description: variant.description, throughput: [], cpuUs: [], gcShare: [], p50: [], p99: [], notes: [] }));
  for (let run = 0; run < settings.runs; run += 1) {
    for (let step = 0; step < suite.variants.length; step += 1) {
      const index = (run + step) % suite.variants.length;
      const variant = suite.variants[index]!;
      const result = results[index]!;
      collectGarbage();
      const measured = await measureOnce(variant, settings, suite.maxInFlight);
      result.throughput.push(measured.rate);
      result.cpuUs.push(measured.cpuUs);
      result.gcShare.push(measured.gcShare);
      result.p50.push(measured.p50);
      result.p99.push(measured.p99);
      for (const note of measured.notes) if (!result.notes.includes(note)) result.notes.push(note);
      log(`${suite.name} run ${run + 1}/${settings.runs} ${variant.name.padEnd(18)} ${formatRate(measured.rate).padStart(8)} msg/s  cpu ${formatUs(measured.cpuUs)} µs/msg  gc ${(measured.gcShare * 100).toFixed(0)}%  p50 ${formatUs(measured.p50)} µs  p99 ${formatUs(measured.p99)} µs`);
    }
  }
  return {
    suite,
    settings,
    variants: results,
    machine: machine(),
    date: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
    load: [loadBefore, os.loadavg()[0] ?? 0],
  };
}

function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

// ---- statistics ------------------------------------------------------------------------------------------

/** Nearest rank on sorted samples. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** (max − min) / median: how much the runs disagree. */
export function spread(values: readonly number[]): number {
  return (Math.max(...values) - Math.min(...values)) / median(values);
}

export interface ComparisonResult {
  readonly comparison: Comparison;
  /** Median throughput of the variant over that of `against`. */
  readonly ratio: number;
  /** µs added per message: 1e6/variant − 1e6/against, on the medians. */
  readonly addedUs: number;
  /** The same, run by run (the runs of one round are close in time, so their pairing cancels some drift). */
  readonly addedUsRange: readonly [number, number];
  /** CPU µs added per message, on the medians. */
  readonly addedCpuUs: number;
  readonly addedP50: number;
  readonly addedP99: number;
}

export function variantResult(result: SuiteResult, name: string): VariantResult {
  const found = result.variants.find((variant) => variant.name === name);
  if (found === undefined) throw new Error(`suite ${result.suite.name} has no variant "${name}"`);
  return found;
}

function ran(result: SuiteResult, name: string): boolean {
  return result.variants.some((variant) => variant.name === name);
}

export function compare(result: SuiteResult, comparison: Comparison): ComparisonResult {
  const variant = variantResult(result, comparison.variant);
  const against = variantResult(result, comparison.against);
  const paired = variant.throughput.map((rate, run) => 1e6 / rate - 1e6 / against.throughput[run]!);
  return {
    comparison,
    ratio: median(variant.throughput) / median(against.throughput),
    addedUs: 1e6 / median(variant.throughput) - 1e6 / median(against.throughput),
    addedUsRange: [Math.min(...paired), Math.max(...paired)],
    addedCpuUs: median(variant.cpuUs) - median(against.cpuUs),
    addedP50: median(variant.p50) - median(against.p50),
    addedP99: median(variant.p99) - median(against.p99),
  };
}

// ---- writing ---------------------------------------------------------------------------------------------

export function formatRate(rate: number): string {
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(2)}M` : `${(rate / 1e3).toFixed(1)}k`;
}

export function formatUs(us: number): string {
  return us.toFixed(2);
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function tables(result: SuiteResult): Table[] {
  const baseline = result.variants[0]!;
  const variants: Table = {
    title: "Variants (median of runs)",
    headers: ["variant", "msg/s", "runs min–max", "spread", "µs/msg", "CPU µs/msg", "GC", "p50 µs", "p99 µs", `vs ${baseline.name}`],
    rows: result.variants.map((variant) => {
      const rate = median(variant.throughput);
      return [
        variant.name,
        formatRate(rate),
        `${formatRate(Math.min(...variant.throughput))}–${formatRate(Math.max(...variant.throughput))}`,
        percent(spread(variant.throughput)),
        formatUs(1e6 / rate),
        formatUs(median(variant.cpuUs)),
        `${(median(variant.gcShare) * 100).toFixed(0)}%`,
        formatUs(median(variant.p50)),
        formatUs(median(variant.p99)),
        `${(rate / median(baseline.throughput)).toFixed(2)}x`,
      ];
    }),
  };
  const comparisons: Table = {
    title: "Comparisons",
    headers: ["cost of", "throughput ratio", "added µs/msg", "paired runs", "added CPU µs/msg", "added p50 µs", "added p99 µs"],
    rows: result.suite.comparisons.filter((comparison) => ran(result, comparison.variant) && ran(result, comparison.against)).map((comparison) => {
      const compared = compare(result, comparison);
      return [
        `${comparison.label} (${comparison.variant} vs ${comparison.against})`,
        `${compared.ratio.toFixed(3)}`,
        formatUs(compared.addedUs),
        `${formatUs(compared.addedUsRange[0])}–${formatUs(compared.addedUsRange[1])}`,
        formatUs(compared.addedCpuUs),
        formatUs(compared.addedP50),
        formatUs(compared.addedP99),
      ];
    }),
  };
  const targets: Table = {
    title: "Targets",
    headers: ["target", "measured", "met"],
    rows: result.suite.targets.map((target) => {
      try {
        const checked = target.check(result);
        return [target.label, checked.measured, checked.met ? "yes" : "NO"];
      } catch {
        // A variant it needs was filtered out with --variants.
        return [target.label, "not run", "-"];
      }
    }),
  };
  return [variants, comparisons, targets];
}

function settingsLine(result: SuiteResult): string {
  const { settings, machine: host } = result;
  return (
    `${settings.runs} runs × ${settings.messages} messages (after ${settings.warmup} warm-up), ` +
    `${result.suite.maxInFlight === undefined ? "in flight bounded by the client's backpressure" : `at most ${result.suite.maxInFlight} in flight (harness window)`}, ` +
    `latency ${settings.latencyMessages} samples (after ${settings.latencyWarmup}); ` +
    `${host.cores} cores ${host.cpu}, ${host.memoryGiB.toFixed(1)} GiB, Node ${host.node}, ${host.platform}; ` +
    `load average ${result.load[0].toFixed(2)} → ${result.load[1].toFixed(2)}; ${result.seconds.toFixed(0)} s, ${result.date.slice(0, 16).replace("T", " ")} UTC`
  );
}

function notes(result: SuiteResult): string[] {
  return [
    ...result.variants.map((variant) => `${variant.name}: ${variant.description}`),
    ...result.suite.notes,
    ...result.variants.flatMap((variant) => variant.notes.map((note) => `check, ${variant.name}: ${note}`)),
  ];
}

export function renderText(result: SuiteResult): string {
  const lines = [`== ${result.suite.title} ==`, settingsLine(result)];
  for (const table of tables(result).filter((candidate) => candidate.rows.length > 0)) {
    const widths = table.headers.map((header, column) => Math.max(header.length, ...table.rows.map((row) => (row[column] ?? "").length)));
    const line = (cells: readonly string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ");
    lines.push("", table.title, line(table.headers), widths.map((width) => "-".repeat(width)).join("  "), ...table.rows.map(line));
  }
  lines.push("", ...notes(result).map((note) => `* ${note}`));
  return lines.join("\n");
}

export function renderMarkdown(result: SuiteResult): string {
  const escape = (cell: string): string => cell.replaceAll("|", "\\|");
  const lines = [`### ${result.suite.title}`, "", settingsLine(result)];
  for (const table of tables(result).filter((candidate) => candidate.rows.length > 0)) {
    lines.push("", `**${table.title}**`, "", `| ${table.headers.map(escape).join(" | ")} |`, `|${table.headers.map((_, column) => (column === 0 ? " --- " : " ---: ")).join("|")}|`);
    for (const row of table.rows) lines.push(`| ${row.map(escape).join(" | ")} |`);
  }
  lines.push("", ...notes(result).map((note) => `- ${note}`));
  return lines.join("\n");
}
