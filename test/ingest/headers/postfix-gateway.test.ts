import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toObservation, type DecodedMessage } from '../../../src/ingest/headers/decode-message.js';
import { evidenceFindings } from '../../rules/evidence-kit.js';
import { GATEWAY_HOST, gatewayLabUnavailable, startGatewayLab, type GatewayLab } from './postfix-gateway-lab.js';
import { readFixture } from './read-fixture.js';

/**
 * Received headers written by real software: a message from on-premises Exchange relayed through a
 * private Postfix gateway (STARTTLS, `smtpd_tls_received_header = yes`, a content filter looped
 * over 127.0.0.1 as amavisd-new is set up), then stamped by Exchange Online. The Exchange stamps
 * are Microsoft's format written here (no Exchange runs here); every Postfix stamp is Postfix's own.
 * Fails instead of skipping when CI_REQUIRE_INTEGRATION=1 and Postfix or swaks is missing.
 */
const unavailable = gatewayLabUnavailable();
const required = process.env.CI_REQUIRE_INTEGRATION === '1';

if (unavailable && required) {
  describe('headers relayed through a real Postfix gateway', () => {
    it('have what they need (CI_REQUIRE_INTEGRATION=1)', () => {
      throw new Error(`cannot run: ${unavailable}`);
    });
  });
}

const now = () => new Date().toUTCString().replace('GMT', '+0000');

/** What on-premises Exchange hands the gateway: its own stamps, AuthAs Internal, a body quoting a header block. */
function fromExchange(): string {
  return [
    `Received: from EX01.corp.contoso.com (192.0.2.10) by EX02.corp.contoso.com (192.0.2.11) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.4; ${now()}`,
    `Received: from EX01.corp.contoso.com ([fe80::5d1a:3b2c:9e4f:1a2b]) by EX01.corp.contoso.com ([fe80::5d1a:3b2c:9e4f:1a2b%4]) with mapi id 15.02.1544.004; ${now()}`,
    'From: Alice Martin <alice@contoso.com>',
    'To: Bob Lee <bob@contoso.com>',
    'Subject: Through the gateway',
    `Date: ${now()}`,
    'Message-ID: <gw-lab-1@EX01.corp.contoso.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="us-ascii"',
    'X-MS-Exchange-Organization-AuthAs: Internal',
    '',
    // A forwarded header block at the top of the body: it must stay body.
    'Received: from EX09.corp.contoso.com (192.0.2.19) by EX02.corp.contoso.com (192.0.2.11) with Microsoft SMTP Server id 15.2.1544.4; Tue, 4 Mar 2025 10:00:00 +0000',
    'X-MS-Exchange-Organization-AuthAs: Internal',
    '',
    'Bob, see the headers above.',
    '-- end of message --',
    '',
  ].join('\r\n');
}

/** What Exchange Online prepends when the gateway hands it the message (its stamp and AuthAs on arrival). */
function atExchangeOnline(delivered: string): string {
  return [
    `Received: from ${GATEWAY_HOST} (203.0.113.25) by AM4PEPF00027A5F.mail.protection.outlook.com (2001:db8:10a6:20b::41) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8901.26 via Frontend Transport; ${now()}`,
    'X-MS-Exchange-Organization-AuthAs: Anonymous',
    delivered.replace(/\r?\n/g, '\r\n'),
  ].join('\r\n');
}

describe.skipIf(unavailable !== null)(unavailable ? `headers relayed through a real Postfix gateway — skipped: ${unavailable}` : 'headers relayed through a real Postfix gateway', () => {
  let lab: GatewayLab;
  let delivered: string;
  let message: DecodedMessage;
  let warnings: string[];

  beforeAll(async () => {
    lab = await startGatewayLab();
    delivered = await lab.relay(fromExchange(), 'EX02.corp.contoso.com');
    const dir = mkdtempSync(join(tmpdir(), 'mfd-headers-gw-'));
    const file = join(dir, 'at-exo.eml');
    writeFileSync(file, atExchangeOnline(delivered));
    const read = await readFixture(file);
    expect(read.messages).toHaveLength(1);
    message = read.messages[0]!;
    warnings = read.report.diagnostics.map((d) => d.message);
  }, 120_000);

  afterAll(async () => {
    await lab?.close();
  });

  it('Postfix stamped two Received headers on the one machine: smtpd with TLS, then the filter loop over 127.0.0.1', () => {
    const stamps = delivered.split(/\r?\n(?=\S)/).filter((l) => l.startsWith('Received:') && l.includes('(Postfix)'));
    expect(stamps).toHaveLength(2);
    expect(stamps[1]).toMatch(/using TLSv1\.\d with cipher/);
    expect(stamps[0]).toMatch(/\[127\.0\.0\.1\]/);
  });

  it('hops oldest first: Exchange, the two Postfix stamps (client address from the TCP-info, TLS from its comment), Exchange Online', () => {
    expect(message.hops.map((h) => [h.by, h.kind])).toEqual([
      ['EX01.corp.contoso.com', 'exchange-on-premises'],
      ['EX02.corp.contoso.com', 'exchange-on-premises'],
      [GATEWAY_HOST, 'gateway'],
      [GATEWAY_HOST, 'gateway'],
      ['AM4PEPF00027A5F.mail.protection.outlook.com', 'exchange-online'],
    ]);
    const [, , smtpd, filterLoop] = message.hops;
    // RFC 5321 §4.4: the EHLO name first, the connection's address in the TCP-info.
    expect(smtpd).toMatchObject({ from: 'EX02.corp.contoso.com', ip: '127.0.0.1', fromHost: 'localhost', with: 'ESMTPS', vendor: 'Postfix' });
    expect(smtpd!.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(smtpd!.date).not.toBeNull();
    expect(filterLoop).toMatchObject({ from: GATEWAY_HOST, ip: '127.0.0.1', with: 'ESMTP', tls: null });
    expect(filterLoop!.kindBasis).toMatch(/between on-premises Exchange \(hop 2\) and Exchange Online \(hop 5\); 2 stamps by the same machine/);
  });

  it('the verdicts: a gateway in the hybrid path, not internal; the body\'s quoted header block changed nothing', () => {
    expect(message.verdicts).toMatchObject({ crossedPremises: true, treatedAsInternal: false, gatewayHopsInHybridPath: [3, 4] });
    expect(message.microsoftHeaders.filter((h) => h.name === 'X-MS-Exchange-Organization-AuthAs').map((h) => h.value)).toEqual(['Anonymous', 'Internal']);
    expect(message.hops.some((h) => h.by === 'EX02.corp.contoso.com' && h.from === 'EX09.corp.contoso.com')).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/the body begins with a header field/)]);
  });

  it('third-party-gateway-in-hybrid-path fires from these headers (RULES: evidence side, S4.5)', () => {
    const found = evidenceFindings(null, { messages: [toObservation(message)] }, 'third-party-gateway-in-hybrid-path');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([{ type: 'Gateway', name: GATEWAY_HOST }]);
  });
});
