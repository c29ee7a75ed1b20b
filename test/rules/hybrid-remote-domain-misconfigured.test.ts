import { describe, expect, it } from 'vitest';
import { commands, exampleTopology, findingsOf, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';

const RULE = 'hybrid-remote-domain-misconfigured';
const NAME = 'Hybrid Domain - contoso.mail.onmicrosoft.com';
const SUBJECT = { type: 'RemoteDomain', name: NAME, organization: 'Contoso' };
const SET = `Set-RemoteDomain -Identity '${NAME}' -TargetDeliveryDomain $true -TrustedMailOutboundEnabled $true -AllowedOOFType InternalLegacy`;

/** The clean hybrid example holds the remote domain as the Hybrid Configuration Wizard creates it. */
const CLEAN = exampleTopology('clean-hybrid');

describe('hybrid-remote-domain-misconfigured', () => {
  it('is a warning in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('warning');
  });

  it('is silent for the remote domain as the wizard sets it up', () => {
    expect(findingsOf(CLEAN, RULE)).toEqual([]);
  });

  it('fires when TargetDeliveryDomain is off', () => {
    const f = onlyFinding(variant(CLEAN, 'TargetDeliveryDomain: true', 'TargetDeliveryDomain: false'), RULE);
    expect(f.severity).toBe('warning');
    expect(f.subjects).toEqual([SUBJECT]);
    expect(f.message).toContain('TargetDeliveryDomain is not $true');
    expect(commands(f)).toEqual([SET]);
  });

  it('fires when TrustedMailOutboundEnabled is off', () => {
    const f = onlyFinding(variant(CLEAN, 'TrustedMailOutboundEnabled: true', 'TrustedMailOutboundEnabled: false'), RULE);
    expect(f.subjects).toEqual([SUBJECT]);
    expect(f.message).toContain('TrustedMailOutboundEnabled is not $true');
    expect(commands(f)).toEqual([SET]);
  });

  it('fires when out-of-office replies are external', () => {
    const f = onlyFinding(variant(CLEAN, 'AllowedOOFType: InternalLegacy', 'AllowedOOFType: External'), RULE);
    expect(f.message).toContain('AllowedOOFType is External instead of InternalLegacy');
  });

  it('fires when the remote domain for the coexistence domain is missing, with the command to create it', () => {
    const missing = variant(CLEAN, `      - Name: ${NAME}\n        DomainName: contoso.mail.onmicrosoft.com\n        TargetDeliveryDomain: true\n        TrustedMailOutboundEnabled: true\n        AllowedOOFType: InternalLegacy\n`, '');
    const f = onlyFinding(missing, RULE);
    expect(f.subjects).toEqual([SUBJECT]);
    expect(f.message).toContain('there is no remote domain for contoso.mail.onmicrosoft.com');
    expect(commands(f)).toEqual([`New-RemoteDomain -Name '${NAME}' -DomainName contoso.mail.onmicrosoft.com`, SET]);
  });

  it('is silent when the case holds no remote domains of the organization at all', () => {
    const unknown = CLEAN.slice(0, CLEAN.indexOf('    RemoteDomains:\n')) + CLEAN.slice(CLEAN.indexOf('\ncertificates:') + 1);
    expect(unknown).toContain('certificates:');
    expect(findingsOf(unknown, RULE)).toEqual([]);
  });
});
