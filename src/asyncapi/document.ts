// The part of AsyncAPI 3.0 that Postline writes (https://www.asyncapi.com/docs/reference/specification/v3.0.0).
// Plain JSON data: the generator builds it, the CLI prints it as JSON or YAML.

export type JsonSchema = Record<string, unknown>;
export type Bindings = Readonly<Record<string, Readonly<Record<string, unknown>>>>;
export interface Reference {
  readonly $ref: string;
}

export interface AsyncApiServer {
  readonly host: string;
  readonly protocol: string;
  readonly protocolVersion?: string;
  readonly pathname?: string;
  readonly title?: string;
  readonly description?: string;
}

export interface AsyncApiChannel {
  /** null: a dynamic address (a reply-to), known only at run time. */
  readonly address: string | null;
  readonly title?: string;
  readonly description?: string;
  readonly messages: Record<string, Reference>;
  readonly servers?: readonly Reference[];
  readonly bindings?: Bindings;
}

export interface AsyncApiMessage {
  readonly name: string;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly contentType?: string;
  readonly payload: JsonSchema;
  readonly correlationId?: { readonly location: string; readonly description?: string };
}

export interface AsyncApiOperation {
  readonly action: "send" | "receive";
  readonly channel: Reference;
  readonly messages: readonly Reference[];
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly bindings?: Bindings;
  readonly reply?: {
    readonly address: { readonly location: string; readonly description?: string };
    readonly channel: Reference;
    readonly messages: readonly Reference[];
  };
}

export interface AsyncApiDocument {
  readonly asyncapi: "3.0.0";
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly defaultContentType: string;
  readonly servers?: Record<string, AsyncApiServer>;
  readonly channels: Record<string, AsyncApiChannel>;
  readonly operations: Record<string, AsyncApiOperation>;
  readonly components: { readonly messages: Record<string, AsyncApiMessage> };
}
