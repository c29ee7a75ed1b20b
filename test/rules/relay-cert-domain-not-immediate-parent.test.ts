import { describe, expect, it } from 'vitest';
import { diagnose, findingsOf, fixtureTopology, onlyFinding, ruleSeverity, variant } from './rule-test-kit.js';
import { evidenceFindings, traceRow } from './evidence-kit.js';

const RULE = 'relay-cert-domain-not-immediate-parent';
/** NDR-CATALOG / EXO-SEMANTICS M4 [model]: a connector matched, the domain tests failed. */
const ATTR36 = '550 5.7.64 TenantAttribution; Relay Access Denied ATTR36';

/**
 * The S2 relay estate (fixture) with the relay certificate renamed smtp.hub.contoso.com, which the
 * certificate connector names exactly; only contoso.com is accepted (KB4019940's case), and an
 * application on premises sends as app@apps.example.
 */
function hubEstate(): string {
  let yaml = fixtureTopology('onprem-relay.yaml');
  yaml = variant(yaml, 'TlsSenderCertificateName: smtp.contoso.com', 'TlsSenderCertificateName: smtp.hub.contoso.com');
  yaml = variant(yaml, 'Subject: CN=smtp.contoso.com, O=Contoso Ltd, C=US\n    CertificateDomains: [smtp.contoso.com]', 'Subject: CN=smtp.hub.contoso.com, O=Contoso Ltd, C=US\n    CertificateDomains: [smtp.hub.contoso.com]');
  yaml = variant(yaml, 'RequireTLS: true', 'RequireTLS: true\n        Fqdn: smtp.hub.contoso.com');
  return `${yaml}  - From: app@apps.example\n    To: dave@tailspintoys.com\n    Origin: Contoso\n`;
}

const FIXED = () => variant(hubEstate(), 'AcceptedDomains: [contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]', 'AcceptedDomains: [contoso.com, hub.contoso.com, contoso.mail.onmicrosoft.com, contoso.onmicrosoft.com]');

describe('relay-cert-domain-not-immediate-parent', () => {
  it('is an error in the catalog', () => {
    expect(ruleSeverity(RULE)).toBe('error');
  });

  it('M3/M4: host.sub.<domain> with only <domain> accepted — the application relay is rejected ATTR36 and the flow is named', () => {
    const yaml = hubEstate();
    const flows = diagnose(yaml).simulation.flows;
    const app = flows.find((f) => f.from === 'app@apps.example')!;
    expect(app).toMatchObject({ outcome: 'rejected', response: ATTR36 });
    // The tenant's own sender domain still relays (M4: the P1 domain is accepted).
    expect(flows.find((f) => f.from === 'alice@contoso.com' && f.to === 'dave@tailspintoys.com')!.outcome).toBe('delivered');
    const f = onlyFinding(yaml, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toEqual([
      { type: 'InboundConnector', name: 'On-premises relay (certificate)', tenant: 'contoso.onmicrosoft.com' },
      { type: 'Flow', name: 'app@apps.example → dave@tailspintoys.com' },
    ]);
    expect(f.message).toContain('neither it nor its immediate parent hub.contoso.com is an accepted domain');
    expect(f.fix[0]!.text).toContain('Add hub.contoso.com as a domain of contoso.onmicrosoft.com');
    // Nothing else needs to explain the failing flow.
    expect(findingsOf(yaml, 'flow-fails').map((x) => x.subjects[0]!.name)).not.toContain('app@apps.example → dave@tailspintoys.com');
  });

  it('is silent once hub.contoso.com is an accepted domain (KB4019940 fix), and the relay goes through', () => {
    const yaml = FIXED();
    expect(findingsOf(yaml, RULE)).toEqual([]);
    expect(diagnose(yaml).simulation.flows.find((f) => f.from === 'app@apps.example')!.outcome).toBe('delivered');
  });

  it('evidence: a 5.7.64 with ATTR36 in a message trace fires; a plain 5.7.64 does not (that is tenant-attribution-rejected)', () => {
    const attr36 = traceRow({ sender: '', recipient: 'dave@tailspintoys.com', status: 'Failed', clientIp: '203.0.113.10', response: { command: null, code: 550, enhanced: '5.7.64', text: 'Relay Access Denied ATTR36. For more details please refer to: https://support.microsoft.com/kb/3169958' } });
    const found = evidenceFindings(null, { traces: [attr36] }, RULE);
    expect(found).toHaveLength(1);
    expect(found[0]!.subjects).toEqual([{ type: 'Host', name: '203.0.113.10' }]);
    expect(found[0]!.message).toContain('ATTR36');
    const plain = traceRow({ sender: 'alice@contoso.com', recipient: 'dave@tailspintoys.com', status: 'Failed', clientIp: '203.0.113.10', response: { command: null, code: 550, enhanced: '5.7.64', text: 'TenantAttribution; Relay Access Denied' } });
    expect(evidenceFindings(null, { traces: [plain] }, RULE)).toEqual([]);
  });
});
