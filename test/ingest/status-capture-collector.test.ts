import { describe, expect, it } from 'vitest';
import { EvidenceCollector, STATUS_GROUPS_KEPT } from '../../src/ingest/evidence/evidence-collector.js';
import { readCaptureFile } from '../../src/ingest/pcap/read-capture-file.js';
import type { StatusObservation } from '../../src/model/evidence.js';
import { entryIds, fixture, readEvidence, total } from './status-kit.js';

describe('captures: replies on the wire', () => {
  it("S2's capture: EOP refuses RCPT with 550 5.7.64 inside TLS; the status is tied to that reply's packet", async () => {
    const file = fixture('pcap/s2-exchange-online-no-client-certificate.pcapng');
    const { kind, evidence } = await readEvidence(file);
    expect(kind).toBe('capture');
    expect(entryIds(evidence.statuses)).toEqual(['5.7.64-tenant-attribution']);
    const session = (await readCaptureFile(file)).sessions[0]!;
    const refusal = session.transactions.flatMap((t) => t.replies).find((r) => r.code === 550)!;
    expect(evidence.statuses[0]!.sample).toMatchObject({
      origin: 'capture',
      rules: expect.arrayContaining(['tenant-attribution-rejected']),
      remoteIp: session.serverIp,
      clientIp: session.clientIp,
      recipient: session.transactions[0]!.rcptTo[0],
      source: { file, line: refusal.packet },
    });
  });

  it('of two sessions only the refused RCPT gives a status; the accepted session, HTTP and DNS give none', async () => {
    const file = fixture('pcap/smtp-plain.pcap');
    const { evidence } = await readEvidence(file);
    const sessions = (await readCaptureFile(file)).sessions;
    const refused = sessions[1]!.transactions[0]!;
    expect(total(evidence.statuses)).toBe(1);
    expect(evidence.statuses[0]!.sample).toMatchObject({ clientIp: sessions[1]!.clientIp, recipient: refused.rcptTo[0], source: { line: refused.replies.find((r) => r.code === 550)!.packet } });
  });
});

function observation(i: number, over: Partial<StatusObservation> = {}): StatusObservation {
  return {
    status: { entryId: '4.4.316-connection-refused', basicCode: 450, enhancedCode: '4.4.316', markers: [], text: '450 4.4.316 Connection refused', offset: 0 },
    rules: ['exo-to-onprem-connection-fails'],
    origin: 'message-trace',
    at: `2026-11-18T09:${String(i % 60).padStart(2, '0')}:00.000Z`,
    sender: `u${i}@contoso.com`,
    recipient: `r${i}@contoso.com`,
    connector: 'Outbound to Contoso on-premises',
    remoteHost: 'mail.contoso.com',
    remoteIp: '203.0.113.10',
    clientIp: null,
    lastError: null,
    tenantId: 't1',
    source: { file: 'trace.csv', line: i + 2 },
    ...over,
  };
}

describe('the collector groups statuses like traces', () => {
  it('one group per entry, origin, connector, remote host and address, domains and tenant; counted with first and last time', () => {
    const c = new EvidenceCollector();
    for (let i = 0; i < 100; i++) c.status(observation(i));
    c.status(observation(100, { remoteHost: 'MAIL.contoso.com' }));
    c.status(observation(101, { remoteIp: '203.0.113.11' }));
    c.status(observation(102, { recipient: 'x@fabrikam.com' }));
    c.status(observation(103, { origin: 'ndr' }));
    const groups = c.finish().statuses;
    expect(groups.map((g) => g.count)).toEqual([101, 1, 1, 1]);
    expect(groups[0]).toMatchObject({ first: '2026-11-18T09:00:00.000Z', last: '2026-11-18T09:59:00.000Z' });
    expect(groups[0]!.sources).toHaveLength(5);
  });

  it(`hostile input (every status another host) stays bounded at ${STATUS_GROUPS_KEPT} groups plus one per entry, and every status is counted`, () => {
    const c = new EvidenceCollector();
    const n = STATUS_GROUPS_KEPT + 5000;
    for (let i = 0; i < n; i++) c.status(observation(i, { remoteHost: `h${i}.contoso.com` }));
    const groups = c.finish().statuses;
    expect(groups).toHaveLength(STATUS_GROUPS_KEPT + 1);
    expect(total(groups)).toBe(n);
  });
});
