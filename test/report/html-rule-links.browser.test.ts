import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseHtml } from '../../src/report/html/build.js';
import { browserUnavailable, CHROMIUM, CHROMIUM_ARGS } from '../browser/browser-support.js';
import { diagnosePaths } from './html-helpers.js';

/**
 * In Chromium (skipped without it, as the other browser tests): a finding's rule id opens the
 * rule's collapsed documentation block and scrolls to it, with no request and no console error
 * (the page's script is allowed by its hash only, so a broken script would show here).
 */
const unavailable = browserUnavailable();

describe.skipIf(unavailable !== null)('rule links in Chromium', () => {
  it('demo: clicking the rule id of the first root cause opens its documentation', async () => {
    const d = await diagnosePaths('examples/s1-provider-wildcard');
    const file = join(mkdtempSync(join(tmpdir(), 'mfd-rule-links-')), 'demo.html');
    writeFileSync(file, diagnoseHtml(d));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('request', (r) => {
        if (r.url() !== `file://${file}`) problems.push(`request ${r.url()}`);
      });
      await page.goto(`file://${file}`);
      const id = d.findings[0]!.rule;
      const block = page.locator(`#rule-${id}`);
      expect(await block.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
      await page.locator(`#cause-1 a[href="#rule-${id}"]`).click();
      expect(await block.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
      await expect.poll(() => block.locator('h4', { hasText: 'Why it matters' }).isVisible()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
