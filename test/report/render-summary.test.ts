import { describe, expect, it } from 'vitest';
import { diagnoseCase, type Diagnosis } from '../../src/diagnose.js';
import type { FlowResult } from '../../src/engine/flow-types.js';
import { loadCase } from '../../src/ingest/load-case.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderText } from '../../src/report/render-text.js';
import { buildJsonReport } from '../../src/report/report-json.js';
import { PLAIN } from '../../src/report/style.js';
import { TextLines } from '../../src/report/text-lines.js';

/**
 * Issue "Advice you can trust", item 7 (a summary first) and issue "Model II", item 10 (the new
 * outcome, per-hop AuthAs and TLS validation, the receive connector a connection landed on).
 */

const AT = new Date('2026-11-22T00:00:00Z');

async function diagnose(example: string): Promise<Diagnosis> {
  const loaded = await loadCase([`examples/${example}`]);
  expect(loaded.fatal).toBeNull();
  return diagnoseCase(loaded.case, { at: AT });
}

describe('text: a summary first', () => {
  it('opens with the verdict (errors, warnings, inputs, the moment judged at), then one line per root cause, then the details', async () => {
    const d = await diagnose('s1-provider-wildcard');
    const lines = renderText(d).split('\n');
    const errors = d.findings.filter((f) => f.severity === 'error').length;
    const warnings = d.findings.filter((f) => f.severity === 'warning').length;
    expect(lines[0]).toBe(`ERRORS: ${errors} error(s), ${warnings} warning(s), 0 info; every input read whole; judged at 2026-11-22T00:00:00.000Z.`);
    const rootCauses = lines.indexOf(`Root causes (${d.findings.length})`);
    const details = lines.indexOf(`Findings (${d.findings.length})`);
    expect(rootCauses).toBeGreaterThan(0);
    expect(rootCauses).toBeLessThan(10);
    expect(details).toBeGreaterThan(rootCauses);
    // One line per root cause, in the order of the details.
    const summary = lines.slice(rootCauses + 1, rootCauses + 1 + d.findings.length);
    d.findings.forEach((f, i) => expect(summary[i]).toContain(`${i + 1}. ${f.severity.toUpperCase()} ${f.title}`));
    expect(lines.indexOf(`Flows with anomalies (${d.simulation.flows.filter((f) => f.anomalies.length > 0 || f.outcome !== 'delivered').length} of ${d.simulation.flows.length})`)).toBeGreaterThan(details);
  });

  it('a clean estate says so first', async () => {
    const first = renderText(await diagnose('clean-hybrid')).split('\n')[0];
    expect(first).toBe('NO FINDINGS: 0 error(s), 0 warning(s), 0 info; every input read whole; judged at 2026-11-22T00:00:00.000Z.');
  });

  it('the incomplete-inputs verdict stays the first line when the inputs were read in part', async () => {
    const d = await diagnose('clean-hybrid');
    d.incomplete = { files: [{ file: 'x.json', kind: 'export', reason: 'truncated' }], nothingUsable: false, message: 'Results are INCOMPLETE: 1 input(s) could not be read or were read in part (x.json); findings and flows reflect only what was read.' };
    const lines = renderText(d).split('\n');
    expect(lines[0]).toMatch(/^Results are INCOMPLETE/);
    expect(lines[2]).toMatch(/^NO FINDINGS in what could be read: .*1 input\(s\) INCOMPLETE/);
  });

  it('long evidence lists are capped with a count of what was left out; --full shows everything', async () => {
    const d = await diagnose('s1-provider-wildcard');
    const f = d.findings[0]!;
    f.evidence = Array.from({ length: 9 }, (_, i) => ({ source: `file.csv:${i + 1}`, text: `observation ${i + 1}` }));
    const capped = renderText(d);
    expect(capped).toContain('observation 5');
    expect(capped).not.toContain('observation 6');
    expect(capped).toContain('… and 4 more (--full shows all)');
    const full = renderText(d, { ...PLAIN, full: true });
    expect(full).toContain('observation 9');
    expect(full).not.toContain('--full shows all');
  });

  it('wraps prose to the terminal width, never a command; no width, no wrapping', async () => {
    const d = await diagnose('s1-provider-wildcard');
    const wrapped = renderText(d, { ...PLAIN, width: 60 }).split('\n');
    const commands = d.findings.flatMap((f) => f.fix.map((s) => s.command).filter((c): c is string => !!c));
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(wrapped.some((l) => l.trim() === c)).toBe(true);
    const prose = wrapped.filter((l) => !commands.some((c) => l.includes(c)) && !/→/.test(l));
    expect(prose.every((l) => l.length <= 60)).toBe(true);
    const unwrapped = renderText(d).split('\n');
    expect(unwrapped.some((l) => l.length > 120)).toBe(true);
  });

  it('a word longer than the width stands on its own line instead of being cut', () => {
    const out = new TextLines(20).text('   see https://learn.microsoft.com/exchange/a-very-long-path now');
    expect(out.lines).toEqual(['   see', '     https://learn.microsoft.com/exchange/a-very-long-path', '     now']);
  });
});

/** A deferred EXO → on-premises flow (EXO-SEMANTICS M8, NDR-CATALOG 4.7.320) with two smart hosts. */
function deferred(f: FlowResult): FlowResult {
  return {
    ...f,
    outcome: 'deferred',
    response: '450 4.7.320 Certificate validation failed [Message=SubjectMismatch]',
    finalResponse: '550 4.4.7 QUEUE.Expired; message expired',
    expiresAfter: '24h',
    targets: [
      { host: 'mail1.contoso.com', outcome: 'deferred', response: '450 4.7.320 Certificate validation failed [Message=SubjectMismatch]', reason: 'self-signed' },
      { host: 'mail2.contoso.com', outcome: 'deferred', response: '450 4.4.317 Cannot connect to remote server', reason: 'no route' },
    ],
    hops: f.hops.map((h) => ({ ...h, authAs: 'Anonymous', tls: { offered: true, serverCertificate: 'EX01', clientCertificate: 'mail.protection.outlook.com', validation: 'SubjectMismatch', landedOn: 'Default Frontend EX01' } })),
  };
}

describe('the new flow fields in every format (issue "Model II", item 10)', () => {
  it('text, Markdown and JSON show deferred with its final NDR and expiry, AuthAs, TLS validation, the landing connector and the targets', async () => {
    const d = await diagnose('clean-hybrid');
    const i = d.simulation.flows.findIndex((f) => f.origin === 'contoso.onmicrosoft.com' && f.to === 'bob@contoso.com');
    d.simulation.flows[i] = deferred(d.simulation.flows[i]!);
    const text = renderText(d);
    expect(text).toContain('deferred — 450 4.7.320 Certificate validation failed [Message=SubjectMismatch]; retried for 24h, then NDR 550 4.4.7 QUEUE.Expired; message expired');
    expect(text).toMatch(/TLS SubjectMismatch \(server cert EX01, client cert mail\.protection\.outlook\.com\); landed on receive connector "Default Frontend EX01"; AuthAs Anonymous/);
    expect(text).toContain('- mail2.contoso.com: deferred — 450 4.4.317 Cannot connect to remote server');
    expect(text).toMatch(/flow\(s\) simulated: 5 delivered, 1 deferred/);

    const md = renderMarkdown(d);
    expect(md).toContain('**deferred** — 450 4.7.320');
    expect(md).toContain('landed on receive connector "Default Frontend EX01"; AuthAs Anonymous');
    expect(md).toContain('- mail1.contoso.com: deferred');
    expect(md.indexOf('## Root causes') === -1 || md.indexOf('## Root causes') < md.indexOf('## Findings')).toBe(true);

    const json = buildJsonReport(d);
    const flow = json.flows[i]!;
    expect(flow).toMatchObject({ outcome: 'deferred', finalResponse: '550 4.4.7 QUEUE.Expired; message expired', expiresAfter: '24h' });
    expect(flow.targets).toHaveLength(2);
    expect(flow.hops[0]).toMatchObject({ authAs: 'Anonymous', tls: { validation: 'SubjectMismatch', landedOn: 'Default Frontend EX01' } });
    expect(flow.hops[0]!.attribution).toHaveProperty('step');
    expect(json.summary.flows).toEqual({ delivered: 5, deferred: 1 });
  });

  it('Markdown opens with the verdict and the root causes, like the text', async () => {
    const d = await diagnose('s1-provider-wildcard');
    const md = renderMarkdown(d);
    expect(md.indexOf('**ERRORS:')).toBeGreaterThan(0);
    expect(md.indexOf('**ERRORS:')).toBeLessThan(md.indexOf('## Root causes'));
    expect(md.indexOf('## Root causes')).toBeLessThan(md.indexOf('## Findings'));
    expect(md.indexOf('## Findings')).toBeLessThan(md.indexOf('## Flows ('));
  });
});
