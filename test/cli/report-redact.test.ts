import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedactionMap, reverseText } from '../../src/redact/index.js';
import { runMain } from './in-process.js';

/**
 * Issue 15 item 3: "`--redact` on any report does the same to the output" — the rendered report
 * passes through the redaction module with the map built from the case's inputs (the pseudonyms
 * `redact` gives the same files), and `--map FILE` keeps that map so `redact --reverse` turns the
 * report back.
 */
const AT = '2026-11-22T12:00:00Z';
const S1 = 'examples/s1-provider-wildcard';
/** Names, addresses and ids of the S1 example's customers (its topology.yaml), none of them Microsoft's. */
const S1_ORIGINALS = ['varunagroup', 'setebos', '81.173.212.', '3f8b2c1d-6a4e-4f5b-9c7d-0e1a2b3c4d5e', 'VGEX01', 'SETEX01'];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'mfd-redact-report-'));
}

describe('--redact on report commands', () => {
  for (const format of ['text', 'json', 'markdown', 'html']) {
    it(`demo --format ${format}: no name of the case is left, and --reverse with the saved map gives the report back`, async () => {
      const map = join(tmp(), 'map.json');
      const plain = await runMain('demo', '--format', format);
      const r = await runMain('demo', '--format', format, '--redact', '--map', map);
      expect(r.code).toBe(plain.code);
      for (const name of S1_ORIGINALS) expect(r.stdout.toLowerCase(), name).not.toContain(name.toLowerCase());
      expect(r.stdout).toContain('customer-1.example');
      expect(statSync(map).mode & 0o777).toBe(0o600);
      const back = reverseText(r.stdout, RedactionMap.parse(readFileSync(map, 'utf8')));
      // Compared without case: the reverse pass restores a word in one spelling (`Varunagroup` and `varunagroup` share a pseudonym).
      expect(back.toLowerCase()).toBe(plain.stdout.toLowerCase());
    });
  }

  it('html: the page still loads under its policy (stylesheet and script unchanged, their hashes valid)', async () => {
    const page = (await runMain('demo', '--format', 'html', '--redact')).stdout;
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    const css = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const js = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)![1]!.replace(/&#39;/g, "'");
    expect(csp).toContain(`style-src ${hash(css)}`);
    expect(csp).toContain(`script-src ${hash(js)}`);
  });

  it('a second report with the same --map uses the same pseudonyms (the map is reused, not replaced)', async () => {
    const map = join(tmp(), 'map.json');
    const a = await runMain('demo', '--format', 'json', '--redact', '--map', map);
    const b = await runMain('demo', '--format', 'json', '--redact', '--map', map);
    expect(b.stdout).toBe(a.stdout);
    const fresh = await runMain('demo', '--format', 'json', '--redact');
    expect(fresh.stderr).toMatch(/--redact without --map: the pseudonyms are not saved/);
  });

  it('whatif, simulate and the evidence commands take --redact too', async () => {
    const runs = [
      ['whatif', 'examples/s2-cert-connector-before', '--change', 'Set-InboundConnector "On-premises relay (IP)" -Enabled $false', '--at', AT],
      ['simulate', S1, '--from', 'ann@setebos-ag.com', '--to', 'bob@fabrikam.com', '--origin', 'Setebos AG', '--at', AT],
      ['trace', 'test/fixtures/trace/s1-extended-report.csv'],
      ['pcap', 'test/fixtures/pcap/smtp-plain.pcap', '--format', 'json'],
    ];
    for (const args of runs) {
      const plain = await runMain(...args);
      const r = await runMain(...args, '--redact');
      expect(r.code, args.join(' ')).toBe(plain.code);
      expect(r.stdout, args.join(' ')).not.toBe(plain.stdout);
    }
    const s = await runMain(...runs[1]!, '--redact');
    for (const name of ['setebos', 'varunagroup', '81.173.212.']) expect(s.stdout.toLowerCase()).not.toContain(name);
  });
});
