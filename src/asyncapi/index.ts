// `postline/asyncapi`: the AsyncAPI 3.0 document of an App or broker, as data, JSON or YAML.
export { asyncApiDocument, type AsyncApiOptions } from "./generate.js";
export { toYaml } from "./yaml.js";
export type {
  AsyncApiChannel,
  AsyncApiDocument,
  AsyncApiMessage,
  AsyncApiOperation,
  AsyncApiServer,
  Bindings,
  JsonSchema,
  Reference,
} from "./document.js";
