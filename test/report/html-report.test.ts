import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/report-json.js';
import { diagnoseHtml, whatIfHtml } from '../../src/report/html/build.js';
import { renderWhatIfJson } from '../../src/report/render-whatif.js';
import { whatIf } from '../../src/whatif.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { caseFolder, diagnosePaths, escaped, EVIDENCE_FILES, fetchableReferences, HTML_AT, inlineStyleOrHandlers, startTags } from './html-helpers.js';

/**
 * The HTML report is the JSON report rendered (issue 15, "How it must behave"): every finding,
 * flow and input the JSON holds appears in the page, derived here from `--format json`'s text.
 */

interface JsonView {
  inputs: { file: string }[];
  findings: { rule: string; title: string; related?: string[]; fix: { command?: string }[] }[];
  flows: { from: string; to: string; outcome: string; hops: unknown[]; anomalies: string[] }[];
  summary: { errors: number; warnings: number };
}

const CASES: Record<string, string[]> = {
  'demo (S1)': ['examples/s1-provider-wildcard'],
  'S2 after': ['examples/s2-cert-connector-after'],
  'S3 shared IP': ['examples/s3-shared-ip'],
  'routing loop': ['examples/routing-loop'],
  'S1 with trace, log, headers and capture': [caseFolder(...EVIDENCE_FILES)],
};

describe.each(Object.entries(CASES))('%s: the page holds what the JSON report holds', (_name, paths) => {
  const loaded = (async () => {
    const d = await diagnosePaths(...paths);
    return { page: diagnoseHtml(d), json: JSON.parse(renderJson(d)) as JsonView };
  })();

  it('every finding: its rule id, every grouped rule id, its title and its fix commands', async () => {
    const { page, json } = await loaded;
    expect(json.findings.length + json.flows.length).toBeGreaterThan(0);
    for (const f of json.findings) {
      expect(page).toContain(`data-rule="${escaped(f.rule)}"`);
      for (const r of f.related ?? []) expect(page).toContain(`<code>${escaped(r)}</code>`);
      expect(page).toContain(escaped(f.title));
      for (const step of f.fix) if (step.command) expect(page).toContain(escaped(step.command));
    }
    expect(page.match(/<article class="cause /g)?.length ?? 0).toBe(json.findings.length);
  });

  it('every flow (from → to) with its outcome, in the appendix', async () => {
    const { page, json } = await loaded;
    const appendix = page.slice(page.indexOf('id="appendix-flows"'));
    for (const f of json.flows) expect(appendix).toContain(`${escaped(f.from)} → ${escaped(f.to)} — <span class="out ${f.outcome}">`);
    expect(appendix.match(/<details data-outcome=/g)?.length).toBe(json.flows.length);
  });

  it('a mail-path diagram for every flow that fails or shows an anomaly, one arrow per hop', async () => {
    const { page, json } = await loaded;
    const flagged = json.flows.filter((f) => f.outcome !== 'delivered' || f.anomalies.length > 0);
    const cards = [...page.matchAll(/<article class="flowcard" id="[^"]*" data-flow-card="([^"]*)" data-hops="(\d+)">/g)];
    expect(cards.length).toBe(flagged.length);
    for (const f of flagged) expect(cards.some((c) => c[1] === `${escaped(f.from)} → ${escaped(f.to)}` && Number(c[2]) === f.hops.length)).toBe(true);
  });

  it('every input file', async () => {
    const { page, json } = await loaded;
    for (const i of json.inputs) expect(page).toContain(`<code>${escaped(i.file)}</code>`);
  });

  it('the verdict first, with the same counts', async () => {
    const { page, json } = await loaded;
    const verdict = page.indexOf('id="verdict"');
    expect(verdict).toBeGreaterThan(0);
    expect(verdict).toBeLessThan(page.indexOf('id="root-causes"'));
    expect(page.indexOf('id="root-causes"')).toBeLessThan(page.indexOf('id="mail-paths"'));
    expect(page.indexOf('id="mail-paths"')).toBeLessThan(page.indexOf('id="appendix"'));
    expect(page).toContain(`<li><b>${json.summary.errors}</b> error(s)</li>`);
    expect(page).toContain(`<li><b>${json.summary.warnings}</b> warning(s)</li>`);
  });

  it('fetches nothing: CSP default-src none, inline style and script allowed by their hashes only, no network reference', async () => {
    const { page } = await loaded;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page);
    expect(csp).not.toBeNull();
    const policy = csp![1]!.replace(/&#39;/g, "'");
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('unsafe-inline');
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    const hash = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64');
    expect(policy).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(policy).toContain(`script-src 'sha256-${hash(script)}'`);
    expect(page.match(/<script/g)?.length).toBe(1);
    expect(page.match(/<style/g)?.length).toBe(1);
    expect(fetchableReferences(page)).toEqual([]);
    // The CSP forbids inline styles and handlers; the page uses none.
    expect(inlineStyleOrHandlers(page)).toEqual([]);
  });
});

describe('the demo report', () => {
  it('stays under 1 MB, and shows the estate map with the shared gateways matching the wildcard connector (S1)', async () => {
    const page = diagnoseHtml(await diagnosePaths('examples/s1-provider-wildcard'));
    expect(Buffer.byteLength(page)).toBeLessThan(1_000_000);
    // SCENARIOS S1: mx01/mx02's certificates match TlsSenderCertificateName *.varunagroup.de.
    expect(page).toContain('*.varunagroup.de ⇐ mx01.varunagroup.de');
    expect(page).toContain('*.varunagroup.de ⇐ mx02.varunagroup.de');
    expect(page).toMatch(/<g class="m cert foreign flagged" data-match=/);
  });

  it('draws "now" and "after the fix" for the flow the verified fix repairs (dropped → delivered, M5.1)', async () => {
    const page = diagnoseHtml(await diagnosePaths('examples/s1-provider-wildcard'));
    expect(page).toContain('data-side="now"');
    expect(page).toContain('data-side="after the fix"');
    expect(page).toContain('outcome: dropped becomes delivered');
  });
});

describe('evidence views', () => {
  it('chart the trace per day and sender domain through each connector, list sessions and header hops', async () => {
    const page = diagnoseHtml(await diagnosePaths(caseFolder(...EVIDENCE_FILES)));
    expect(page).toContain('class="trace-chart"');
    expect(page).toMatch(/<title>\d{4}-\d\d-\d\d[^<]*: \d+ message\(s\) from [^<]+ through /);
    expect(page).toContain('<h3>SMTP sessions</h3>');
    expect(page).not.toContain('No SMTP session from a capture or a protocol log');
    expect(page).toContain('mx0a-00abcd01.pphosted.com');
  });
});

describe('escaping customer names', () => {
  const HOSTILE = `Evil <script>alert("x")</script> & 'Co' <img src=x onerror=alert(1)>`;
  const hostileCase = () => {
    const yaml = readFileSync('examples/s1-provider-wildcard/topology.yaml', 'utf8')
      .replace(/Setebos AG/g, JSON.stringify(HOSTILE))
      .replace(/Internet via gateway/g, JSON.stringify(`Internet "via" <u>gateway</u>`))
      .replace(/Varunagroup mail gateway/g, JSON.stringify(`GW </title><script>alert(2)</script>`));
    const dir = caseFolder();
    writeFileSync(`${dir}/topology.yaml`, yaml);
    return dir;
  };

  it('never lets a name become markup, in text, attributes or SVG', async () => {
    const d = await diagnosePaths(hostileCase());
    expect(d.case.organizations.map((o) => o.Name)).toContain(HOSTILE);
    const page = diagnoseHtml(d);
    expect(page).toContain(escaped(HOSTILE));
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).not.toContain("<u>");
    expect(page).toContain(escaped(`Internet "via" <u>gateway</u>`));
    expect(page).not.toMatch(/<\/title><script/);
    expect(page.match(/<script/g)?.length).toBe(1);
    expect(fetchableReferences(page)).toEqual([]);
    expect(inlineStyleOrHandlers(page)).toEqual([]);
    expect(startTags(page).filter((t) => /^<(img|u|iframe|object|embed|link|base)\b/i.test(t))).toEqual([]);
  });
});

describe('what-if', () => {
  it('renders the whatif@1 JSON: verdict, changes, each changed flow before and after', async () => {
    const loaded = await loadCase(['examples/s2-cert-connector-before']);
    const r = whatIf(loaded.case, ['Set-InboundConnector "On-premises relay (IP)" -Enabled $false'], { at: HTML_AT });
    const json = JSON.parse(renderWhatIfJson(r)) as { verdict: { text: string }; changes: { command: string }[]; flows: { from: string; to: string; changed: boolean }[] };
    const page = whatIfHtml(r);
    expect(page).toContain(escaped(json.verdict.text));
    for (const c of json.changes) expect(page).toContain(escaped(c.command));
    const changed = json.flows.filter((f) => f.changed);
    expect(changed.length).toBeGreaterThan(0);
    for (const f of changed) expect(page).toContain(`data-flow-card="${escaped(f.from)} → ${escaped(f.to)}"`);
    expect(page).toContain('data-side="before"');
    expect(page).toContain('data-side="after"');
    expect(fetchableReferences(page)).toEqual([]);
  });
});
