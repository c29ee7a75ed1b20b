import { describe, expect, it } from 'vitest';
import { evidenceFindings, traceRow } from './evidence-kit.js';

describe('ip-blocklisted: a tracking log refusal', () => {
  // Microsoft "Message tracking" / FORMATS.md 2: in an SMTP SEND or FAIL event, client-ip is the
  // local transport server that sent the message and server-ip the remote server. The block list
  // names the address the remote server saw, which its reply quotes in brackets.
  const refusal = traceRow({
    sender: 'pat@fabrikam.net',
    recipient: 'lee@example.com',
    clientIp: '10.20.0.8',
    status: 'FAIL',
    response: { command: null, code: 550, enhanced: '5.7.1', text: 'Service unavailable; Client host [198.51.100.44] blocked using Spamhaus' },
  });

  it('names the address the reply quotes, not the internal client-ip, in the singular', () => {
    const found = evidenceFindings(null, { traces: [refusal] }, 'ip-blocklisted');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([{ type: 'Host', name: '198.51.100.44' }]);
    expect(found[0]!.message).toMatch(/^1 refusal shows 198\.51\.100\.44 on a block list/);
  });

  it('falls back to client-ip when the reply quotes no address', () => {
    const bare = traceRow({ ...refusal, sender: 'pat@fabrikam.net', recipient: 'lee@example.com', response: { command: null, code: 554, enhanced: null, text: 'Refused. Your IP address is listed in the RBL at b.barracudacentral.org' } });
    expect(evidenceFindings(null, { traces: [bare] }, 'ip-blocklisted')[0]!.subjects).toEqual([{ type: 'Host', name: '10.20.0.8' }]);
  });
});
