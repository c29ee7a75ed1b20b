import { describe, expect, it } from 'vitest';
import { diagnoseHtml, whatIfHtml } from '../../src/report/html/build.js';
import { RULES } from '../../src/rules/index.js';
import { DOC_REFERENCES, RULE_DOCS } from '../../src/rules/rule-docs-data.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { whatIf } from '../../src/whatif.js';
import { diagnosePaths, escaped, HTML_AT, startTags } from './html-helpers.js';

/**
 * Issue 15 item 5: the HTML report links each finding's rule id to its rule documentation (the
 * docs/rules/<id>.md page, rendered from the same entries). The page makes no request, so the
 * documentation is embedded once per rule shown, collapsed, and the rule id is an in-page link.
 */
describe('rule documentation inside the HTML report', () => {
  it('demo: every finding\'s rule id links to a collapsed block holding why it matters, the fix and the references as text', async () => {
    const d = await diagnosePaths('examples/s1-provider-wildcard');
    const page = diagnoseHtml(d);
    const ids = [...new Set(d.findings.flatMap((f) => [f.rule, ...(f.related ?? [])]))];
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const rule = RULES.find((r) => r.id === id)!;
      const doc = RULE_DOCS[id]!;
      expect(page).toContain(`<a href="#rule-${id}"><code>${id}</code></a>`);
      const block = new RegExp(`<details class="ruledoc" id="rule-${id}" data-rule-doc="${id}">([\\s\\S]*?)</details>`).exec(page);
      expect(block, id).not.toBeNull();
      expect(block![1]).toContain(escaped(rule.description.split('`')[0]!));
      expect(block![1]).toContain('<h4>Fix</h4>');
      expect(block![1]).toContain(escaped(doc.fix[0]!.split('`')[0]!));
      for (const key of doc.references) expect(block![1]).toContain(`<code class="url">${escaped(DOC_REFERENCES[key].url)}</code>`);
      expect(block![1]).toContain(`docs/rules/${id}.md`);
    }
    // Each rule once, however many findings name it.
    expect(page.match(/<details class="ruledoc"/g)).toHaveLength(ids.length);
    // No link leaves the page: every href is an in-page anchor.
    expect(startTags(page).filter((t) => /\shref="(?!#)/.test(t))).toEqual([]);
    expect(Buffer.byteLength(page)).toBeLessThan(1024 * 1024);
  });

  it('a clean case has no rule reference', async () => {
    const page = diagnoseHtml(await diagnosePaths('examples/clean-hybrid'));
    expect(page).not.toContain('class="ruledoc"');
    expect(page).not.toContain('Rules in this report');
  });

  it('whatif: the rules of the findings the change adds and resolves are documented in the page', async () => {
    const loaded = await loadCase(['examples/s2-cert-connector-before']);
    const r = whatIf(loaded.case, ['Set-InboundConnector "On-premises relay (IP)" -Enabled $false'], { at: HTML_AT });
    const page = whatIfHtml(r);
    const ids = new Set([...r.findingsAdded, ...r.findingsResolved].map((f) => f.rule));
    expect(ids.size).toBeGreaterThan(0);
    for (const id of ids) expect(page).toContain(`id="rule-${id}"`);
  });
});
