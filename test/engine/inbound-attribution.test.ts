import { describe, expect, it } from 'vitest';
import { ConnectorIndex } from '../../src/engine/connector-index.js';
import { attribute, RELAY_DENIED, RELAY_DENIED_ATTR36, type Connection } from '../../src/engine/inbound-attribution.js';
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

  it('refuses relay with ATTR36 when a connector matched but neither the certificate domain nor MAIL FROM is accepted (M4)', () => {
    const t = tenant('contoso.onmicrosoft.com', ['contoso.com'], [inbound({ Name: 'Cert', TlsSenderCertificateName: 'relay.hoster.example' })]);
    const r = run([t], { certificate: cert(['relay.hoster.example']), mailFromDomain: 'customer.example', rcptToDomain: 'tailspintoys.com' });
    expect(r.outcome).toBe('rejected');
    expect(r.response).toBe('550 5.7.64 TenantAttribution; Relay Access Denied ATTR36');
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

describe('M3/M4 certificate-domain test: the name itself or its immediate parent (KB4019940)', () => {
  const provider = (accepted: string[], value = '*.contoso.com') => tenant('contoso.onmicrosoft.com', accepted, [inbound({ Name: 'Hybrid (cert)', TlsSenderCertificateName: value })]);
  const relayOf = (accepted: string[], names: string[], value?: string) =>
    run([provider(accepted, value)], { certificate: cert(names), mailFromDomain: 'app.example', rcptToDomain: 'tailspintoys.com' });

  it('M3: host.sub.contoso.com with only contoso.com accepted — a grandparent never counts: 550 5.7.64 … ATTR36', () => {
    const r = relayOf(['contoso.com'], ['host.sub.contoso.com']);
    expect(r).toMatchObject({ outcome: 'rejected', direction: 'none', matchedBy: 'certificate', response: RELAY_DENIED_ATTR36 });
    expect(r.response).toBe('550 5.7.64 TenantAttribution; Relay Access Denied ATTR36');
    expect(r.connector?.Name).toBe('Hybrid (cert)');
    expect(r.trace.join(' ')).toMatch(/not immediately/);
  });

  it('M3: the same certificate relays once sub.contoso.com (its immediate parent) is accepted — the KB4019940 fix', () => {
    expect(relayOf(['contoso.com', 'sub.contoso.com'], ['host.sub.contoso.com'])).toMatchObject({ outcome: 'accepted', direction: 'relay' });
  });

  it('M3: a name directly under an accepted domain, the accepted domain itself, and a wildcard *.d with d accepted all pass', () => {
    expect(relayOf(['contoso.com'], ['mail.contoso.com'])).toMatchObject({ outcome: 'accepted', direction: 'relay' });
    expect(relayOf(['contoso.com'], ['contoso.com'])).toMatchObject({ outcome: 'accepted', direction: 'relay' });
    expect(relayOf(['contoso.com'], ['*.contoso.com'])).toMatchObject({ outcome: 'accepted', direction: 'relay' });
    expect(relayOf(['contoso.com'], ['*.sub.contoso.com'])).toMatchObject({ outcome: 'rejected', response: RELAY_DENIED_ATTR36 });
  });

  it('M4: the P1 domain accepted still relays whatever the certificate domain', () => {
    const r = run([provider(['contoso.com'])], { certificate: cert(['host.sub.contoso.com']), mailFromDomain: 'contoso.com', rcptToDomain: 'tailspintoys.com' });
    expect(r).toMatchObject({ outcome: 'accepted', direction: 'relay' });
  });

  it('M3 [model]: an exact TlsSenderCertificateName that is not itself accepted relays, with the [TLSBLOG25] assumption', () => {
    const r = relayOf(['contoso.com'], ['mail.contoso.com'], 'mail.contoso.com');
    expect(r).toMatchObject({ outcome: 'accepted', direction: 'relay' });
    expect(r.assumptions.join(' ')).toContain('TLSBLOG25');
    const accepted = relayOf(['contoso.com'], ['contoso.com'], 'contoso.com');
    expect(accepted.assumptions.join(' ')).not.toContain('TLSBLOG25');
  });

  it('M3 [model]: a connector whose certificate domain is not accepted at all still attributes at step 1 (MC1226222: works today)', () => {
    const t = tenant('contoso.onmicrosoft.com', ['contoso.com'], [inbound({ Name: 'Hoster', TlsSenderCertificateName: 'relay.hoster.example' })]);
    const r = run([t], { certificate: cert(['relay.hoster.example']), mailFromDomain: 'customer.example', rcptToDomain: 'contoso.com' });
    expect(r).toMatchObject({ outcome: 'accepted', direction: 'outbound', matchedBy: 'certificate' });
    expect(r.assumptions.join(' ')).toContain('MC1226222');
  });
});

describe('M3 step 2: SenderIPAddresses holds IPv4 /24–/32 only [NIC]', () => {
  const withIps = (ips: string[]) => tenant('contoso.onmicrosoft.com', ['contoso.com'], [inbound({ Name: 'Relay (IP)', SenderIPAddresses: ips })]);

  it('a /22 is ignored: an address inside it matches no connector (relay 5.7.64)', () => {
    const r = run([withIps(['198.51.100.0/22'])], { sourceIp: '198.51.101.7', rcptToDomain: 'tailspintoys.com' });
    expect(r).toMatchObject({ outcome: 'rejected', response: RELAY_DENIED, connector: null });
  });

  it('the same addresses as /24 blocks match', () => {
    const r = run([withIps(['198.51.100.0/24', '198.51.101.0/24'])], { sourceIp: '198.51.101.7', rcptToDomain: 'tailspintoys.com' });
    expect(r).toMatchObject({ outcome: 'accepted', direction: 'relay', matchedBy: 'ip' });
  });

  it('an IPv6 entry is ignored and an IPv6 source never matches an IP-scoped connector', () => {
    const r = run([withIps(['2001:db8::/64', '203.0.113.0/24'])], { sourceIp: '2001:db8::25', rcptToDomain: 'tailspintoys.com' });
    expect(r).toMatchObject({ outcome: 'rejected', response: RELAY_DENIED });
    expect(r.trace.join(' ')).toMatch(/IPv6/);
    const index = new ConnectorIndex([withIps(['2001:db8::/64', '203.0.113.0/24', '10.0.0.0/8', '10.1.1.1-10.1.1.9'])]);
    expect(index.entries[0]!.ignoredIpValues).toEqual(['2001:db8::/64', '10.0.0.0/8', '10.1.1.1-10.1.1.9']);
    expect(index.entries[0]!.ranges.map((x) => x.text)).toEqual(['203.0.113.0/24']);
  });
});

describe('M5.1: a drop only for its observed trigger; every other return is relayed (M5.2)', () => {
  it('left T by connector, attributed to T again, recipient in another Exchange Online tenant → dropped', () => {
    const r = run([contoso()], { certificate: cert(['smtp.contoso.com']), rcptToDomain: 'fabrikam.com', previousTenants: ['contoso.onmicrosoft.com'] });
    expect(r.outcome).toBe('dropped');
  });

  it('the same return for a recipient outside Exchange Online is relayed again (followed to the hop limit by the simulator)', () => {
    const r = run([contoso()], { certificate: cert(['smtp.contoso.com']), rcptToDomain: 'tailspintoys.com', previousTenants: ['contoso.onmicrosoft.com'] });
    expect(r).toMatchObject({ outcome: 'accepted', direction: 'relay' });
  });

  it('a first attribution (S1: T never left) is relayed, not dropped', () => {
    const r = run([contoso()], { certificate: cert(['smtp.contoso.com']), rcptToDomain: 'fabrikam.com' });
    expect(r).toMatchObject({ outcome: 'accepted', direction: 'relay' });
  });
});

describe('unknown is not false (CONTRACT v1.1): the source IP is not in the case', () => {
  const ipOnly = () => tenant('contoso.onmicrosoft.com', ['contoso.com'], [inbound({ Name: 'On-premises relay (IP)', SenderIPAddresses: ['203.0.113.10'] })]);

  it('the sender tenant\'s IP-scoped connector is taken to match (documented default), with an assumption saying how to supply the IP', () => {
    const r = run([ipOnly()], { sourceIp: null, mailFromDomain: 'contoso.com', rcptToDomain: 'tailspintoys.com' });
    expect(r).toMatchObject({ outcome: 'accepted', direction: 'relay', matchedBy: 'ip' });
    expect(r.connector?.Name).toBe('On-premises relay (IP)');
    expect(r.assumptions.join(' ')).toMatch(/public IP address is not in the case.*IPAddresses/);
  });

  it('a known address outside SenderIPAddresses still gets 5.7.64', () => {
    expect(run([ipOnly()], { sourceIp: '198.51.100.9', mailFromDomain: 'contoso.com', rcptToDomain: 'tailspintoys.com' })).toMatchObject({ outcome: 'rejected', response: RELAY_DENIED });
  });

  it('a disabled IP connector is not assumed to match', () => {
    const t = tenant('contoso.onmicrosoft.com', ['contoso.com'], [inbound({ Name: 'Off', SenderIPAddresses: ['203.0.113.10'], Enabled: false })]);
    expect(run([t], { sourceIp: null, mailFromDomain: 'contoso.com', rcptToDomain: 'tailspintoys.com' })).toMatchObject({ outcome: 'rejected' });
  });
});

describe('trace lines kept per domain are per tenant and per answer (M3 step 3; own side after a connector match)', () => {
  const tailspin = () => tenant('tailspin.onmicrosoft.com', ['shared.example'], [inbound({ Name: 'Tailspin on-prem (IP)', SenderIPAddresses: ['198.51.100.0/24'] })]);
  const fabrikam = () => tenant('fabrikam.onmicrosoft.com', ['shared.example'], [inbound({ Name: 'Fabrikam on-prem (IP)', SenderIPAddresses: ['192.0.2.0/24'] })]);
  const context = (tenants: ReturnType<typeof tenant>[], isExchangeOnlineDomain = (d: string) => exoDomains.has(d)) => ({ index: new ConnectorIndex(tenants), at, isExchangeOnlineDomain });
  const conn = (p: Partial<Connection>): Connection => ({ sourceIp: null, certificate: null, ehlo: null, mailFromDomain: 'shared.example', rcptToDomain: 'shared.example', ...p });

  it('the own-side line names the tenant whose connector matched, also for a domain whose first tenant is another', () => {
    const ctx = context([tailspin(), fabrikam()]);
    const first = attribute(conn({ sourceIp: '198.51.100.7' }), ctx);
    const second = attribute(conn({ sourceIp: '192.0.2.7' }), ctx);
    const again = attribute(conn({ sourceIp: '198.51.100.7' }), ctx);
    expect(first.tenant?.Name).toBe('tailspin.onmicrosoft.com');
    expect(second.tenant?.Name).toBe('fabrikam.onmicrosoft.com');
    expect(first.trace.at(-1)).toBe("shared.example is an accepted domain of tailspin.onmicrosoft.com: the message comes from the tenant's own on-premises side.");
    expect(second.trace.at(-1)).toBe("shared.example is an accepted domain of fabrikam.onmicrosoft.com: the message comes from the tenant's own on-premises side.");
    expect(again.trace).toEqual(first.trace);
  });

  it('anonymous inbound mail: the same line for each connection, and earlier answers keep theirs', () => {
    const ctx = context([contoso()]);
    const a = attribute(conn({ sourceIp: '198.51.100.9', mailFromDomain: 'tailspintoys.com', rcptToDomain: 'contoso.com' }), ctx);
    const b = attribute(conn({ sourceIp: '198.51.100.10', mailFromDomain: 'tailspintoys.com', rcptToDomain: 'contoso.com' }), ctx);
    expect(a.trace).toEqual([expect.stringMatching(/^No TLS client certificate/), 'Step 3: no connector matches; contoso.com belongs to contoso.onmicrosoft.com, so this is anonymous inbound internet mail for that tenant.']);
    expect(b.trace).toEqual(a.trace);
    expect(b.trace).not.toBe(a.trace);
  });

  it('after a throwing isExchangeOnlineDomain, the next answer has exactly its own lines', () => {
    const throwing = context([contoso()], () => {
      throw new Error('lookup failed');
    });
    expect(() => attribute(conn({ sourceIp: '198.51.100.9', mailFromDomain: 'tailspintoys.com', rcptToDomain: 'nowhere.example' }), throwing)).toThrow('lookup failed');
    const next = attribute(conn({ sourceIp: '198.51.100.9', mailFromDomain: 'tailspintoys.com', rcptToDomain: 'contoso.com' }), context([contoso()]));
    expect(next.trace).toHaveLength(2);
    expect(next.assumptions).toEqual([]);
  });
});
