import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { POSTLINE_VERSION } from "../../src/core/version.js";

test("the tracer's version is the package's version", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  expect(POSTLINE_VERSION).toBe(pkg.version);
});
