import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectQueueExport, readQueueExport } from '../../src/ingest/queue/read-queue-export.js';
import type { StatusObservation } from '../../src/model/evidence.js';
import { entryIds, fixture, ofEntry, readEvidence } from './status-kit.js';

/**
 * Queue exports (NDR-CATALOG `QUEUE`: `Get-Queue | fl LastError`): Exchange 2013 and later write
 * LastError as `[{LRT=…};{LED=…};{FQDN=…};{IP=…}]`.
 */
const dir = mkdtempSync(join(tmpdir(), 'mfd-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Get-Queue and Get-Message exports', () => {
  it('Get-Queue CSV (Windows PowerShell 5.1, #TYPE line): 454 4.7.5 on two servers is one group of two; the healthy queue adds none', async () => {
    const file = fixture('queue/get-queue-4.7.5.csv');
    const { kind, report, evidence } = await readEvidence(file);
    expect(kind).toBe('queue');
    expect(report).toMatchObject({ kind: 'queue', records: 3, skipped: 0 });
    expect(entryIds(evidence.statuses)).toEqual(['4.7.5-tls-certificate-not-found']);
    const g = evidence.statuses[0]!;
    expect(g.count).toBe(2);
    // RULES.md v2: `454 4.7.5` (`TlsCertificateName … could not be found`) → trace-onprem-send-tls-error.
    expect(g.sample.rules).toContain('trace-onprem-send-tls-error');
    expect(g.sample).toMatchObject({
      origin: 'queue',
      connector: '6b0c1f2e-3d4a-4b5c-8d6e-7f8091a2b3c4',
      remoteHost: 'contoso-com.mail.protection.outlook.com',
      remoteIp: '52.101.40.18',
      at: '2026-11-21T08:14:02.000Z',
    });
    // Rows 1 and 3 of the export: lines 3 and 5 (line 1 is #TYPE, line 2 the header).
    expect(g.sources.map((s) => s.line)).toEqual([3, 5]);
  });

  it('Get-Message JSON: the message with a LastError gives its statuses with sender and recipient; the one without gives none', async () => {
    const file = fixture('queue/get-message-4.4.0.json');
    const { kind, report, evidence } = await readEvidence(file);
    expect(kind).toBe('queue');
    expect(report.records).toBe(2);
    // `451 4.4.0 Primary target IP address responded with: "421 4.4.1 Connection timed out."` (NDR-CATALOG).
    const primary = ofEntry(evidence.statuses, '4.4.0-primary-target-responded');
    expect(primary).toHaveLength(1);
    expect(primary[0]!.sample).toMatchObject({ sender: 'billing@contoso.com', recipient: 'ann@contoso.com', remoteHost: 'contoso-com.mail.protection.outlook.com', remoteIp: '52.101.40.18', source: { file, line: 2 } });
    expect(evidence.statuses.every((g) => g.sample.source.line === 2)).toBe(true);
  });

  it('Export-Clixml of Get-Queue', async () => {
    const file = join(dir, 'queue.xml');
    writeFileSync(
      file,
      `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
  <Obj RefId="0">
    <TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo</T><T>Deserialized.System.Object</T></TN>
    <ToString>EX01\\12</ToString>
    <Props>
      <S N="Identity">EX01\\12</S>
      <S N="DeliveryType">SmartHostConnectorDelivery</S>
      <S N="NextHopDomain">outbound to office 365</S>
      <G N="NextHopConnector">6b0c1f2e-3d4a-4b5c-8d6e-7f8091a2b3c4</G>
      <S N="Status">Retry</S>
      <S N="LastError">[{LRT=11/21/2026 8:14:02 AM};{LED=454 4.7.5 Certificate validation failure};{FQDN=contoso-com.mail.protection.outlook.com};{IP=52.101.40.18}]</S>
    </Props>
  </Obj>
</Objs>`,
    );
    const { kind, evidence } = await readEvidence(file);
    expect(kind).toBe('queue');
    expect(entryIds(evidence.statuses)).toEqual(['4.7.5-certificate-validation-failure']);
    expect(evidence.statuses[0]!.sample.rules).toContain('trace-onprem-send-tls-error');
  });

  it('detection wants LastError and a queue property; configuration exports are not queues', () => {
    expect(detectQueueExport(Buffer.from('"Identity","Name","AddressSpaces","SmartHosts"\r\n"x","y","z","w"\r\n'))).toBe(false);
    expect(detectQueueExport(Buffer.from('"Identity","NextHopDomain","LastError"\r\n"EX01\\\\1","contoso.com",""\r\n'))).toBe(true);
  });

  it('a cut export keeps the whole objects before the cut; a missing file is a diagnostic; neither throws', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '[{"Identity":"EX01\\\\1","NextHopDomain":"x","LastError":"451 4.4.0 Primary target IP address responded with: \\"421 4.4.1 Connection timed out.\\""},{');
    const seen: StatusObservation[] = [];
    const report = await readQueueExport(file, (o) => seen.push(o));
    expect(report).toMatchObject({ kind: 'queue', records: 1 });
    expect(report.diagnostics.some((d) => d.severity === 'error' && /cut short/.test(d.message))).toBe(true);
    expect(seen.map((o) => o.status.entryId)).toContain('4.4.0-primary-target-responded');
    const missing = await readQueueExport(join(dir, 'none.csv'), () => undefined);
    expect(missing.diagnostics[0]!.severity).toBe('error');
  });
});
