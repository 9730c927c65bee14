/** Kept equal to package.json's version by test/core/version.test.ts; reported as the tracer's version. */
export const POSTLINE_VERSION = "0.1.0";
