import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readProtocolLog } from '../../src/ingest/exchange-log/read-protocol-log.js';
import type { StatusObservation } from '../../src/model/evidence.js';
import { entryIds, fixture, readEvidence, total } from './status-kit.js';

/**
 * Exchange protocol and tracking logs (NDR-CATALOG `PLOG`, `MTL`): replies of 400 and above and
 * `*` information rows of a send log, FAIL/DEFER/DSN recipient statuses of a tracking log.
 */
const lineOf = (file: string, pattern: RegExp) => readFileSync(file, 'utf8').split(/\r?\n/).findIndex((l) => pattern.test(l)) + 1;

describe('send protocol log', () => {
  it('450 4.7.230 out-of-date: onprem-server-out-of-date, at the reply row, with the session around it', async () => {
    const file = fixture('exchange-log/send-out-of-date-4.7.230.log');
    const { kind, evidence } = await readEvidence(file);
    expect(kind).toBe('protocol-log');
    expect(entryIds(evidence.statuses)).toEqual(['4.7.230-out-of-date-throttled']);
    const o = evidence.statuses[0]!.sample;
    expect(o.rules).toContain('onprem-server-out-of-date');
    expect(o).toMatchObject({
      origin: 'protocol-log',
      connector: 'Outbound to Office 365 - 6b0c1f2e-3d4a-4b5c-8d6e-7f8091a2b3c4',
      remoteHost: 'BN8NAM12FT053.mail.protection.outlook.com',
      remoteIp: '198.51.100.25',
      clientIp: '203.0.113.12',
      sender: 'bob@contoso.com',
      recipient: 'ann@contoso.com',
      source: { file, line: lineOf(file, /,<,450 4\.7\.230 /) },
    });
    // The session itself is still read as before.
    expect(evidence.sessions).toHaveLength(1);
  });

  it('530 5.7.57 Client not authenticated: legacy-or-wrong-exo-endpoint; the 503 that follows is no catalog status', async () => {
    const file = fixture('exchange-log/send-smtp-client-5.7.57.log');
    const { evidence } = await readEvidence(file);
    expect(entryIds(evidence.statuses)).toEqual(['5.7.57-client-not-authenticated']);
    expect(evidence.statuses[0]!.sample.rules).toContain('legacy-or-wrong-exo-endpoint');
    expect(evidence.statuses[0]!.sample).toMatchObject({ sender: 'alice@contoso.com', recipient: 'dave@tailspintoys.com', source: { line: lineOf(file, /,<,530 5\.7\.57 /) } });
  });

  it('a `*` row `TLS negotiation failed with error NoCredentials` is a status (RULES.md: NoCredentials → trace-onprem-send-tls-error)', async () => {
    const file = fixture('exchange-log/send-tls-nocredentials.log');
    const { evidence } = await readEvidence(file);
    expect(evidence.statuses).toHaveLength(1);
    expect(evidence.statuses[0]!.sample.rules).toContain('trace-onprem-send-tls-error');
    expect(evidence.statuses[0]!.sample.source.line).toBe(lineOf(file, /TLS negotiation failed with error NoCredentials/));
  });

  it('the S2 log: 550 5.7.64 TenantAttribution at RCPT', async () => {
    const { evidence } = await readEvidence(fixture('exchange-log/s2-send-no-certificate.log'));
    expect(entryIds(evidence.statuses)).toContain('5.7.64-tenant-attribution');
    expect(evidence.statuses.find((g) => g.sample.status.entryId === '5.7.64-tenant-attribution')!.sample.recipient).toBe('dave@tailspintoys.com');
  });

  it('a log of only successful sessions yields no status, and a reader not asking for statuses gets none', async () => {
    const { evidence } = await readEvidence(fixture('exchange-log/tls10-edge-receive.log'));
    expect(total(evidence.statuses)).toBe(0);
    const seen: StatusObservation[] = [];
    await readProtocolLog(fixture('exchange-log/send-out-of-date-4.7.230.log'), () => undefined, {}, null);
    await readProtocolLog(fixture('exchange-log/send-out-of-date-4.7.230.log'), () => undefined, {}, (o) => seen.push(o));
    expect(seen).toHaveLength(1);
  });
});

describe('message tracking log', () => {
  it("a FAIL event's recipient status: 5.7.64 with the send connector and the remote server (msgtrk-2019.log line 8)", async () => {
    const file = fixture('exchange-log/msgtrk-2019.log');
    const { kind, evidence } = await readEvidence(file);
    expect(kind).toBe('tracking-log');
    expect(entryIds(evidence.statuses)).toEqual(['5.7.64-tenant-attribution']);
    expect(evidence.statuses[0]!.sample).toMatchObject({
      origin: 'tracking-log',
      connector: 'Outbound via Office 365',
      remoteIp: '198.51.100.25',
      recipient: 'dave@tailspintoys.com',
      rules: expect.arrayContaining(['tenant-attribution-rejected']),
      source: { file, line: 8 },
    });
  });
});
