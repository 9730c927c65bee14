// Draws a trace as a terminal waterfall: one line per span, nested under its parent, ordered by start
// time, with a bar on a time axis scaled to the whole trace.
import { SpanKind, SpanStatusCode, type HrTime } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";

export interface WaterfallOptions {
  /** Total line width in columns (clamped to 60–160; default 100). */
  readonly width?: number;
}

const kindNames: Record<SpanKind, string> = {
  [SpanKind.INTERNAL]: "internal",
  [SpanKind.SERVER]: "server",
  [SpanKind.CLIENT]: "client",
  [SpanKind.PRODUCER]: "producer",
  [SpanKind.CONSUMER]: "consumer",
};

const gap = "  ";
const maxNameWidth = 44;
const maxServiceWidth = 24;
const minBarWidth = 20;

interface Row {
  readonly label: string;
  readonly span: ReadableSpan;
}

interface Cells {
  readonly label: string;
  readonly kind: string;
  readonly service: string;
  readonly start: string;
  readonly duration: string;
}

interface Column {
  readonly heading: string;
  readonly width: number;
  readonly value: (cells: Cells) => string;
  readonly alignRight?: boolean;
}

export function renderWaterfall(spans: readonly ReadableSpan[], options: WaterfallOptions = {}): string {
  const first = spans[0];
  if (first === undefined) return "(no spans recorded)";
  const width = Math.min(160, Math.max(60, options.width ?? 100));
  const traceStart = Math.min(...spans.map((span) => milliseconds(span.startTime)));
  const traceEnd = Math.max(...spans.map((span) => milliseconds(span.endTime)));
  const total = Math.max(traceEnd - traceStart, 1e-3);

  const rows = treeRows(spans);
  const cells = rows.map(({ label, span }) => ({
    label,
    kind: kindNames[span.kind] ?? String(span.kind),
    service: serviceOf(span),
    start: formatMs(milliseconds(span.startTime) - traceStart),
    duration: formatMs(milliseconds(span.duration)),
  }));
  const columns: Column[] = [
    { heading: "span", width: Math.min(maxNameWidth, widest("span", cells.map((cell) => cell.label))), value: (cell) => cell.label },
    { heading: "kind", width: widest("kind", cells.map((cell) => cell.kind)), value: (cell) => cell.kind },
    { heading: "service", width: Math.min(maxServiceWidth, widest("service", cells.map((cell) => cell.service))), value: (cell) => cell.service },
    { heading: "start", width: widest("start", cells.map((cell) => cell.start)), value: (cell) => cell.start, alignRight: true },
    { heading: "duration", width: widest("duration", cells.map((cell) => cell.duration)), value: (cell) => cell.duration, alignRight: true },
  ];
  const services = new Set(cells.map((cell) => cell.service));
  const summary = [`trace ${first.spanContext().traceId}`, `${spans.length} span${spans.length === 1 ? "" : "s"}`, formatMs(total)];
  // In a narrow terminal a single service moves to the summary, leaving the time axis room to draw.
  if (services.size === 1 && width - fixedWidth(columns) < minBarWidth) {
    columns.splice(2, 1);
    summary.push(`service ${[...services].join("")}`);
  }
  const barWidth = Math.max(10, width - fixedWidth(columns));

  const lines = [...wrap(summary, width), [...columns.map((column) => align(column.heading, column)), "timeline"].join(gap)];
  cells.forEach((cell, index) => {
    const span = rows[index]!.span;
    const timeline = bar(milliseconds(span.startTime) - traceStart, milliseconds(span.duration), total, barWidth);
    lines.push([...columns.map((column) => align(column.value(cell), column)), timeline].join(gap).trimEnd());
  });
  return lines.join("\n");
}

/** Spans in tree order: each parent followed by its children by start time, drawn with box characters. */
function treeRows(spans: readonly ReadableSpan[]): Row[] {
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  const childrenOf = new Map<string | undefined, ReadableSpan[]>();
  for (const span of spans) {
    // A parent outside this set (another process, or a span still open) makes the span a root here.
    const parentId = span.parentSpanContext?.spanId;
    const key = parentId !== undefined && ids.has(parentId) ? parentId : undefined;
    childrenOf.set(key, [...(childrenOf.get(key) ?? []), span]);
  }
  for (const children of childrenOf.values()) children.sort((a, b) => milliseconds(a.startTime) - milliseconds(b.startTime));

  const rows: Row[] = [];
  const visit = (span: ReadableSpan, connector: string, indent: string): void => {
    const failed = span.status.code === SpanStatusCode.ERROR ? " ✗" : "";
    rows.push({ label: `${connector}${span.name}${failed}`, span });
    const children = childrenOf.get(span.spanContext().spanId) ?? [];
    children.forEach((child, index) => {
      const last = index === children.length - 1;
      visit(child, indent + (last ? "└─ " : "├─ "), indent + (last ? "   " : "│  "));
    });
  };
  for (const root of childrenOf.get(undefined) ?? []) visit(root, "", "");
  return rows;
}

function bar(offset: number, duration: number, total: number, width: number): string {
  const from = Math.min(width - 1, Math.floor((offset / total) * width));
  const cells = Math.round(((offset + duration) / total) * width) - from;
  // Shorter than half a cell: a thin mark, so an instant (a `create` span, a fast send) still shows.
  const drawn = (duration / total) * width < 0.5 ? "▏" : "█".repeat(Math.max(1, Math.min(width - from, cells)));
  return " ".repeat(from) + drawn;
}

function serviceOf(span: ReadableSpan): string {
  const name = span.resource.attributes["service.name"];
  return typeof name === "string" ? name : "?";
}

function milliseconds([seconds, nanoseconds]: HrTime): number {
  return seconds * 1e3 + nanoseconds / 1e6;
}

function formatMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

function widest(heading: string, values: readonly string[]): number {
  return Math.max(heading.length, ...values.map((value) => value.length));
}

/** Joins the parts with " · ", starting a new line where the next part would pass the width. */
function wrap(parts: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 3 + part.length <= width) lines[lines.length - 1] = `${last} · ${part}`;
    else lines.push(part);
  }
  return lines;
}

/** The columns before the time axis, with the gaps after each. */
function fixedWidth(columns: readonly Column[]): number {
  return columns.reduce((sum, column) => sum + column.width + gap.length, 0);
}

function align(text: string, column: Column): string {
  if (text.length > column.width) return `${text.slice(0, column.width - 1)}…`;
  return column.alignRight === true ? text.padStart(column.width) : text.padEnd(column.width);
}
