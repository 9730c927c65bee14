// The viewer's own span shape: what the receivers produce from any OTLP encoding and what the store, the
// JSON API and the page work with. Ids are lowercase hex whatever the wire used; times stay in nanoseconds
// as bigint, since OTLP's fixed64 timestamps do not fit a double without losing the sub-microsecond part.

/** An attribute value as OTLP's AnyValue can carry it, made plain (bytes as base64, kvlists as objects). */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

/** OTLP's SpanKind enum, by name; `unspecified` is what an exporter sends when it did not set one. */
export const spanKinds = ["unspecified", "internal", "server", "client", "producer", "consumer"] as const;
export type SpanKindName = (typeof spanKinds)[number];

/** OTLP's Status.StatusCode, by name. */
export const statusCodes = ["unset", "ok", "error"] as const;
export type StatusCodeName = (typeof statusCodes)[number];

export interface SpanEvent {
  readonly name: string;
  readonly timeNs: bigint;
  readonly attributes: Attributes;
}

export interface SpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: Attributes;
}

export interface ViewerSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: SpanKindName;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly status: { readonly code: StatusCodeName; readonly message: string };
  /** `service.name` of the span's resource; OTel's `unknown_service` when the resource has none. */
  readonly service: string;
  readonly scope: string;
  readonly attributes: Attributes;
  readonly resource: Attributes;
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
}
