// An ExportTraceServiceRequest as a plain object, turned into viewer spans. Both encodings arrive here in the
// same camelCase shape: OTLP/JSON as parsed, OTLP/protobuf through the generated decoder's toObject. They
// differ only in how ids are written (hex in JSON, base64 from protobuf), so the caller says which.
import {
  spanKinds,
  statusCodes,
  type Attributes,
  type AttributeValue,
  type SpanEvent,
  type SpanLink,
  type ViewerSpan,
} from "./span-model.js";

type Int64 = string | number;

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number | string;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: KeyValue[];
  events?: { timeUnixNano?: Int64; name?: string; attributes?: KeyValue[] }[];
  links?: { traceId?: string; spanId?: string; attributes?: KeyValue[] }[];
  status?: { code?: number | string; message?: string };
}
export interface OtlpTraceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
}

export type IdEncoding = "hex" | "base64";

export function spansFromRequest(request: OtlpTraceRequest, ids: IdEncoding): ViewerSpan[] {
  const id = ids === "hex" ? (value: string | undefined) => (value ?? "").toLowerCase() : base64ToHex;
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const service = typeof resource["service.name"] === "string" ? resource["service.name"] : "unknown_service";
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map(
        (span): ViewerSpan => ({
          traceId: id(span.traceId),
          spanId: id(span.spanId),
          parentSpanId: id(span.parentSpanId),
          name: span.name ?? "",
          kind: enumName(span.kind, spanKinds, "SPAN_KIND_"),
          startNs: nanos(span.startTimeUnixNano),
          endNs: nanos(span.endTimeUnixNano),
          status: { code: enumName(span.status?.code, statusCodes, "STATUS_CODE_"), message: span.status?.message ?? "" },
          service,
          scope: scopeSpans.scope?.name ?? "",
          attributes: attributesOf(span.attributes),
          resource,
          events: (span.events ?? []).map((event): SpanEvent => ({ name: event.name ?? "", timeNs: nanos(event.timeUnixNano), attributes: attributesOf(event.attributes) })),
          links: (span.links ?? []).map((link): SpanLink => ({ traceId: id(link.traceId), spanId: id(link.spanId), attributes: attributesOf(link.attributes) })),
        }),
      ),
    );
  });
}

function base64ToHex(value: string | undefined): string {
  return Buffer.from(value ?? "", "base64").toString("hex");
}

function nanos(value: Int64 | undefined): bigint {
  // A double from JSON may carry a fraction or an exponent; BigInt() of such a string or number throws.
  if (typeof value === "number") return BigInt(Math.trunc(value));
  return value === undefined || value === "" ? 0n : BigInt(value);
}

/** The JSON mapping says integers, but the enum's names show up too (and are what protobuf's JSON allows). */
function enumName<const Name extends string>(value: number | string | undefined, names: readonly Name[], prefix: string): Name {
  const fallback = names[0] as Name;
  if (typeof value === "number") return names[value] ?? fallback;
  if (typeof value === "string") return names.find((name) => `${prefix}${name.toUpperCase()}` === value) ?? fallback;
  return fallback;
}

function attributesOf(keyValues: readonly KeyValue[] | undefined): Attributes {
  const attributes: Attributes = {};
  for (const { key, value } of keyValues ?? []) attributes[key] = valueOf(value);
  return attributes;
}

function valueOf(value: AnyValue | undefined): AttributeValue {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  // Shown, not computed with: a number is exact up to 2^53, and a larger one keeps its digits as a string.
  if (value.intValue !== undefined) return Number.isSafeInteger(Number(value.intValue)) ? Number(value.intValue) : String(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.kvlistValue !== undefined) return attributesOf(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

