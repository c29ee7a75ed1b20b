import { describe, expect, it } from 'vitest';
import { ConnectorIndex } from '../../src/engine/connector-index.js';
import { ANONYMOUS_LINE, OWN_SIDE_LINE } from '../../src/engine/domain-table.js';
import { attribute, type Connection } from '../../src/engine/inbound-attribution.js';
import { cert, inbound, tenant } from '../helpers/factories.js';

const at = new Date('2026-11-22T00:00:00Z');

// A domain accepted by two tenants (unsupported; EXO-SEMANTICS M3 [model]: the first tenant receives it).
const first = () => tenant('first.onmicrosoft.com', ['shared.example', 'first.example'], [inbound({ Name: 'First cert', TlsSenderCertificateName: 'smtp.first.example' })]);
const second = () => tenant('second.onmicrosoft.com', ['shared.example', 'second.example'], [inbound({ Name: 'Second cert', TlsSenderCertificateName: 'smtp.second.example' })]);

function attributeTwice(index: ConnectorIndex, conn: Partial<Connection>) {
  const full: Connection = { sourceIp: null, certificate: null, ehlo: null, mailFromDomain: 'sender.example', rcptToDomain: 'shared.example', ...conn };
  const ctx = { index, at, isExchangeOnlineDomain: () => false };
  return [attribute(full, ctx), attribute(full, ctx)] as const;
}

describe('DomainTable: ids, first tenant and the trace lines kept per domain', () => {
  it('answers for every tenant of a shared domain, and only the first is its first tenant', () => {
    const [a, b] = [first(), second()];
    const domains = new ConnectorIndex([a, b]).domains;
    const shared = domains.idOf('shared.example');
    const own = domains.idOf('second.example');
    expect(domains.idOf('nobody.example')).toBe(-1);
    expect(domains.firstTenant(shared)).toBe(a);
    expect(domains.several(shared)).toBe(true);
    expect(domains.several(own)).toBe(false);
    expect([domains.accepts(shared, a), domains.accepts(shared, b), domains.accepts(own, a), domains.accepts(-1, a)]).toEqual([true, true, false, false]);
    expect(domains.acceptedBy(shared, b)?.DomainName).toBe('shared.example');
    expect(domains.factsOf(shared).tenants).toEqual([a, b]);
  });

  it('keeps a line per domain and slot, and nothing before it is built', () => {
    const domains = new ConnectorIndex([first()]).domains;
    const id = domains.idOf('first.example');
    expect(domains.keptLine(id, ANONYMOUS_LINE)).toBeNull();
    domains.keepLine(id, ANONYMOUS_LINE, 'anonymous');
    expect([domains.keptLine(id, ANONYMOUS_LINE), domains.keptLine(id, OWN_SIDE_LINE)]).toEqual(['anonymous', null]);
  });

  it('step 3 names the first tenant of a shared domain, the same on every connection (M3)', () => {
    const [r1, r2] = attributeTwice(new ConnectorIndex([first(), second()]), {});
    expect(r1.trace).toEqual([
      'No TLS client certificate was presented, so no certificate-scoped connector can match (M3 step 1).',
      'Step 3: no connector matches; shared.example belongs to first.onmicrosoft.com, so this is anonymous inbound internet mail for that tenant.',
    ]);
    expect(r1.assumptions).toEqual(['assumed: shared.example is accepted in several tenants; first.onmicrosoft.com (the first) receives it']);
    expect(r2).toEqual(r1);
  });

  it("the own-side line names the tenant whose connector matched, not the domain's first tenant (M3)", () => {
    const index = new ConnectorIndex([first(), second()]);
    const [viaFirst] = attributeTwice(index, { certificate: cert(['smtp.first.example']) });
    const [viaSecond, again] = attributeTwice(index, { certificate: cert(['smtp.second.example']) });
    expect(viaFirst.trace[1]).toBe("shared.example is an accepted domain of first.onmicrosoft.com: the message comes from the tenant's own on-premises side.");
    expect(viaSecond.trace[1]).toBe("shared.example is an accepted domain of second.onmicrosoft.com: the message comes from the tenant's own on-premises side.");
    expect(again.trace).toEqual(viaSecond.trace);
  });
});
