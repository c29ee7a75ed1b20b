import { describe, expect, it } from 'vitest';
import { ConnectorIndex } from '../../src/engine/connector-index.js';
import { attribute, RELAY_DENIED, type Connection } from '../../src/engine/inbound-attribution.js';
import { cert, inbound, tenant } from '../helpers/factories.js';

const at = new Date('2026-11-22T00:00:00Z');
const exoDomains = new Set(['fabrikam.com']);

function run(tenants: ReturnType<typeof tenant>[], conn: Partial<Connection>) {
  const index = new ConnectorIndex(tenants);
  return attribute(
    { sourceIp: null, certificate: null, ehlo: null, mailFromDomain: 'contoso.com', rcptToDomain: 'contoso.com', ...conn },
    { index, at, isExchangeOnlineDomain: (d) => exoDomains.has(d) },
  );
}

const contoso = () =>
  tenant('contoso.onmicrosoft.com', ['contoso.com', 'contoso.mail.onmicrosoft.com'], [inbound({ Name: 'From on-prem (cert)', TlsSenderCertificateName: 'smtp.contoso.com' }), inbound({ Name: 'From on-prem (IP)', SenderIPAddresses: ['203.0.113.0/24'] })]);

describe('attribution at Exchange Online (EXO-SEMANTICS M3/M4/M5)', () => {
  it('step 1: a matching certificate attributes mail for the tenant as coming from its own on-premises side', () => {
    const r = run([contoso()], { certificate: cert(['smtp.contoso.com']), rcptToDomain: 'contoso.mail.onmicrosoft.com' });
    expect(r).toMatchObject({ outcome: 'accepted', direction: 'outbound', matchedBy: 'certificate' });
    expect(r.tenant?.Name).toBe('contoso.onmicrosoft.com');
    expect(r.connector?.Name).toBe('From on-prem (cert)');
    expect(r.trace.join(' ')).toMatch(/Step 1/);
  });

  it('relays to the internet when the certificate domain is accepted (M4), whatever the sender domain', () => {
    const r = run([contoso()], { certificate: cert(['smtp.contoso.com']), mailFromDomain: 'customer.example', rcptToDomain: 'tailspintoys.com' });
    expect(r).toMatchObject({ outcome: 'accepted', direction: 'relay' });
  });

  it('refuses relay when neither the certificate domain nor MAIL FROM is an accepted domain (M4)', () => {
    const t = tenant('contoso.onmicrosoft.com', ['contoso.com'], [inbound({ Name: 'Cert', TlsSenderCertificateName: 'relay.hoster.example' })]);
    const r = run([t], { certificate: cert(['relay.hoster.example']), mailFromDomain: 'customer.example', rcptToDomain: 'tailspintoys.com' });
    expect(r.outcome).toBe('rejected');
    expect(r.response).toBe(RELAY_DENIED);
  });

  it('an expired, self-signed or missing certificate never matches; relay then fails with 5.7.64', () => {
    const t = tenant('contoso.onmicrosoft.com', ['contoso.com'], [inbound({ Name: 'Cert', TlsSenderCertificateName: 'smtp.contoso.com' })]);
    const expired = run([t], { certificate: cert(['smtp.contoso.com'], { NotAfter: '2026-06-01T00:00:00Z' }), rcptToDomain: 'tailspintoys.com' });
    expect(expired).toMatchObject({ outcome: 'rejected', response: RELAY_DENIED });
    expect(expired.certificateProblem).toMatch(/expired/);
    const selfSigned = run([t], { certificate: cert(['smtp.contoso.com'], { IsSelfSigned: true, trust: { publiclyTrusted: false, reason: 'self-signed' } }), rcptToDomain: 'tailspintoys.com' });
    expect(selfSigned).toMatchObject({ outcome: 'rejected', response: RELAY_DENIED });
    const none = run([t], { rcptToDomain: 'tailspintoys.com' });
    expect(none).toMatchObject({ outcome: 'rejected', response: RELAY_DENIED, certificateProblem: 'no certificate presented' });
  });

  it('step 2: the source IP counts only for a tenant that accepts the MAIL FROM domain', () => {
    const own = run([contoso()], { sourceIp: '203.0.113.10', rcptToDomain: 'tailspintoys.com' });
    expect(own).toMatchObject({ outcome: 'accepted', direction: 'relay', matchedBy: 'ip' });
    const foreign = run([contoso()], { sourceIp: '203.0.113.10', mailFromDomain: 'customer.example', rcptToDomain: 'tailspintoys.com' });
    expect(foreign).toMatchObject({ outcome: 'rejected', response: RELAY_DENIED });
  });

  it('step 3: an IP connector still carries foreign senders to the tenant’s own recipients', () => {
    const r = run([contoso()], { sourceIp: '203.0.113.10', mailFromDomain: 'customer.example', rcptToDomain: 'contoso.com' });
    expect(r).toMatchObject({ outcome: 'accepted', direction: 'outbound', matchedBy: 'ip' });
  });

  it('disabled connectors do not count, and the trace says so', () => {
    const t = tenant('contoso.onmicrosoft.com', ['contoso.com'], [inbound({ Name: 'IP', SenderIPAddresses: ['203.0.113.10'], Enabled: false })]);
    const r = run([t], { sourceIp: '203.0.113.10', rcptToDomain: 'tailspintoys.com' });
    expect(r.outcome).toBe('rejected');
    expect(r.trace.join(' ')).toMatch(/disabled/);
  });

  it('without a matching connector: inbound for the recipient’s tenant, an outside tenant, or rejected', () => {
    const mine = run([contoso()], { mailFromDomain: 'gmail.example', rcptToDomain: 'contoso.com' });
    expect(mine).toMatchObject({ outcome: 'accepted', direction: 'inbound', connector: null, matchedBy: 'recipient' });
    const outside = run([contoso()], { mailFromDomain: 'gmail.example', rcptToDomain: 'fabrikam.com' });
    expect(outside).toMatchObject({ outcome: 'accepted', direction: 'inbound', outsideTenantDomain: 'fabrikam.com', tenant: null });
    const nobody = run([contoso()], { mailFromDomain: 'gmail.example', rcptToDomain: 'tailspintoys.com' });
    expect(nobody).toMatchObject({ outcome: 'rejected', response: RELAY_DENIED });
  });

  it('the MX host does not choose the tenant: a certificate of tenant A wins over a recipient in tenant B (M1, M3)', () => {
    const fabrikam = tenant('fabrikam.onmicrosoft.com', ['fabrikam.com']);
    const r = run([contoso(), fabrikam], { certificate: cert(['smtp.contoso.com']), rcptToDomain: 'fabrikam.com' });
    expect(r.tenant?.Name).toBe('contoso.onmicrosoft.com');
    expect(r.direction).toBe('relay');
  });

  it('a message that comes back to the tenant it left is dropped without an NDR (M5)', () => {
    const r = run([contoso()], { certificate: cert(['smtp.contoso.com']), rcptToDomain: 'fabrikam.com', previousTenants: ['contoso.onmicrosoft.com'] });
    expect(r.outcome).toBe('dropped');
    expect(r.assumptions.join(' ')).toMatch(/M5/);
  });

  it('several tenants matching: the most specific certificate match wins and the others are reported', () => {
    const a = tenant('a.onmicrosoft.com', ['a.example'], [inbound({ Name: 'Wild', TlsSenderCertificateName: '*.hoster.example' })]);
    const b = tenant('b.onmicrosoft.com', ['b.example'], [inbound({ Name: 'Exact', TlsSenderCertificateName: 'smtp.hoster.example' })]);
    const r = run([a, b], { certificate: cert(['smtp.hoster.example']), mailFromDomain: 'b.example', rcptToDomain: 'b.example' });
    expect(r.tenant?.Name).toBe('b.onmicrosoft.com');
    expect(r.competingTenants.map((t) => t.Name)).toEqual(['a.onmicrosoft.com']);
  });

  it('Partner connectors never grant relay', () => {
    const t = tenant('contoso.onmicrosoft.com', ['contoso.com'], [inbound({ Name: 'Partner', ConnectorType: 'Partner', TlsSenderCertificateName: 'mx.partner.example' })]);
    const relay = run([t], { certificate: cert(['mx.partner.example']), mailFromDomain: 'partner.example', rcptToDomain: 'tailspintoys.com' });
    expect(relay.outcome).toBe('rejected');
    const inboundMail = run([t], { certificate: cert(['mx.partner.example']), mailFromDomain: 'partner.example', rcptToDomain: 'contoso.com' });
    expect(inboundMail).toMatchObject({ outcome: 'accepted', direction: 'inbound' });
    expect(inboundMail.connector?.Name).toBe('Partner');
  });
});

describe('IP connector choice within a tenant', () => {
  it('the most specific range wins, whatever the order the connectors were written in', () => {
    const t = tenant('contoso.onmicrosoft.com', ['contoso.com'], [
      inbound({ Name: 'Relay by IP', SenderIPAddresses: ['203.0.113.0/24'] }),
      inbound({ Name: 'Scanner', SenderIPAddresses: ['203.0.113.200/32'] }),
    ]);
    const r = run([t], { sourceIp: '203.0.113.200', rcptToDomain: 'contoso.com' });
    expect(r.connector?.Name).toBe('Scanner');
    const other = run([t], { sourceIp: '203.0.113.12', rcptToDomain: 'contoso.com' });
    expect(other.connector?.Name).toBe('Relay by IP');
  });
});

describe('IP lookups in a shared /24', () => {
  it('finds a single address among many tenants sharing the subnet, and the /24 connector too', () => {
    const tenants = Array.from({ length: 50 }, (_, i) => tenant(`t${i}.onmicrosoft.com`, [`t${i}.example`], [inbound({ Name: `IP ${i}`, SenderIPAddresses: [`198.51.100.${i + 1}`] })]));
    const wide = tenant('wide.onmicrosoft.com', ['wide.example'], [inbound({ Name: 'Whole /24', SenderIPAddresses: ['198.51.100.0/24'] })]);
    const r = run([...tenants, wide], { sourceIp: '198.51.100.17', mailFromDomain: 't16.example', rcptToDomain: 'tailspintoys.com' });
    expect(r.connector?.Name).toBe('IP 16');
    const w = run([...tenants, wide], { sourceIp: '198.51.100.200', mailFromDomain: 'wide.example', rcptToDomain: 'tailspintoys.com' });
    expect(w.connector?.Name).toBe('Whole /24');
  });
});
