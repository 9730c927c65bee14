import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The layers of docs/architecture.md: core at the bottom, telemetry and the adapters above it, no import back up.
const adapters = ["memory", "kafka", "confluent", "rabbit", "nats", "redis", "mqtt"];
// What both Kafka clients share: no export of its own, imported by those two adapters only.
const kafkaClients = ["kafka", "confluent"];
const adapterBoundaries = [...adapters, "kafka-common"].map((adapter) => ({
  files: [`src/${adapter}/**/*.ts`],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          { regex: "^(\\.\\./)+core/(?!index\\.js$)", message: "An adapter imports core only through its entry point, src/core/index.ts." },
          { regex: "^(\\.\\./)+opentelemetry/(?!index\\.js$)", message: "An adapter imports telemetry only through src/opentelemetry/index.ts." },
          {
            regex: `^\\.\\./(?!core/|opentelemetry/${kafkaClients.includes(adapter) ? "|kafka-common/" : ""})[a-z-]+/`,
            message: "An adapter imports no other adapter (the two Kafka clients share src/kafka-common/).",
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".cache/", "eslint.config.js", "src/cli/traces/assets/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Tests and adapters pass structured values through `unknown`; the narrowing is explicit at use sites.
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-explicit-any": "off",
      // Transports implement async interfaces; many methods have nothing to await and that is fine.
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    rules: { "no-restricted-syntax": ["error", { selector: "ExportAllDeclaration", message: "Name the exports: no `export *` (explicit surfaces)." }] },
  },
  {
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: `^\\.\\./(opentelemetry|cli|asyncapi|testing|kafka-common|${adapters.join("|")})(/|$)`, message: "Core imports no telemetry, adapter or tool: they build on it." }] },
      ],
    },
  },
  ...adapterBoundaries,
);
