import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Debian's Chromium driven by playwright-core (no browser download: `.ci/run` installs the
 * `chromium` package). Without it the browser tests are skipped with the reason in their title,
 * unless CI_REQUIRE_INTEGRATION=1, which makes them fail instead.
 */
export const CHROMIUM = process.env.MFD_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps'];

const require = createRequire(import.meta.url);

export function browserUnavailable(): string | null {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  try {
    require.resolve('playwright-core');
    require.resolve('axe-core/axe.min.js');
  } catch {
    return 'playwright-core or axe-core is not installed (npm ci)';
  }
  return null;
}

/** axe-core's source, to evaluate inside the page. */
export function axeSource(): string {
  return readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
}
