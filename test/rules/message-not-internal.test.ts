import { describe, expect, it } from 'vitest';
import { evidenceFindings, headerMessage, hop } from './evidence-kit.js';

const crossPremises = [hop({ by: 'ex01.contoso.com', kind: 'exchange-on-premises' }), hop({ by: 'AM4PEPF00027A6C.eurprd04.prod.outlook.com', kind: 'exchange-online' })];

describe('message-not-internal', () => {
  it('fires on a cross-premises message received as Anonymous (S4)', () => {
    const found = evidenceFindings(null, { messages: [headerMessage({ hops: crossPremises, crossedPremises: true, authAs: 'Anonymous' })] }, 'message-not-internal');
    expect(found).toHaveLength(1);
    expect(found[0]!.evidence[0]!.text).toContain('X-MS-Exchange-Organization-AuthAs: Anonymous');
  });

  it('names the tenant of the case the headers name by its id', () => {
    const yaml = 'kind: mailflow-topology\nversion: 1\ntenants:\n  - Name: contoso.onmicrosoft.com\n    TenantId: 0b5f2a8e-3c1d-4e6f-8a9b-1c2d3e4f5a6b\n';
    const m = headerMessage({ hops: crossPremises, crossedPremises: true, authAs: 'Anonymous', crossTenantId: '0B5F2A8E-3C1D-4E6F-8A9B-1C2D3E4F5A6B' });
    expect(evidenceFindings(yaml, { messages: [m] }, 'message-not-internal')[0]!.subjects).toContainEqual({ type: 'Tenant', name: 'contoso.onmicrosoft.com' });
  });

  it('names a gateway on the path as the likely cause', () => {
    const hops = [crossPremises[0]!, hop({ by: 'eu-smtp-1.mimecast.com', kind: 'gateway' }), crossPremises[1]!];
    const found = evidenceFindings(null, { messages: [headerMessage({ hops, crossedPremises: true, authAs: 'Anonymous' })] }, 'message-not-internal');
    expect(found[0]!.message).toContain('eu-smtp-1.mimecast.com');
  });

  it('stays silent on an outbound copy as its internet recipient received it, and reports a message saved twice once', () => {
    const outbound = headerMessage({ hops: [...crossPremises, hop({ by: 'mx.fabrikam.com', kind: 'other' })], crossedPremises: true, authAs: null, crossTenantAuthAs: 'Anonymous', antispamDirection: 'outbound' });
    expect(evidenceFindings(null, { messages: [outbound] }, 'message-not-internal')).toEqual([]);
    const anonymous = headerMessage({ hops: crossPremises, crossedPremises: true, authAs: 'Anonymous' });
    expect(evidenceFindings(null, { messages: [anonymous, { ...anonymous, source: { file: 'copy.msg', line: 1 } }] }, 'message-not-internal')).toHaveLength(1);
  });

  it('stays silent on Internal cross-premises mail and on anonymous internet mail', () => {
    const messages = [
      headerMessage({ hops: crossPremises, crossedPremises: true, authAs: 'Internal' }),
      headerMessage({ hops: [crossPremises[1]!], crossedPremises: false, authAs: 'Anonymous' }),
    ];
    expect(evidenceFindings(null, { messages }, 'message-not-internal')).toEqual([]);
  });
});
