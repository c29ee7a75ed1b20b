import { describe, expect, it } from 'vitest';
import { authAsAtExchangeOnline } from '../../src/engine/cross-premises-trust.js';
import type { FlowResult, Hop } from '../../src/engine/flow-types.js';
import { attribute } from '../../src/engine/inbound-attribution.js';
import { buildSimulationContext } from '../../src/engine/simulation-context.js';
import { AT, diagnose, exampleTopology, loadTopology, variant } from '../rules/rule-test-kit.js';

/**
 * EXO-SEMANTICS M10 [model, composed]: on-premises → Exchange Online is Internal iff attributed
 * Originating through an OnPremises connector with CloudServicesMailEnabled, sent by Exchange with
 * CloudServicesMailEnabled on its send connector and no gateway in between; or the connector has
 * TreatMessagesAsInternal and the P1 domain is accepted. Otherwise Anonymous; null when rejected.
 */
const HYBRID = exampleTopology('clean-hybrid');
const INBOUND_TRUST = '        RequireTls: true\n        CloudServicesMailEnabled: true\n';
const SEND_TRUST = '        SourceTransportServers: [EX01]\n        CloudServicesMailEnabled: true\n';
const ANOMALY = 'arrives Anonymous: cross-premises trust is not established';

function toCloud(yaml: string): FlowResult {
  const f = diagnose(yaml).simulation.flows.find((x) => x.origin === 'Contoso' && x.to === 'bob@contoso.com');
  if (!f) throw new Error('no on-premises → cloud flow');
  return f;
}

describe('authAs at Exchange Online (M10)', () => {
  it('the wizard-built route arrives Internal, without anomaly', () => {
    const f = toCloud(HYBRID);
    expect(f.hops[0]!.authAs).toBe('Internal');
    expect(f.anomalies).toEqual([]);
  });

  it('CloudServicesMailEnabled $false on the inbound connector: still delivered, Anonymous, with the seed-004 anomaly', () => {
    const f = toCloud(variant(HYBRID, INBOUND_TRUST, '        RequireTls: true\n        CloudServicesMailEnabled: false\n'));
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.authAs).toBe('Anonymous');
    expect(f.anomalies.join(' ')).toContain(ANOMALY);
    expect(f.anomalies.join(' ')).toContain('Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433');
  });

  it('CloudServicesMailEnabled $false on the send connector: Anonymous', () => {
    const f = toCloud(variant(HYBRID, SEND_TRUST, '        SourceTransportServers: [EX01]\n        CloudServicesMailEnabled: false\n'));
    expect(f.hops[0]!.authAs).toBe('Anonymous');
    expect(f.anomalies.join(' ')).toContain('Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433');
  });

  it('a value the case does not hold follows the default ($false) as an assumption, not an anomaly', () => {
    const f = toCloud(variant(HYBRID, SEND_TRUST, '        SourceTransportServers: [EX01]\n'));
    expect(f.hops[0]!.authAs).toBe('Anonymous');
    expect(f.anomalies).toEqual([]);
    expect(f.assumptions.join(' ')).toMatch(/CloudServicesMailEnabled of send connector "Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433" \(Contoso\) is \$false/);
  });

  it('a non-Exchange gateway between on-premises Exchange and Exchange Online makes the hop Anonymous (M10 [TR])', () => {
    const yaml = variant(
      variant(HYBRID, 'SmartHosts: [contoso-com.mail.protection.outlook.com]\n        DNSRoutingEnabled: false\n        Fqdn: mail.contoso.com', 'SmartHosts: [filter.contoso.com]\n        DNSRoutingEnabled: false\n        Fqdn: mail.contoso.com'),
      'certificates:\n',
      `gateways:
  - Name: Filter
    Nodes:
      - Name: filter.contoso.com
        IPAddresses: [203.0.113.50]
        Certificate: 0A1B2C3D4E5F60718293A4B5C6D7E8F901234567
    Routes:
      - Name: To Office 365
        AddressSpaces: [contoso.mail.onmicrosoft.com]
        SmartHosts: [contoso-com.mail.protection.outlook.com]
certificates:
`,
    );
    const f = toCloud(yaml);
    expect(f.outcome).toBe('delivered');
    const intoExo = f.hops[f.hops.length - 1]!;
    expect(intoExo.sender.type).toBe('gateway-route');
    expect(intoExo.attribution.connector).toBe('Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433');
    expect(intoExo.authAs).toBe('Anonymous');
    expect(f.anomalies.join(' ')).toContain(`${ANOMALY} (the non-Exchange gateway Filter`);
  });

  it('TreatMessagesAsInternal with an accepted P1 domain makes a non-Exchange sender Internal', () => {
    const yaml = `
kind: mailflow-topology
version: 1
tenants:
  - Name: contoso.onmicrosoft.com
    AcceptedDomains: [contoso.com, contoso.onmicrosoft.com]
    InboundConnectors:
      - Name: From the application gateway
        ConnectorType: OnPremises
        TlsSenderCertificateName: gw.contoso.com
        CloudServicesMailEnabled: false
        TreatMessagesAsInternal: true
gateways:
  - Name: App gateway
    Nodes:
      - Name: gw.contoso.com
        IPAddresses: [198.51.100.10]
        Certificate: 4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0C1D2E3F
    Routes:
      - Name: Office 365
        AddressSpaces: ["*"]
        SmartHosts: [contoso-com.mail.protection.outlook.com]
certificates:
  - Thumbprint: 4E5F6A7B8C9D0E1F2A3B4C5D6E7F8A9B0C1D2E3F
    Subject: CN=gw.contoso.com
    CertificateDomains: [gw.contoso.com]
    Issuer: CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, C=GB
    NotBefore: 2026-02-01T00:00:00Z
    NotAfter: 2027-02-28T23:59:59Z
    IsSelfSigned: false
    HasPrivateKey: true
`;
    // A flow cannot start at a gateway, so the hop is built as the walk builds it (simulate-flow.ts).
    const hopFrom = (topology: string, mailFrom: string): Hop => {
      const c = loadTopology(topology);
      const ctx = buildSimulationContext(c, { at: AT });
      const gateway = c.gateways[0]!;
      const connection = { sourceIp: '198.51.100.10', certificate: c.certificates[0]!, ehlo: 'gw.contoso.com', mailFromDomain: mailFrom, rcptToDomain: 'contoso.com', previousTenants: [] };
      const result = attribute(connection, { index: ctx.index, at: AT, isExchangeOnlineDomain: () => true });
      const hop: Hop = {
        from: 'gw.contoso.com',
        to: 'contoso-com.mail.protection.outlook.com',
        presented: { certificate: null, thumbprint: null, ip: null, ehlo: null },
        attribution: { tenant: null, connector: null, direction: result.direction, reason: '', step: null },
        sender: { type: 'gateway-route', gateway, node: gateway.Nodes[0]!, route: gateway.Routes[0]!, certificateFrom: 'node' },
        decisions: [],
        eop: { connection, result },
        authAs: null,
        tls: null,
      };
      hop.authAs = authAsAtExchangeOnline(hop, [hop], ctx);
      return hop;
    };
    const internal = hopFrom(yaml, 'contoso.com');
    expect(internal.eop!.result.connector?.Name).toBe('From the application gateway');
    expect(internal.authAs).toBe('Internal');
    // The P1 domain must be accepted.
    expect(hopFrom(yaml, 'fabrikam.com').authAs).toBe('Anonymous');
    // Without TreatMessagesAsInternal a non-Exchange sender stays Anonymous.
    expect(hopFrom(variant(yaml, '        TreatMessagesAsInternal: true\n', ''), 'contoso.com').authAs).toBe('Anonymous');
  });

  it('a rejected hop has no authAs (S2 after: the relay is refused 5.7.64)', () => {
    const relay = diagnose(exampleTopology('s2-cert-connector-after')).simulation.flows.find((x) => x.to === 'dave@tailspintoys.com')!;
    expect(relay.outcome).toBe('rejected');
    expect(relay.hops[0]!.authAs).toBeNull();
  });

  it('a hybrid sender no OnPremises connector matches arrives as internet mail: Anonymous, with the anomaly', () => {
    const f = toCloud(variant(HYBRID, '        TlsSenderCertificateName: mail.contoso.com\n', '        TlsSenderCertificateName: other.contoso.com\n'));
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.authAs).toBe('Anonymous');
    expect(f.anomalies.join(' ')).toContain('no OnPremises connector of contoso.onmicrosoft.com matched');
  });
});
