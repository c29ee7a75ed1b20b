import { describe, expect, it } from 'vitest';
import { runMain } from '../cli/in-process.js';
import { fetchableReferences } from './html-helpers.js';

/** `--format html` on every command that reads a case or evidence (issue 15, item 1); exit codes as with the other formats (CONTRACT). */
const AT = ['--at', '2026-11-22T12:00:00Z'];

const RUNS: [string, string[], number][] = [
  ['demo', ['demo', '--format', 'html'], 1],
  ['diagnose', ['diagnose', 'examples/clean-hybrid', '--format', 'html', ...AT], 0],
  ['whatif', ['whatif', 'examples/s2-cert-connector-before', '--change', 'Set-InboundConnector "On-premises relay (IP)" -Enabled $false', '--format', 'html', ...AT], 1],
  ['simulate', ['simulate', 'examples/s1-provider-wildcard', '--from', 'alice@setebos-ag.com', '--to', 'carol@fabrikam.com', '--format', 'html', ...AT], 0],
  ['trace', ['trace', 'test/fixtures/trace/s1-extended-report.csv', '--format', 'html'], 0],
  ['logs', ['logs', 'test/fixtures/exchange-log/s42-nat-receive.log', '--format', 'html'], 0],
  ['pcap', ['pcap', 'test/fixtures/pcap/starttls-masked.pcap', '--format', 'html'], 0],
  ['headers', ['headers', 'test/fixtures/headers/cross-premises-anonymous-gateway.eml', '--format', 'html'], 0],
];

describe.each(RUNS)('%s --format html', (_name, args, code) => {
  it('writes one self-contained page with its Content-Security-Policy, and exits as the other formats do', async () => {
    const r = await runMain(...args);
    expect(r.stderr).not.toMatch(/usage|unexpected failure/i);
    expect(r.code).toBe(code);
    expect(r.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(r.stdout).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`);
    expect(r.stdout.trimEnd().endsWith('</html>')).toBe(true);
    expect(fetchableReferences(r.stdout)).toEqual([]);
  });
});

describe('what each evidence page shows', () => {
  it('trace: a chart per connector, per day and sender domain (the trace command groups by UTC day)', async () => {
    const r = await runMain('trace', 'test/fixtures/trace/s1-extended-report.csv', '--format', 'html');
    expect(r.stdout).toContain('class="trace-chart"');
    expect(r.stdout).toMatch(/<title>\d{4}-\d\d-\d\d: \d+ message\(s\) from [^<]+ through [^<]+<\/title>/);
  });

  it('pcap and logs: the sessions table; headers: the hops oldest first with their delay', async () => {
    expect((await runMain('pcap', 'test/fixtures/pcap/starttls-masked.pcap', '--format', 'html')).stdout).toMatch(/<td>masked<\/td>/);
    expect((await runMain('logs', 'test/fixtures/exchange-log/s42-nat-receive.log', '--format', 'html')).stdout).toContain('<th scope="col">client certificate</th>');
    const headers = (await runMain('headers', 'test/fixtures/headers/cross-premises-anonymous-gateway.eml', '--format', 'html')).stdout;
    expect(headers).toContain('<th scope="col">delay</th>');
    expect(headers.indexOf('EX01.corp.contoso.com')).toBeLessThan(headers.indexOf('mx0a-00abcd01.pphosted.com'));
  });
});
