// Reading traces back from Zipkin's v2 API.

export interface ZipkinSpan {
  readonly traceId: string;
  readonly id: string;
  readonly parentId?: string;
  /** Zipkin stores names in lower case. */
  readonly name: string;
  readonly kind?: "CLIENT" | "SERVER" | "PRODUCER" | "CONSUMER";
  readonly localEndpoint?: { readonly serviceName?: string };
  readonly tags?: Readonly<Record<string, string>>;
  readonly annotations?: readonly { readonly timestamp: number; readonly value: string }[];
}

export class ZipkinApi {
  constructor(readonly baseUrl: string) {}

  async trace(traceId: string): Promise<ZipkinSpan[]> {
    const response = await fetch(`${this.baseUrl}/api/v2/trace/${traceId}`, { signal: AbortSignal.timeout(5000) });
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`GET /api/v2/trace/${traceId} answered ${response.status}`);
    return (await response.json()) as ZipkinSpan[];
  }

  /** `/api/v2/traces` with a tag query (`key=value`), over the last hour. */
  async search(serviceName: string, annotationQuery: string): Promise<ZipkinSpan[][]> {
    const query = new URLSearchParams({ serviceName, annotationQuery, lookback: "3600000", limit: "10" });
    const response = await fetch(`${this.baseUrl}/api/v2/traces?${query.toString()}`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`GET /api/v2/traces?${query.toString()} answered ${response.status}`);
    return (await response.json()) as ZipkinSpan[][];
  }

  async services(): Promise<string[]> {
    const response = await fetch(`${this.baseUrl}/api/v2/services`, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`GET /api/v2/services answered ${response.status}`);
    return (await response.json()) as string[];
  }

  /** Polls a trace until `complete` says so; returns what was there at the deadline otherwise. */
  async waitForTrace(traceId: string, complete: (spans: readonly ZipkinSpan[]) => boolean, timeoutMs: number): Promise<ZipkinSpan[]> {
    const deadline = Date.now() + timeoutMs;
    let spans = await this.trace(traceId);
    while (!complete(spans) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      spans = await this.trace(traceId);
    }
    return spans;
  }
}
