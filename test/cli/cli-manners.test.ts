import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { relativeToCwd } from '../../src/cli/relative-paths.js';
import { closestNames, editDistance } from '../../src/cli/suggest.js';
import { runMain } from './in-process.js';

/**
 * Issue 15 item 4 ("CLI manners"): --help/-h on every command with usage, options and an example;
 * --version; usage errors on standard error with exit 2; --format markdown for the evidence
 * commands; `-` for standard input; --output checked before any work; "did you mean" for
 * simulate's --origin/--destination; paths in reports relative to the working directory.
 */
const AT = '2026-11-22T12:00:00Z';
const COMMANDS = ['diagnose', 'demo', 'simulate', 'whatif', 'trace', 'logs', 'pcap', 'headers', 'explain'];
const S1 = 'examples/s1-provider-wildcard';
const TRACE = 'test/fixtures/trace/s1-extended-report.csv';
const LOG = 'test/fixtures/exchange-log/send-tls-nocredentials.log';
const PCAP = 'test/fixtures/pcap/smtp-plain.pcap';

async function withStdin<T>(input: Buffer, run: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(process, 'stdin')!;
  Object.defineProperty(process, 'stdin', { value: Readable.from([input]), configurable: true });
  try {
    return await run();
  } finally {
    Object.defineProperty(process, 'stdin', original);
  }
}

/** Splits an example line as a POSIX shell would for the quoting the help texts use ('…' and "…"). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

describe('--help and -h on every command', () => {
  for (const command of COMMANDS) {
    it(`${command}: usage, options and an example on standard output, exit 0`, async () => {
      for (const flag of ['--help', '-h']) {
        const r = await runMain(command, flag);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout).toMatch(new RegExp(`Usage:\\n\\s+mailflow-doctor ${command}\\b`));
        expect(r.stdout).toContain('Options:');
        expect(r.stdout).toMatch(/Example:\n\s+\S/);
      }
      // Help wins over everything else on the line, even a missing input.
      const withOthers = await runMain(command, 'does/not/exist', '--help');
      expect(withOthers.code).toBe(0);
      expect((await runMain('help', command)).stdout).toBe((await runMain(command, '--help')).stdout);
    });
  }

  it('each example that uses a bundled example runs as written (exit 0 or 1, never a usage error)', async () => {
    let ran = 0;
    for (const command of COMMANDS) {
      const help = (await runMain(command, '--help')).stdout;
      const examples = help.split('Example:\n')[1]!.split('\n\n')[0]!.split('\n').map((l) => l.trim());
      for (const line of examples.filter((l) => l.startsWith('mailflow-doctor ') && (l.includes('examples/') || /^mailflow-doctor (demo|explain)\b/.test(l)))) {
        const args = shellWords(line).slice(1).filter((a, i, all) => a !== '--output' && all[i - 1] !== '--output');
        const r = await runMain(...args, ...(args[0] === 'explain' ? [] : ['--at', AT]));
        expect(r.code, `${line}\n${r.stderr}`).toBeLessThan(2);
        ran++;
      }
    }
    expect(ran).toBeGreaterThanOrEqual(4);
  });

  it('after --, -h is a path, not a request for help', async () => {
    const r = await runMain('trace', '--', '-h');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('--version', () => {
  it('prints the version of package.json', async () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) {
      const r = await runMain(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`mailflow-doctor ${version}\n`);
    }
  });
});

describe('usage errors go to standard error with exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /Usage:/],
    ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['unknown option', ['diagnose', S1, '--frobnicate'], /--frobnicate[\s\S]*mailflow-doctor diagnose --help/],
    ['bad --format', ['logs', LOG, '--format', 'xml'], /--format must be one of text, json, markdown, html/],
    ['--map without --redact', ['demo', '--map', 'x.json'], /--map goes with --redact/],
    ['simulate without --from', ['simulate', S1, '--to', 'b@fabrikam.com'], /--from ADDRESS and --to ADDRESS/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await runMain(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }
});

describe('--output is checked before any work', () => {
  it('a folder that does not exist: exit 2 naming it, before the (missing) input is even looked at', async () => {
    const r = await runMain('diagnose', 'no/such/case', '--output', join(tmpdir(), 'mfd-no-such-folder', 'report.html'), '--format', 'html');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--output .*: the folder .*mfd-no-such-folder does not exist/);
    expect(r.stderr).not.toContain('no/such/case');
  });

  it('a directory: exit 2 saying to name a file in it; nothing is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-out-'));
    for (const output of [dir, `${join(dir, 'new-folder')}/`]) {
      const r = await runMain('demo', '--output', output, '--format', 'html');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is a folder; name a file in it, e\.g\. --output .*report\.html/);
    }
    const trace = await runMain('trace', TRACE, '-o', dir);
    expect(trace.code).toBe(2);
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('a file in an existing folder is written', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mfd-out-')), 'demo.md');
    const r = await runMain('demo', '--format', 'markdown', '--output', out);
    expect(r.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toMatch(/^# mailflow-doctor report/);
  });
});

describe('--format markdown for the evidence commands (render-markdown.ts style: headings and tables)', () => {
  it('trace: the files, the totals and the rollups as tables (S1 report: 22 messages, 16 through the OnPremises connector)', async () => {
    const r = await runMain('trace', TRACE, '--format', 'markdown');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# mailflow-doctor message trace\n/);
    expect(r.stdout).toContain(`| \`${TRACE}\` | `);
    expect(r.stdout).toContain('**All messages: 22, ');
    expect(r.stdout).toMatch(/### By connector\n\n\| {2}\| messages \| first \| last \|\n\| --- \| --- \| --- \| --- \|\n\| Inbound from 3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e \(OnPremises\), tenant 7c1f3a52-9d0e-4b8a-a6f1-2e5d8c4b9a10 \| 16 \|/);
    const listed = await runMain('trace', TRACE, '--format', 'markdown', '--list', '--limit', '3');
    expect(listed.stdout).toMatch(/## Messages \(3 listed, 19 more not listed: raise --limit\)/);
  });

  it('logs: sessions as table rows with the TLS error the log records', async () => {
    const text = await runMain('logs', LOG);
    const r = await runMain('logs', LOG, '--format', 'markdown');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# mailflow-doctor protocol logs\n/);
    const sessions = Number(/(\d+) SMTP session\(s\)/.exec(text.stdout)![1]);
    expect(r.stdout).toContain(`**${sessions} SMTP session(s)`);
    expect(r.stdout.split('\n').filter((l) => /^\| \d+ \| /.test(l))).toHaveLength(Math.min(sessions, 1000));
    expect(r.stdout).toContain('TLS negotiation failed: NoCredentials');
  });

  it('pcap: a session table, then each conversation in a fenced block', async () => {
    const r = await runMain('pcap', PCAP, '--format', 'markdown');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# mailflow-doctor capture: `test\/fixtures\/pcap\/smtp-plain\.pcap`\n/);
    expect(r.stdout).toMatch(/## Sessions \(\d+\)\n\n\| # \| start \| client → server \|/);
    expect(r.stdout).toMatch(/### Session 1\n\n.*\n\n```text\nSTARTTLS: /);
    expect(r.stdout).toMatch(/\n {2}C: EHLO /);
  });
});

describe('- reads standard input', () => {
  it('pcap -: the same sessions as the file, the input named "(standard input)"', async () => {
    const bytes = readFileSync(PCAP);
    const fromFile = await runMain('pcap', PCAP, '--format', 'json');
    const fromStdin = await withStdin(bytes, () => runMain('pcap', '-', '--format', 'json'));
    expect(fromStdin.code).toBe(0);
    const a = JSON.parse(fromFile.stdout);
    const b = JSON.parse(fromStdin.stdout);
    expect(b.capture.file).toBe('(standard input)');
    expect(b.sessions).toEqual(a.sessions);
    expect(fromStdin.stdout).not.toContain(tmpdir());
    const text = await withStdin(bytes, () => runMain('pcap', '-'));
    expect(text.stdout).toContain('Capture (standard input)');
  });

  it('explain -: the text on standard input (as explain TEXT)', async () => {
    const ndr = '550 5.7.64 TenantAttribution; Relay Access Denied [SN1NAM01FT022.eop-nam01.prod.protection.outlook.com]';
    const r = await withStdin(Buffer.from(ndr), () => runMain('explain', '-'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await runMain('explain', ndr)).stdout);
  });
});

describe('simulate --origin/--destination: an unknown name fails with "did you mean"', () => {
  const flow = ['simulate', S1, '--from', 'ann@setebos-ag.com', '--to', 'bob@fabrikam.com', '--at', AT];
  it('a typo of an organization or tenant: exit 2 with the closest names; nothing is simulated', async () => {
    const r = await runMain(...flow, '--origin', 'Setebos');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--origin "Setebos" names no tenant or organization of the case. Did you mean "Setebos AG"?');
    const t = await runMain(...flow, '--destination', 'varunagroup.onmicrosft.com');
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('Did you mean "varunagroup.onmicrosoft.com"?');
  });

  it('a gateway is no place for a mailbox: said so, with the names that are', async () => {
    const r = await runMain(...flow, '--origin', 'Varunagroup mail gateway');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"Varunagroup mail gateway" is a gateway; .*\("varunagroup\.onmicrosoft\.com", "Varunagroup", "Setebos AG"\)/);
  });

  it('the right name, in any case, runs', async () => {
    const r = await runMain(...flow, '--origin', 'setebos ag', '--format', 'json');
    expect(r.code).toBeLessThan(2);
    expect(JSON.parse(r.stdout).flows[0].origin).toMatch(/Setebos AG/);
  });

  it('edit distance and closest names', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('Contoso', 'contoso')).toBe(0);
    expect(closestNames('Contso', ['Contoso', 'Fabrikam', 'Contoso EU'])).toEqual(['Contoso']);
    expect(closestNames('zzzzzz', ['Contoso', 'Fabrikam'])).toEqual([]);
  });
});

describe('paths in reports are relative to the working directory', () => {
  it('demo (its case is given by absolute path): no report format prints the working directory', async () => {
    for (const format of ['text', 'json', 'markdown', 'html']) {
      const r = await runMain('demo', '--format', format);
      expect(r.stdout, format).not.toContain(process.cwd());
      expect(r.stdout, format).toContain(`${S1}/topology.yaml`);
    }
  });

  it('absolute paths inside the working directory: inputs[].file and evidence sources come out relative', async () => {
    const r = await runMain('diagnose', resolve(S1), '--format', 'json', '--at', AT);
    const j = JSON.parse(r.stdout);
    expect(j.inputs.map((i: { file: string }) => i.file)).toEqual([`${S1}/topology.yaml`]);
    const sources = j.findings.flatMap((f: { evidence: { source: string }[] }) => f.evidence.map((e) => e.source));
    expect(sources.some((s: string) => s.startsWith(`${S1}/topology.yaml:`))).toBe(true);
    expect(sources.every((s: string) => !s.startsWith('/'))).toBe(true);
  });

  it('a case outside the working directory keeps its absolute paths, diagnostics locations included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mfd-rel-'));
    writeFileSync(join(dir, 'notes.txt'), 'just notes');
    writeFileSync(join(dir, 'case.yaml'), 'kind: mailflow-topology\nversion: 1\ntenants:\n  - Name: a.onmicrosoft.com\n    AcceptedDomains: [a.example]\n');
    const j = JSON.parse((await runMain('diagnose', dir, '--format', 'json', '--at', AT)).stdout);
    const notes = j.inputs.find((i: { file: string }) => i.file.endsWith('notes.txt'));
    expect(notes.file).toBe(join(dir, 'notes.txt'));
    expect(notes.diagnostics[0].location.startsWith(dir)).toBe(true);
  });

  it('relativeToCwd: at the start of a path only, in every escaping, never outside', () => {
    const cwd = '/home/ann/work';
    expect(relativeToCwd('/home/ann/work/case/a.yaml:3 and /home/ann/other/b.yaml', cwd)).toBe('case/a.yaml:3 and /home/ann/other/b.yaml');
    expect(relativeToCwd('"file": "/home/ann/work/x.csv"', cwd)).toBe('"file": "x.csv"');
    expect(relativeToCwd('/mnt/home/ann/work/x.csv /home/ann/workshop/y', cwd)).toBe('/mnt/home/ann/work/x.csv /home/ann/workshop/y');
    expect(relativeToCwd('file:///home/ann/work/x.csv', cwd)).toBe('file:///home/ann/work/x.csv');
    expect(relativeToCwd('<code>/home/o&apos;b/x</code>'.replace('&apos;', '&#39;'), "/home/o'b")).toBe('<code>x</code>');
    expect(relativeToCwd('/etc/x', '/')).toBe('/etc/x');
  });
});
