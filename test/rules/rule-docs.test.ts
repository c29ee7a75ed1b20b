import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.js';
import { headingAnchor, modelSectionHeading, renderRuleDocs, writeRuleDocs } from '../../src/rules/rule-docs.js';
import { DOC_REFERENCES, MODEL_SECTIONS, RULE_DOC_PARTS, RULE_DOCS, type ModelSection } from '../../src/rules/rule-docs-data.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCS_RULES = join(ROOT, 'docs', 'rules');
const MODEL_PAGE = join(ROOT, 'docs', 'how-it-decides.md');

/** Every rule id of RULES.md v2 (both "configuration and simulation" tables and both evidence tables). */
const CATALOG_IDS = [
  'inbound-cert-name-overmatch', 'relay-through-foreign-tenant', 'shared-identity-tenant-and-internet-route',
  'cert-connector-no-client-certificate', 'cert-connector-name-mismatch', 'certificate-expired', 'certificate-untrusted',
  'certificate-no-private-key', 'send-connector-fqdn-certificate-mismatch', 'connector-stale-certificate-reference',
  'ip-connector-foreign-sender-domains', 'hybrid-routing-domain-authoritative', 'third-party-gateway-in-hybrid-path',
  'eop-ip-ranges-outdated', 'hybrid-remote-domain-misconfigured', 'connector-identity-matches-several-tenants',
  'flow-expectation-failed',
  'flow-fails', 'routing-loop', 'relay-cert-domain-not-immediate-parent', 'ip-connector-unsupported-range',
  'exo-to-onprem-tls-validation-fails', 'exo-to-onprem-starttls-unavailable', 'exo-to-onprem-connection-fails',
  'exo-lands-on-wrong-receive-connector', 'onprem-to-exo-tls-validation-fails', 'cross-premises-trust-disabled',
  'certificate-not-enabled-for-smtp', 'certificate-expiring-soon', 'direct-send-rejected', 'onprem-server-out-of-date',
  'legacy-or-wrong-exo-endpoint', 'recipient-blocked-by-dbeb', 'cmt-inbound-relay-denied', 'enhanced-filtering-missing',
  'enhanced-filtering-unsupported-config', 'mc1226222-anti-pattern', 'partner-connector-restriction-rejects',
  'partner-connector-scope-risk', 'connector-or-tenant-blocked',
  'trace-foreign-mail-via-onprem-connector', 'tenant-attribution-rejected', 'capture-no-client-certificate',
  'starttls-masked', 'tls-weak-version', 'message-not-internal', 'eop-source-ip-not-preserved',
  'evidence-contradicts-model', 'ip-blocklisted',
  'trace-onprem-send-tls-error', 'trace-message-expired', 'trace-recipient-not-found', 'trace-ip-throttled',
  'trace-dane-mtasts-failure', 'trace-mixed-region-deferral', 'trace-allow-list-relay-block',
];

/** Relative Markdown links `](target)` of a page, without external URLs. */
function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/i.test(t));
}

/** Anchors of a Markdown page's headings, as the rule reference computes them. */
function headingAnchors(markdown: string): Set<string> {
  return new Set(markdown.split('\n').filter((l) => /^#{1,6} /.test(l)).map((l) => headingAnchor(l.replace(/^#+ /, ''))));
}

describe('rule reference data (issue 15 item 5)', () => {
  it('has an entry for every rule id of RULES.md v2 and every registered rule', () => {
    const missing = [...new Set([...CATALOG_IDS, ...RULES.map((r) => r.id)])].filter((id) => !RULE_DOCS[id]);
    expect(missing).toEqual([]);
  });

  it('holds no entry for an id the catalog does not know (a typo would leave a rule undocumented)', () => {
    const known = new Set([...CATALOG_IDS, ...RULES.map((r) => r.id)]);
    expect(Object.keys(RULE_DOCS).filter((id) => !known.has(id))).toEqual([]);
  });

  it('keeps each id in exactly one part', () => {
    const total = RULE_DOC_PARTS.reduce((n, p) => n + Object.keys(p).length, 0);
    expect(total).toBe(Object.keys(RULE_DOCS).length);
  });

  it('says for each rule when it fires, what evidence it quotes, the fix, and the model section', () => {
    for (const [id, doc] of Object.entries(RULE_DOCS)) {
      const fires = Object.values(doc.whenItFires).filter((t) => typeof t === 'string' && t.trim().length > 0);
      expect(fires.length, id).toBeGreaterThan(0);
      expect(doc.evidence.length, id).toBeGreaterThan(0);
      expect(doc.fix.length, id).toBeGreaterThan(0);
      expect(doc.model.length, id).toBeGreaterThan(0);
    }
  });

  it('cites only https URLs a reader can open, each once in the list', () => {
    const urls = Object.values(DOC_REFERENCES).map((r) => r.url);
    for (const u of urls) expect(u, u).toMatch(/^https:\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    expect(new Set(urls).size).toBe(urls.length);
    // Design notes outside the repository are not references a user of the package can open.
    for (const u of urls) expect(u).not.toMatch(/shared\/design|EXO-SEMANTICS|RULES\.md/);
  });

  it('every rule that fires from simulation or configuration of a Microsoft behaviour cites a Microsoft document', () => {
    const microsoft = /^https:\/\/(learn|support|techcommunity)\.microsoft\.com\//;
    const withoutMicrosoft = Object.entries(RULE_DOCS)
      .filter(([id]) => id !== 'flow-expectation-failed')
      .filter(([, doc]) => !doc.references.some((k) => microsoft.test(DOC_REFERENCES[k].url)))
      .map(([id]) => id);
    expect(withoutMicrosoft).toEqual([]);
  });
});

describe('docs/rules on disk', () => {
  const rendered = renderRuleDocs(RULES);

  // MFD_UPDATE_RULE_DOCS=1 rewrites the pages first (the same as `npm run docs`, without a build).
  beforeAll(async () => {
    if (process.env.MFD_UPDATE_RULE_DOCS === '1') await writeRuleDocs(DOCS_RULES, RULES);
  });

  it('has one page per registered rule plus the index, and nothing else', () => {
    const onDisk = existsSync(DOCS_RULES) ? readdirSync(DOCS_RULES).filter((f) => f.endsWith('.md')).sort() : [];
    expect(onDisk).toEqual([...rendered.keys()].sort());
  });

  it('equals what the generator renders from the rules (run `npm run docs` after changing a rule)', () => {
    for (const [name, text] of rendered) {
      const path = join(DOCS_RULES, name);
      expect(existsSync(path) ? readFileSync(path, 'utf8') : '(missing)', name).toBe(text);
    }
  });

  it("shows each rule's own id, title, severity and description", () => {
    for (const r of RULES) {
      const page = rendered.get(`${r.id}.md`)!;
      expect(page).toContain(`# \`${r.id}\`: ${r.title}`);
      expect(page).toContain(`| ${r.severity} |`);
      expect(page).toContain(r.description);
    }
    const index = rendered.get('README.md')!;
    for (const r of RULES) expect(index).toContain(`[\`${r.id}\`](${r.id}.md) | ${r.severity} |`);
  });

  it('links only to files and headings that exist', () => {
    const model = existsSync(MODEL_PAGE) ? readFileSync(MODEL_PAGE, 'utf8') : '';
    const anchors = headingAnchors(model);
    for (const [name, text] of rendered) {
      for (const link of relativeLinks(text)) {
        const [file, anchor] = link.split('#') as [string, string | undefined];
        expect(existsSync(join(DOCS_RULES, file)) || rendered.has(file), `${name} → ${link}`).toBe(true);
        if (anchor && file === '../how-it-decides.md') expect(anchors.has(anchor), `${name} → ${link}`).toBe(true);
      }
    }
  });
});

describe('docs/how-it-decides.md', () => {
  const model = existsSync(MODEL_PAGE) ? readFileSync(MODEL_PAGE, 'utf8') : '';

  it('has a heading for every model section the rule reference links to', () => {
    const headings = new Set(model.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim()));
    for (const key of Object.keys(MODEL_SECTIONS) as ModelSection[]) expect(headings.has(modelSectionHeading(key)), key).toBe(true);
  });

  it("marks the project's own choices and cites openable sources", () => {
    expect(model).toMatch(/\*\*\[model\]\*\*/);
    // Inline links and reference-style definitions alike.
    const urls = new Set([...model.matchAll(/https:\/\/[^\s)>\]]+/g)].map((m) => m[0]));
    expect(urls.size).toBeGreaterThan(30);
    expect(model).not.toMatch(/shared\/design/);
  });

  it('links only to files inside the repository', () => {
    for (const link of relativeLinks(model)) {
      const file = link.split('#')[0]!;
      if (file === '') continue;
      expect(existsSync(join(ROOT, 'docs', file)), link).toBe(true);
    }
  });
});

describe('README.md', () => {
  it('links to no file outside the repository (the links must work in a clone)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const outside = relativeLinks(readme).filter((l) => l.startsWith('../') || l.startsWith('/'));
    expect(outside).toEqual([]);
    for (const link of relativeLinks(readme)) {
      const file = link.split('#')[0]!;
      if (file !== '') expect(existsSync(join(ROOT, file)), link).toBe(true);
    }
  });
});
