import { expect, test } from "vitest";
import type * as Zod from "zod";
import { MissingPeerDependencyError, loadPeer } from "../../src/core/index.js";

test("a missing broker client is a MissingPeerDependencyError that names the package to install", async () => {
  const failure = loadPeer("postline-no-such-client", "postline/nowhere");
  await expect(failure).rejects.toThrow(MissingPeerDependencyError);
  await expect(failure).rejects.toThrow('postline/nowhere needs the package "postline-no-such-client". Install it with: npm install postline-no-such-client');
});

test("an installed client loads", async () => {
  const zod = await loadPeer<typeof Zod>("zod", "the test");
  expect(typeof zod.z.object).toBe("function");
});
