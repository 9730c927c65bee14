// FastStream's Redis message envelope, so Python FastStream services and Postline services on one Redis read
// each other's messages, headers and trace context (ag2ai/faststream, faststream/redis/parser/binary.py,
// parser/json.py, parser/message.py).
//
// Written: `BinaryMessageFormatV1`, FastStream 0.6+'s default (or the legacy JSON format, option
// `messageFormat: "json"`, for FastStream 0.5 services). All big-endian:
//
//   magic "\x89BIN\r\n\x1a\n" (8 bytes) | version u16 = 1 | headers offset u32 | data offset u32
//   | header count u16 | per header: key length u16, key UTF-8, value length u16, value UTF-8 | data
//
// Legacy JSON: `{"data": "<body as UTF-8 text>", "headers": {...}}` (binary bodies do not survive it).
// Read: either format, and anything else as a raw body without headers, as FastStream's parser does.
// Headers, correlation id, content type and reply address all travel inside the envelope, under FastStream's
// names: `correlation_id`, `content-type`, `reply_to`, and `message_id` (which FastStream reads but never writes).
// FastStream writes each header's length in characters, not bytes: a non-ASCII header value from Python is
// misread by both FastStream and this reader; this writer uses byte lengths, which both read correctly.

export type MessageFormat = "binary" | "json";

export interface Envelope {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

const MAGIC = Buffer.from([0x89, 0x42, 0x49, 0x4e, 0x0d, 0x0a, 0x1a, 0x0a]);
const VERSION = 1;
/** magic + version + headers offset + data offset. */
const HEADERS_START = MAGIC.length + 2 + 4 + 4;

export function encodeEnvelope(format: MessageFormat, envelope: Envelope): Buffer {
  if (format === "json") {
    return Buffer.from(JSON.stringify({ data: envelope.body.toString("utf8"), headers: envelope.headers }), "utf8");
  }
  const entries = Object.entries(envelope.headers).map(([key, value]) => [Buffer.from(key, "utf8"), Buffer.from(value, "utf8")] as const);
  let headersLength = 2;
  for (const [key, value] of entries) {
    if (key.length > 0xffff || value.length > 0xffff) throw new RangeError(`the header "${key.toString()}" is longer than 65535 bytes`);
    headersLength += 4 + key.length + value.length;
  }
  const out = Buffer.allocUnsafe(HEADERS_START + headersLength + envelope.body.length);
  MAGIC.copy(out, 0);
  let offset = MAGIC.length;
  offset = out.writeUInt16BE(VERSION, offset);
  offset = out.writeUInt32BE(HEADERS_START, offset);
  offset = out.writeUInt32BE(HEADERS_START + headersLength, offset);
  offset = out.writeUInt16BE(entries.length, offset);
  for (const [key, value] of entries) {
    offset = out.writeUInt16BE(key.length, offset);
    offset += key.copy(out, offset);
    offset = out.writeUInt16BE(value.length, offset);
    offset += value.copy(out, offset);
  }
  envelope.body.copy(out, offset);
  return out;
}

export function decodeEnvelope(data: Buffer): Envelope {
  if (data.length >= HEADERS_START + 2 && data.subarray(0, MAGIC.length).equals(MAGIC) && data.readUInt16BE(MAGIC.length) === VERSION) {
    const binary = decodeBinary(data);
    if (binary !== undefined) return binary;
  }
  return decodeJson(data) ?? { body: data, headers: {} };
}

function decodeBinary(data: Buffer): Envelope | undefined {
  try {
    let offset = data.readUInt32BE(MAGIC.length + 2);
    const dataStart = data.readUInt32BE(MAGIC.length + 6);
    const count = data.readUInt16BE(offset);
    offset += 2;
    const headers: Record<string, string> = {};
    const text = (): string => {
      const length = data.readUInt16BE(offset);
      const value = data.toString("utf8", offset + 2, offset + 2 + length);
      offset += 2 + length;
      return value;
    };
    for (let index = 0; index < count; index += 1) {
      const key = text();
      headers[key] = text();
    }
    if (dataStart > data.length) return undefined;
    return { body: data.subarray(dataStart), headers };
  } catch {
    return undefined;
  }
}

/** FastStream's legacy JSON envelope; anything else (a plain JSON value, text) is not one. */
function decodeJson(data: Buffer): Envelope | undefined {
  if (data[0] !== 0x7b) return undefined;
  try {
    const parsed = JSON.parse(data.toString("utf8")) as { data?: unknown; headers?: unknown };
    if (typeof parsed.data !== "string") return undefined;
    const headers: Record<string, string> = {};
    if (typeof parsed.headers === "object" && parsed.headers !== null) {
      for (const [key, value] of Object.entries(parsed.headers)) {
        if (value !== null && value !== undefined) headers[key] = typeof value === "string" ? value : JSON.stringify(value);
      }
    }
    return { body: Buffer.from(parsed.data, "utf8"), headers };
  } catch {
    return undefined;
  }
}
