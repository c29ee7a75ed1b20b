import { describe, expect, it } from 'vitest';
import { commands, diagnose, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'hybrid-routing-domain-authoritative';
const SUBJECT = { type: 'AcceptedDomain', name: 'contoso.mail.onmicrosoft.com', organization: 'Contoso' };
const VERSION = 'AdminDisplayVersion: Version 15.2 (Build 1748.10)';

/** The clean hybrid example with the coexistence domain made Authoritative on premises. */
const AUTHORITATIVE = variant(exampleTopology('clean-hybrid'), 'DomainType: InternalRelay', 'DomainType: Authoritative');
const EXCHANGE_2010 = variant(AUTHORITATIVE, VERSION, 'AdminDisplayVersion: Version 14.3 (Build 123.4)');
const NO_VERSION = variant(AUTHORITATIVE, `        ${VERSION}\n`, '');

describe('hybrid-routing-domain-authoritative', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('is an error on Exchange 2010 (AdminDisplayVersion 14.x)', () => {
    const f = onlyFinding(EXCHANGE_2010, RULE);
    expect(f.severity).toBe('error');
    // The cloud-bound flow it breaks is its subject too, so flow-fails does not report it again.
    expect(f.subjects).toEqual([SUBJECT, { type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' }]);
    expect(f.message).toContain('contoso.mail.onmicrosoft.com is Authoritative in Contoso, which runs Exchange 2010');
    expect(commands(f)).toEqual(['Set-AcceptedDomain -Identity contoso.mail.onmicrosoft.com -DomainType InternalRelay']);
    // The simulation shows the consequence: mail for the cloud mailbox is not routed to Exchange Online.
    const toCloud = diagnose(EXCHANGE_2010).simulation.flows.find((x) => x.origin === 'Contoso' && x.destination === 'contoso.onmicrosoft.com')!;
    expect(toCloud.outcome).toBe('rejected');
  });

  it('is a warning, saying it is unconfirmed, when no server version is known', () => {
    const f = onlyFinding(NO_VERSION, RULE);
    expect(f.severity).toBe('warning');
    expect(f.subjects).toEqual([SUBJECT]);
    expect(f.message).toContain('unconfirmed');
    expect(commands(f)).toEqual(['Set-AcceptedDomain -Identity contoso.mail.onmicrosoft.com -DomainType InternalRelay']);
  });

  it('is silent on Exchange 2013 and later (15.x)', () => {
    expect(findingsOf(AUTHORITATIVE, RULE)).toEqual([]);
  });

  it('is silent on Exchange 2010 when the coexistence domain is InternalRelay', () => {
    expect(findingsOf(variant(exampleTopology('clean-hybrid'), VERSION, 'AdminDisplayVersion: Version 14.3 (Build 123.4)'), RULE)).toEqual([]);
  });
});
