// Headless Chromium for the page tests: Debian's chromium package (scripts/ensure-tools.sh installs it),
// driven by playwright-core, which downloads no browser of its own.
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`The browser tests need Chromium at ${chromiumPath}, which is missing: install Debian's "chromium" package (apt-get install chromium; npm test does it through scripts/ensure-tools.sh when run as root).`);
  }
  // playwright gives every launch a fresh temporary profile; these flags keep the browser off the network
  // and quiet on a machine without a GPU or a sandbox.
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 30_000,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
