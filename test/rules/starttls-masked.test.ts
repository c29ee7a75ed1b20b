import { describe, expect, it } from 'vitest';
import { evidenceFindings, session } from './evidence-kit.js';

describe('starttls-masked', () => {
  it('fires on an EHLO reply where a firewall replaced STARTTLS (S4.7)', () => {
    const masked = session({ server: { ip: '192.0.2.25', port: 25 }, serverName: 'mail.contoso.com', extensions: ['PIPELINING', 'SIZE 37748736', 'XXXXXXXA', '8BITMIME'], starttls: 'masked', tls: null, replies: [] });
    const found = evidenceFindings(null, { sessions: [masked, { ...masked, client: { ip: '198.51.100.7', port: 4000 } }] }, 'starttls-masked');
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([{ type: 'Host', name: '192.0.2.25' }]);
    expect(found[0]!.message).toContain('2 sessions');
    expect(found[0]!.message).toContain('XXXXXXXA');
  });

  it('stays silent when STARTTLS was offered and used, or simply not offered', () => {
    expect(evidenceFindings(null, { sessions: [session(), session({ starttls: 'none', tls: null, extensions: ['SIZE'] })] }, 'starttls-masked')).toEqual([]);
  });
});
