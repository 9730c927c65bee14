// The document as YAML, for `postline docs gen --out asyncapi.yaml`. JSON data only (objects, arrays, strings,
// numbers, booleans, null), so a few lines do: strings are written as JSON strings, which are valid YAML
// double-quoted scalars, unless they are plainly safe; keys likewise.

const plain = /^[A-Za-z_$/][A-Za-z0-9_.$/ -]*$/;
const reserved = /^(?:true|false|yes|no|on|off|null|~|y|n)$/i;

function scalar(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return plain.test(value) && !reserved.test(value) && !value.endsWith(" ") ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

function key(name: string): string {
  return plain.test(name) && !reserved.test(name) && !name.endsWith(" ") ? name : JSON.stringify(name);
}

function isEmptyCollection(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 0;
}

function lines(value: unknown, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item !== "object" || item === null || isEmptyCollection(item)) return [`${indent}- ${isEmptyCollection(item) ? (Array.isArray(item) ? "[]" : "{}") : scalar(item)}`];
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first!.trimStart()}`, ...rest];
    });
  }
  return Object.entries(value as Record<string, unknown>).flatMap(([name, item]) => {
    if (isEmptyCollection(item)) return [`${indent}${key(name)}: ${Array.isArray(item) ? "[]" : "{}"}`];
    if (typeof item === "object" && item !== null) return [`${indent}${key(name)}:`, ...lines(item, `${indent}  `)];
    return [`${indent}${key(name)}: ${scalar(item)}`];
  });
}

export function toYaml(document: object): string {
  return `${lines(document, "").join("\n")}\n`;
}
