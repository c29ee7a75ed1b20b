import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXCHANGE_ONLINE_SMTP_RANGES } from '../../../src/data/exchange-online-ip-ranges.js';
import { diagnoseCase } from '../../../src/diagnose.js';
import { detectKind } from '../../../src/ingest/detect.js';
import { portsInclude } from '../../../src/ingest/endpoints/endpoint-sets.js';
import { readEndpoints } from '../../../src/ingest/endpoints/read-endpoints.js';
import { loadCase } from '../../../src/ingest/load-case.js';
import { decodeText } from '../../../src/ingest/text-decoding.js';
import { exampleTopology, variant } from '../../rules/rule-test-kit.js';
import { removeTempDirs, tempDir } from '../openssl-helpers.js';

afterAll(removeTempDirs);

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'endpoints');
const WORLDWIDE = join(FIXTURES, 'worldwide', 'endpoints-worldwide.json');
const VERSION = join(FIXTURES, 'worldwide', 'endpoints-version.json');
const AT = new Date('2026-11-22T00:00:00Z');
const SHIPPED = EXCHANGE_ONLINE_SMTP_RANGES.ranges.map((r) => `"${r}"`).join(', ');

/** The clean hybrid example with a receive connector on EX01 locked to the shipped ranges. */
function caseFolder(prefix: string, extra: string[]): string {
  const dir = tempDir(prefix);
  const topology = variant(
    exampleTopology('clean-hybrid'),
    '    RemoteDomains:\n',
    `    ReceiveConnectors:\n      - Name: Inbound from Office 365\n        Server: EX01\n        TransportRole: FrontendTransport\n        RemoteIPRanges: [${SHIPPED}]\n        Enabled: true\n    RemoteDomains:\n`,
  );
  writeFileSync(join(dir, 'topology.yaml'), topology);
  for (const f of extra) copyFileSync(f, join(dir, f.split(/[\\/]/).pop()!));
  return dir;
}

async function rangeFindings(dir: string) {
  const loaded = await loadCase([dir]);
  expect(loaded.fatal).toBeNull();
  return { loaded, findings: diagnoseCase(loaded.case, { at: AT }).findings.filter((f) => f.rule === 'eop-ip-ranges-outdated') };
}

describe('Microsoft 365 endpoints web service JSON', () => {
  it('is detected by content: the list, PowerShell 5.1 re-serialised UTF-16 copies, and the /version answer', () => {
    expect(detectKind(readFileSync(WORLDWIDE))).toBe('endpoints');
    expect(detectKind(readFileSync(join(FIXTURES, 'ps51-wrapped.json')))).toBe('endpoints');
    expect(detectKind(readFileSync(VERSION))).toBe('endpoints-version');
    expect(detectKind(Buffer.from('[{"Name":"Inbound","id":3}]'))).toBe('unknown');
  });

  it('keeps only the Exchange Online SMTP set (ID 10: Exchange, TCP 25, *.mail.protection.outlook.com)', () => {
    const read = readEndpoints(readFileSync(WORLDWIDE, 'utf8'), 'endpoints-worldwide.json');
    expect(read.report).toMatchObject({ kind: 'm365-endpoints', records: 7, diagnostics: [] });
    expect(read.list).toEqual({
      ranges: ['40.92.0.0/15', '40.107.0.0/16', '52.100.0.0/14', '104.47.0.0/17', '198.51.100.0/24', '2a01:111:f400::/48', '2a01:111:f403::/48'],
      endpointSetIds: [10],
      instance: null,
      version: null,
      provenance: { file: 'endpoints-worldwide.json', line: 79 },
    });
    expect(readFileSync(WORLDWIDE, 'utf8').split('\n')[78]).toContain('"id": 10');
  });

  it('reads a copy PowerShell 5.1 wrapped in {"value": …} and wrote as UTF-16', () => {
    const read = readEndpoints(decodeText(readFileSync(join(FIXTURES, 'ps51-wrapped.json'))), 'ps51-wrapped.json');
    expect(read.list?.endpointSetIds).toEqual([10]);
    expect(read.list?.ranges).toContain('198.51.100.0/24');
  });

  it('says so when the copy holds no SMTP set, and the shipped list stays in use', () => {
    const read = readEndpoints(readFileSync(join(FIXTURES, 'sharepoint-only.json'), 'utf8'), 'sharepoint-only.json');
    expect(read.list).toBeNull();
    expect(read.report.diagnostics[0]).toMatchObject({ severity: 'warning', location: 'sharepoint-only.json' });
    expect(read.report.diagnostics[0]!.message).toMatch(/no Exchange Online SMTP endpoint set/);
  });

  it('reads port lists with ranges', () => {
    expect(portsInclude('25', 25)).toBe(true);
    expect(portsInclude('80,443', 25)).toBe(false);
    expect(portsInclude('20-30,443', 25)).toBe(true);
    expect(portsInclude(undefined, 25)).toBe(false);
  });
});

describe('eop-ip-ranges-outdated with and without an endpoints list', () => {
  it('without one, the shipped list (and its date) is used: a connector holding it is fine', async () => {
    const { loaded, findings } = await rangeFindings(caseFolder('eop-shipped', []));
    expect(loaded.case.exchangeOnlineIpRanges).toBeUndefined();
    expect(findings).toEqual([]);
  });

  it('with one, its ranges are used, and the finding names the list, its version and the set', async () => {
    const dir = caseFolder('eop-endpoints', [WORLDWIDE, VERSION]);
    const { loaded, findings } = await rangeFindings(dir);
    const list = loaded.case.exchangeOnlineIpRanges!;
    expect(list).toMatchObject({ instance: 'Worldwide', version: '2026110200', endpointSetIds: [10] });
    expect(list.provenance).toEqual({ file: join(dir, 'endpoints-worldwide.json'), line: 79 });
    expect(loaded.case.inputs.map((i) => i.kind).sort()).toEqual(['m365-endpoints', 'm365-endpoints-version', 'topology']);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.message).toContain('lacks 198.51.100.0/24');
    expect(f.message).toContain(`(endpoints list ${join(dir, 'endpoints-worldwide.json')}, Worldwide version 2026110200, endpoint set ID 10)`);
    expect(f.evidence[1]).toEqual({
      source: `${join(dir, 'endpoints-worldwide.json')}:79`,
      text: 'endpoint set ID 10 (Exchange, TCP 25): 40.92.0.0/15, 40.107.0.0/16, 52.100.0.0/14, 104.47.0.0/17, 198.51.100.0/24, 2a01:111:f400::/48, 2a01:111:f403::/48',
    });
  });

  it('a shipped-list finding names the shipped list and the date it was taken', async () => {
    const dir = caseFolder('eop-shipped-missing', []);
    const yaml = readFileSync(join(dir, 'topology.yaml'), 'utf8');
    writeFileSync(join(dir, 'topology.yaml'), yaml.replace(', "52.100.0.0/14"', ''));
    const { findings } = await rangeFindings(dir);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain(`lacks 52.100.0.0/14 (shipped list taken ${EXCHANGE_ONLINE_SMTP_RANGES.takenOn}, `);
    expect(findings[0]!.evidence).toHaveLength(1);
  });

  it('without a /version answer the list is used and said to be of unknown version', async () => {
    const { findings } = await rangeFindings(caseFolder('eop-noversion', [WORLDWIDE]));
    expect(findings[0]!.message).toContain('version unknown, endpoint set ID 10');
  });
});
