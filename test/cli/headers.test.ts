import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cli, cliJson } from '../helpers/run-cli.js';
import { runMain } from './in-process.js';

const F = 'test/fixtures/headers/';
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);

describe('headers command', () => {
  it('JSON: one object per message with the contract hop fields and decoded headers side by side', () => {
    const { code, json } = cliJson('headers', `${F}cross-premises-anonymous-gateway.eml`, `${F}three-messages.mbox`);
    expect(code).toBe(0);
    // CONTRACT: one object per message — an array, the mbox's three after the .eml's one.
    expect(Array.isArray(json)).toBe(true);
    expect(json).toHaveLength(4);
    const m = json[0];
    expect(m.source).toEqual({ file: `${F}cross-premises-anonymous-gateway.eml`, line: 1 });
    for (const h of m.hops) for (const key of ['from', 'by', 'with', 'ip', 'tls', 'date', 'delaySeconds', 'kind']) expect(h).toHaveProperty(key);
    expect(m.hops[2]).toMatchObject({ from: 'ex02.corp.contoso.com', by: 'mx0a-00abcd01.pphosted.com', with: 'ESMTPS', ip: '192.0.2.11', tls: { version: 'TLSv1.2' }, date: '2025-03-04T09:15:02.000Z', delaySeconds: 1, kind: 'gateway' });
    expect(m.verdicts).toMatchObject({ crossedPremises: true, treatedAsInternal: false, gatewayHopsInHybridPath: [3] });
    expect(m.microsoftHeaders.find((h: { name: string }) => h.name === 'X-MS-Exchange-Organization-AuthAs').value).toBe('Anonymous');
    expect(m.forefrontAntispamReport.find((f: { key: string }) => f.key === 'SFV').value).toBe('SPM');
    expect(json.slice(1).map((x: { messageId: string }) => x.messageId)).toEqual(['<mbox-1@fabrikam.com>', '<mbox-2@fabrikam.com>', '<mbox-3@fabrikam.com>']);
    expect(json.slice(1).map((x: { source: { file: string } }) => x.source.file)).toEqual(Array(3).fill(`${F}three-messages.mbox`));
  });

  it('text: the hop table, the verdicts and the meanings', () => {
    const r = cli('headers', `${F}tls10-exo-to-exchange2010.eml`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/#\s+from → by\s+with\s+IP\s+TLS\s+date \(UTC\)\s+delay\s+kind/);
    expect(r.stdout).toMatch(/3\s+EUR05-AM6-obe\.outbound\.protection\.outlook\.com → CAS01\.corp\.contoso\.com\s+Microsoft SMTP Server\s+198\.51\.100\.90\s+TLSv1\s+2025-03-04 11:59:58Z\s+-3s skew\s+exchange-on-premises/);
    expect(r.stdout).toMatch(/4\s+CAS01\.corp\.contoso\.com → HUB01\.corp\.contoso\.com .* \? Tuesday 4th of March/);
    expect(r.stdout).toContain('Lowest TLS version on the path: TLSv1 (no TLS shown on hop 1, 5)');
    expect(r.stdout).toContain('Clock skew: hop 3');
    expect(r.stdout).toContain('Treated as internal: yes — X-MS-Exchange-Organization-AuthAs: Internal');
    expect(r.stdout).toMatch(/X-MS-Exchange-Organization-AuthMechanism: 06\n\s+.*2-digit hexadecimal.* — not documented/);
  });

  it('a .msg and a garbled paste print like the originals', () => {
    const msg = cli('headers', `${F}cross-premises-anonymous-gateway.msg`);
    const eml = cli('headers', `${F}cross-premises-anonymous-gateway.eml`);
    const paste = cli('headers', `${F}pasted-outlook-lost-folding.txt`);
    const body = (s: string) => s.split('\n').slice(2).join('\n').replace(/lost their formatting[^\n]*\n/, '');
    expect(msg.code).toBe(0);
    expect(body(msg.stdout)).toBe(body(eml.stdout));
    expect(paste.stderr).toMatch(/warning: .*pasted-outlook-lost-folding\.txt:2: .*lost their formatting/);
  });

  it('empty and garbage files: exit 2 with a message naming the file, no stack', () => {
    for (const name of ['empty.eml', 'garbage.bin']) {
      const r = cli('headers', `${F}${name}`);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${F}${name}`);
      noStack(r.stderr);
    }
    const missing = cli('headers', '/nonexistent/file.eml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/file.eml');
  });

  it('a garbage file beside a good one: a warning-free good result, the bad one named on stderr, exit 0', () => {
    const r = cli('headers', `${F}garbage.bin`, `${F}internet-inbound.eml`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<20250304095957.GA12345@fabrikam.com>');
    expect(r.stderr).toMatch(/garbage\.bin: no message headers found/);
  });

  it('no file: a usage error', () => {
    const r = cli('headers');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/headers needs at least one FILE/);
  });
});

/** Runs `main` in this process with `input` as standard input (sources, no build). */
async function withStdin<T>(input: Buffer, run: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  // Two chunks: the reader must not depend on the first chunk holding the whole paste.
  Object.defineProperty(process, 'stdin', { value: Readable.from([input.subarray(0, 5), input.subarray(5)]), configurable: true });
  try {
    return await run();
  } finally {
    Object.defineProperty(process, 'stdin', original);
  }
}

describe('headers - (standard input: a pasted block is the most common input)', () => {
  it('reads the paste as the file is read, named <stdin>', async () => {
    const file = `${F}internet-inbound.eml`;
    const fromFile = await runMain('headers', file, '--format', 'json');
    const r = await withStdin(readFileSync(file), () => runMain('headers', '-', '--format', 'json'));
    expect(r.code).toBe(0);
    const [a] = JSON.parse(fromFile.stdout);
    const [b] = JSON.parse(r.stdout);
    expect(b.source).toEqual({ file: '<stdin>', line: 1 });
    expect({ ...b, source: null }).toEqual({ ...a, source: null });
  });

  it('a UTF-16 paste (Notepad "Unicode") and an Outlook paste through the pipe', async () => {
    const text = readFileSync(`${F}internet-inbound.eml`, 'utf8');
    const r = await withStdin(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), () => runMain('headers', '-', '--format', 'json'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].messageId).toBe('<20250304095957.GA12345@fabrikam.com>');
    const paste = await withStdin(readFileSync(`${F}pasted-outlook-lost-folding.txt`), () => runMain('headers', '-'));
    expect(paste.code).toBe(0);
    expect(paste.stderr).toMatch(/warning: <stdin>:2: .*lost their formatting/);
  });

  it('empty standard input: exit 2, said plainly', async () => {
    const r = await withStdin(Buffer.alloc(0), () => runMain('headers', '-'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/<stdin>: standard input is empty/);
    noStack(r.stderr);
  });
});

describe('headers command: markdown and --redact (issue 15 item 4)', () => {
  it('--format markdown gives the hop table as Markdown', async () => {
    const r = await runMain('headers', `${F}cross-premises-anonymous-gateway.eml`, '--format', 'markdown');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\|.*\|$/m);
    expect(r.stdout).toContain('mx0a-00abcd01.pphosted.com');
  });

  it('--redact replaces the customer names and addresses of the headers', async () => {
    const r = await runMain('headers', `${F}cross-premises-anonymous-gateway.eml`, '--redact');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/contoso/i);
    // Documentation addresses (192.0.2.0/24) are already anonymous and stay (docs/redaction.md).
    expect(r.stdout).toContain('customer-');
  });
});
