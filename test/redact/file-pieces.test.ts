import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planPieces, readPieces } from '../../src/redact/file-pieces.js';
import { RedactionMap, type RedactionMapFile } from '../../src/redact/redaction-map.js';
import { collectPieces, collectText } from '../../src/redact/redact-text.js';
import { buildRedactionMap, redactPaths } from '../../src/redact/redact-files.js';

/**
 * A large input is learned in pieces cut at blank lines (file-pieces.ts); the map must be the one
 * learning the whole text gives — same names, same pseudonyms, same order — whatever the cuts.
 */
const work = mkdtempSync(join(tmpdir(), 'redact-pieces-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SEED: RedactionMapFile = {
  schema: 'mailflow-doctor/redaction-map@1', note: '', salt: '00112233445566778899aabbccddeeff', keep: [], domains: {}, mxLabels: {}, words: {},
  localParts: {}, guids: {}, hex: {}, ipBlocks: [], files: [], unmappedIpRanges: [],
};

function b64Lines(text: string): string {
  return (Buffer.from(text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** A message with the things a cut must not split: folded address fields, a base64 part, a `Version:` before an address. */
function message(i: number): string {
  const org = `org${i % 37}x`;
  const body = `Contact Jörg Müller <j.mueller${i % 11}@${org}.de> on 10.${i % 200}.3.4 or fe80::${(i % 4000).toString(16)}:1\n`;
  return [
    `From sender${i}@${org}.com Tue Mar  4 09:00:00 2025`,
    `Received: from ex${i % 13}.corp.${org}.com (192.168.${i % 250}.7) by mx.${org}.co.uk`,
    ` (2001:db8:${(i % 9000).toString(16)}::3c) with Microsoft SMTP Server id 15.20.${i}.26`,
    `From: "Person${i % 53} Family${i % 29}" <p${i}@${org}.com>`,
    `To: "Other ${i % 17}" <o${i}@${org}.net>,`,
    ` "Folded Name${i % 31}" <f${i}@partner${i % 5}.org>`,
    `Message-ID: <${(i * 2654435761).toString(16).padStart(8, '0')}-1a2b-4c3d-8e9f-0a1b2c3d4e5f@${org}.com>`,
    `X-Thumb: ${(i * 40503).toString(16).padStart(8, 'a')}0123456789abcdef0123456789abcdef`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64Lines(body.repeat(1 + (i % 3))),
    '',
    i % 7 === 0 ? '#Version:\n\n15.0.0.0 after a blank line' : `plain 172.16.${i % 250}.9 text`,
    '',
    '',
  ].join(i % 2 === 0 ? '\r\n' : '\n');
}

function mapJson(learn: (map: RedactionMap) => void): string {
  const map = new RedactionMap(SEED);
  learn(map);
  map.allocate();
  return JSON.stringify(map.toJSON());
}

describe('learning a large file in pieces (redaction map)', () => {
  const file = join(work, 'big.mbox');
  let text = '';
  for (let i = 0; text.length < 1_300_000; i++) text += message(i);
  writeFileSync(file, text);

  it('gives the same map as the whole text, with many cuts', () => {
    const plan = planPieces(file, 16 * 1024);
    expect(plan).not.toBeNull();
    expect(plan!.length).toBeGreaterThan(20);
    expect([...readPieces(file, plan!)].join('')).toBe(text);
    const whole = mapJson((m) => collectText(text, m));
    expect(mapJson((m) => collectPieces(() => readPieces(file, plan!), m))).toBe(whole);
    // The names really were learned (a map of nothing would be equal too).
    expect(whole).toContain('mueller');
    expect(whole).toContain('customer-');
  });

  it('never cuts after the blank line that opens a base64 body, nor after `version:`', () => {
    const plan = planPieces(file, 16 * 1024)!;
    for (const at of plan.slice(1, -1)) {
      const before = readFileSync(file).subarray(Math.max(0, at - 400), at).toString('utf8');
      const paragraph = before.split(/\r?\n\r?\n/).slice(-2)[0]!;
      expect(paragraph).not.toMatch(/content-transfer-encoding:\s*base64/i);
      expect(before).not.toMatch(/version[:=]?\s*$/i);
      expect(before).toMatch(/\n\r?\n$/);
    }
  });

  it('an address after `#Version:` and a blank line stays a version number when a cut could fall there', () => {
    // Each blank line comes first after a run of lines longer than a piece: the cut is tried right there.
    const filler = `log line for ex01.corp.contoso.com\n`.repeat(600);
    let logs = '';
    for (let i = 0; logs.length < 1_200_000; i++) logs += `${filler}#Version:\n\n15.${i % 250}.30.40 after\n\nnext line 10.0.${i % 250}.1\n`;
    const logFile = join(work, 'versions.log');
    writeFileSync(logFile, logs);
    const plan = planPieces(logFile, 16 * 1024);
    expect(plan!.length).toBeGreaterThan(20);
    expect(mapJson((m) => collectPieces(() => readPieces(logFile, plan!), m))).toBe(mapJson((m) => collectText(logs, m)));
  });

  it('a file holding DisplayName, or too small, is learned whole', () => {
    const withName = join(work, 'names.txt');
    writeFileSync(withName, `${text}\n"DisplayName": "Ann Lee"\n`);
    expect(planPieces(withName, 16 * 1024)).toBeNull();
    expect(planPieces(file)).toBeNull();
  });

  it('buildRedactionMap and redact give, in pieces, the map and the files of the whole', async () => {
    const seeded = (pieceBytes: number) => ({ map: new RedactionMap(SEED), pieceBytes });
    const inPieces = await buildRedactionMap([file], seeded(16 * 1024));
    const whole = await buildRedactionMap([file], seeded(1 << 30));
    expect(JSON.stringify(inPieces.toJSON())).toBe(JSON.stringify(whole.toJSON()));
    const a = await redactPaths([file], join(work, 'out-pieces'), seeded(16 * 1024));
    const b = await redactPaths([file], join(work, 'out-whole'), seeded(1 << 30));
    expect(JSON.stringify(a.map.toJSON())).toBe(JSON.stringify(b.map.toJSON()));
    const written = readFileSync(a.files[0]!.output!);
    expect(written.equals(readFileSync(b.files[0]!.output!))).toBe(true);
    expect(written.toString('utf8')).not.toMatch(/mueller|org1x/);
  });
});
