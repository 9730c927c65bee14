import { ConfigurationError } from "./errors.js";

/** Turns bodies into bytes and back for one family of content types. */
export interface Codec {
  /** The content type written on messages this codec encodes. */
  readonly contentType: string;
  /** Whether this codec decodes the given (lower-cased, parameter-free) content type. */
  accepts(contentType: string): boolean;
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

// Buffer.from encodes short strings faster than TextEncoder; a Buffer is a Uint8Array (it may be a view into
// a shared pool, so transports must honour byteOffset/byteLength or copy).
const utf8 = (text: string): Uint8Array => Buffer.from(text, "utf8");
const textDecoder = new TextDecoder("utf-8", { fatal: true });

export const jsonCodec: Codec = {
  contentType: "application/json",
  accepts: (type) => type === "application/json" || type.endsWith("+json"),
  encode: (value) => utf8(JSON.stringify(value)),
  decode: (bytes): unknown => (bytes.byteLength === 0 ? undefined : (JSON.parse(textDecoder.decode(bytes)) as unknown)),
};

export const textCodec: Codec = {
  contentType: "text/plain",
  accepts: (type) => type.startsWith("text/"),
  encode: (value) => utf8(String(value)),
  decode: (bytes) => textDecoder.decode(bytes),
};

export const bytesCodec: Codec = {
  contentType: "application/octet-stream",
  accepts: (type) => type === "application/octet-stream",
  encode: (value) => {
    if (value instanceof Uint8Array) return value;
    throw new ConfigurationError("the bytes codec encodes only Uint8Array (or Buffer) bodies");
  },
  decode: (bytes) => bytes,
};

function mediaType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

/**
 * Codecs keyed by content type. Encoding picks by the body's JavaScript type unless the caller names a
 * content type; decoding picks by the message's content type, and a message without one is read as JSON
 * when it parses, and handed over as bytes otherwise (FastStream does the same).
 */
export class CodecRegistry {
  readonly #codecs: readonly Codec[];
  /** Content types seen so far and their codec: a service uses a handful, and this runs per message. */
  readonly #byContentType = new Map<string, Codec>();

  constructor(extra: readonly Codec[] = []) {
    // User codecs come first so they can take over a built-in content type.
    this.#codecs = [...extra, jsonCodec, textCodec, bytesCodec];
  }

  encode(value: unknown, contentType?: string): { body: Uint8Array; contentType: string | undefined } {
    if (contentType !== undefined) {
      return { body: this.#find(contentType).encode(value), contentType };
    }
    if (value === undefined) return { body: new Uint8Array(0), contentType: undefined };
    const type = value instanceof Uint8Array ? bytesCodec.contentType : typeof value === "string" ? textCodec.contentType : jsonCodec.contentType;
    // Through the registry, so a user codec registered for the type takes over encoding as well.
    return { body: this.#find(type).encode(value), contentType: type };
  }

  decode(bytes: Uint8Array, contentType: string | undefined): unknown {
    if (contentType === undefined || contentType === "") {
      if (bytes.byteLength === 0) return undefined;
      try {
        return jsonCodec.decode(bytes);
      } catch {
        return bytes;
      }
    }
    return this.#find(contentType).decode(bytes);
  }

  #find(contentType: string): Codec {
    const cached = this.#byContentType.get(contentType);
    if (cached !== undefined) return cached;
    const type = mediaType(contentType);
    const codec = this.#codecs.find((candidate) => candidate.accepts(type));
    if (codec === undefined) {
      throw new ConfigurationError(`no codec for content type "${contentType}"; pass one in the broker's \`codecs\` option`);
    }
    if (this.#byContentType.size < 64) this.#byContentType.set(contentType, codec);
    return codec;
  }
}
