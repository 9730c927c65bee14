import ts from "typescript";
import { defineConfig, type Plugin } from "vitest/config";

// Vite's built-in transformer (oxc) does not lower TC39 standard decorators yet, and the class style of
// Postline handlers uses them. TypeScript's own single-file transpiler does, so test sources go through it
// first; what reaches oxc afterwards is plain JavaScript.
function typescriptDecorators(): Plugin {
  return {
    name: "postline:typescript-decorators",
    enforce: "pre",
    transform(code, id) {
      if (!id.endsWith(".ts") || id.includes("/node_modules/") || !code.includes("@")) return null;
      const output = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          sourceMap: true,
          verbatimModuleSyntax: false,
        },
      });
      return { code: output.outputText, map: output.sourceMapText ?? null };
    },
  };
}

export default defineConfig({
  plugins: [typescriptDecorators()],
  test: {
    include: ["test/**/*.test.ts"],
    // In CI (.ci/run) a JSON report beside the console one, from which .ci/run prints its summary line.
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".cache/vitest-results.json" },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
