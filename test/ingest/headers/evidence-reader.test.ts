import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EvidenceCollector } from '../../../src/ingest/evidence/evidence-collector.js';
import { detectHeaders, headersEvidenceReader } from '../../../src/ingest/headers/headers-evidence-reader.js';
import { FIXTURES } from './read-fixture.js';
import { fileSource } from '../../../src/ingest/byte-source.js';

const fixture = (name: string) => readFileSync(FIXTURES + name);
const otherFixtures = (dir: string) => {
  const root = fileURLToPath(new URL(`../../fixtures/${dir}/`, import.meta.url));
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => `${e.parentPath ?? (e as unknown as { path: string }).path}/${e.name}`);
  } catch {
    return [];
  }
};

describe('detection by content', () => {
  it.each([
    'cross-premises-internal.eml',
    'cross-premises-anonymous-gateway.eml',
    'internet-inbound.eml',
    'tls10-exo-to-exchange2010.eml',
    'pasted-outlook-lost-folding.txt',
    'pasted-owa-indented.txt',
    'three-messages.mbox',
    'cross-premises-anonymous-gateway.msg',
  ])('claims %s', (name) => expect(detectHeaders(fixture(name))).toBe(true));

  it.each(['empty.eml', 'garbage.bin', 'not-headers.csv', 'plain-notes.txt'])('leaves %s alone', (name) => expect(detectHeaders(fixture(name))).toBe(false));

  it('leaves JSON, YAML, CSV, logs and certificates of the other readers alone', () => {
    const others = ['topology', 'powershell', 'certificate', 'endpoints', 'rules', 'exchange-log', 'trace'].flatMap(otherFixtures);
    expect(others.length).toBeGreaterThan(20);
    const claimed = others.filter((f) => detectHeaders(readFileSync(f).subarray(0, 1 << 20)));
    expect(claimed).toEqual([]);
  });

  it('a YAML file of "key: value" lines without a mail header is not headers', () => {
    expect(detectHeaders(Buffer.from('name: relay\nhost: smtp.contoso.com\nport: 25\ntls: true\n'))).toBe(false);
    expect(detectHeaders(Buffer.from('#Software: Microsoft Exchange Server\n#Version: 15.02.1544.004\n#Log-type: Message Tracking Log\n'))).toBe(false);
    expect(detectHeaders(Buffer.from('{"Received": "from a by b"}\n'))).toBe(false);
  });
});

describe('the evidence reader', () => {
  it('one observation per message with the file and line of its first header', async () => {
    const collector = new EvidenceCollector();
    const report = await headersEvidenceReader.read(fileSource(FIXTURES + 'three-messages.mbox'), collector, {});
    expect(report).toMatchObject({ kind: 'headers', records: 3, skipped: 0 });
    const evidence = collector.finish();
    expect(evidence.messages.map((m) => [m.messageId, m.source.line])).toEqual([
      ['<mbox-1@fabrikam.com>', 2],
      ['<mbox-2@fabrikam.com>', 18],
      ['<mbox-3@fabrikam.com>', 28],
    ]);
    expect(evidence.messages[0]!.source.file).toBe(FIXTURES + 'three-messages.mbox');
  });
});
