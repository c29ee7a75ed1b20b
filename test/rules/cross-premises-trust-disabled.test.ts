import { describe, expect, it } from 'vitest';
import { applyChange } from '../../src/engine/cmdlet-change.js';
import { diagnoseCase } from '../../src/diagnose.js';
import { AT, commands, diagnose, exampleTopology, findingsOf, loadTopology, onlyFinding, variant } from './rule-test-kit.js';

const RULE = 'cross-premises-trust-disabled';
const HYBRID = exampleTopology('clean-hybrid');
const DISABLED = exampleTopology('hybrid-trust-disabled');
const INBOUND = 'Inbound from 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
const SEND = 'Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
const OUTBOUND = 'Outbound to 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';

describe(RULE, () => {
  it('fires on the example: the inbound connector has CloudServicesMailEnabled $false, on-premises → cloud arrives Anonymous but is delivered (M10, seed 004)', () => {
    const d = diagnose(DISABLED);
    const toCloud = d.simulation.flows.find((f) => f.origin === 'Contoso' && f.to === 'bob@contoso.com')!;
    expect(toCloud.outcome).toBe('delivered');
    expect(toCloud.hops[0]!.authAs).toBe('Anonymous');
    expect(toCloud.anomalies.join(' ')).toContain('arrives Anonymous: cross-premises trust is not established');
    const f = onlyFinding(DISABLED, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects).toContainEqual({ type: 'InboundConnector', name: INBOUND, tenant: 'contoso.onmicrosoft.com' });
    expect(f.subjects).toContainEqual({ type: 'Flow', name: 'alice@contoso.com → bob@contoso.com' });
    expect(commands(f)).toEqual([`Set-InboundConnector '${INBOUND}' -CloudServicesMailEnabled $true`]);
    expect(f.fix[0]!.where).toBe('Exchange Online PowerShell');
  });

  it('the fix command, applied by the what-if engine, restores Internal and the finding goes away', () => {
    const fixed = applyChange(loadTopology(DISABLED), commands(onlyFinding(DISABLED, RULE))[0]!).case;
    const d = diagnoseCase(fixed, { at: AT });
    expect(d.findings.filter((f) => f.rule === RULE)).toEqual([]);
    expect(d.simulation.flows.find((f) => f.origin === 'Contoso' && f.to === 'bob@contoso.com')!.hops[0]!.authAs).toBe('Internal');
  });

  it('does not fire on the wizard-built estate (fixed twin)', () => {
    expect(findingsOf(HYBRID, RULE)).toEqual([]);
  });

  it('fires for the on-premises send connector with CloudServicesMailEnabled $false (Exchange Management Shell)', () => {
    const f = onlyFinding(variant(HYBRID, '        SourceTransportServers: [EX01]\n        CloudServicesMailEnabled: true\n', '        SourceTransportServers: [EX01]\n        CloudServicesMailEnabled: false\n'), RULE);
    expect(f.subjects[0]).toEqual({ type: 'SendConnector', name: SEND, organization: 'Contoso' });
    expect(commands(f)).toEqual([`Set-SendConnector '${SEND}' -CloudServicesMailEnabled $true`]);
    expect(f.fix[0]!.where).toBe('Exchange Management Shell');
  });

  it('a value the case does not hold gives a warning naming it, not an error (unknown is not false)', () => {
    const f = onlyFinding(variant(HYBRID, '        SourceTransportServers: [EX01]\n        CloudServicesMailEnabled: true\n', '        SourceTransportServers: [EX01]\n'), RULE);
    expect(f.severity).toBe('warning');
    expect(f.message).toMatch(/does not give CloudServicesMailEnabled/);
  });

  it("fires for the tenant's OnPremises outbound connector with CloudServicesMailEnabled $false (cloud → on-premises)", () => {
    const yaml = variant(HYBRID, '        TlsDomain: mail.contoso.com\n        CloudServicesMailEnabled: true\n', '        TlsDomain: mail.contoso.com\n        CloudServicesMailEnabled: false\n');
    const toOnPrem = diagnose(yaml).simulation.flows.find((f) => f.origin === 'contoso.onmicrosoft.com' && f.to === 'bob@contoso.com')!;
    expect(toOnPrem.hops[0]!.authAs).toBe('Anonymous');
    const f = onlyFinding(yaml, RULE);
    expect(f.subjects[0]).toEqual({ type: 'OutboundConnector', name: OUTBOUND, tenant: 'contoso.onmicrosoft.com' });
    expect(commands(f)).toEqual([`Set-OutboundConnector '${OUTBOUND}' -CloudServicesMailEnabled $true`]);
  });

  it('fires when the receive connector Exchange Online lands on lacks AcceptCloudServicesMail; not when it grants it', () => {
    const withReceive = (caps: string): string =>
      variant(
        HYBRID,
        '    RemoteDomains:\n',
        `    ReceiveConnectors:
      - Name: Default Frontend EX01
        Server: EX01
        RemoteIPRanges: ["0.0.0.0-255.255.255.255"]
        AuthMechanism: Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer
        PermissionGroups: AnonymousUsers, ExchangeServers, ExchangeLegacyServers
        TransportRole: FrontendTransport
        TlsCertificateName: "<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com, O=Contoso Ltd, C=US"
${caps}    RemoteDomains:
`,
      );
    const lacking = withReceive('        TlsDomainCapabilities: ["contoso.com:AcceptOrgHeaders"]\n');
    const toOnPrem = diagnose(lacking).simulation.flows.find((f) => f.origin === 'contoso.onmicrosoft.com' && f.to === 'bob@contoso.com')!;
    expect(toOnPrem.hops[0]!.tls?.landedOn).toBe('Default Frontend EX01');
    expect(toOnPrem.hops[0]!.authAs).toBe('Anonymous');
    const f = onlyFinding(lacking, RULE);
    expect(f.severity).toBe('error');
    expect(f.subjects[0]).toEqual({ type: 'ReceiveConnector', name: 'Default Frontend EX01', organization: 'Contoso' });
    expect(commands(f)).toEqual([`Set-ReceiveConnector 'EX01\\Default Frontend EX01' -TlsDomainCapabilities contoso.com:AcceptOrgHeaders,mail.protection.outlook.com:AcceptCloudServicesMail`]);
    expect(findingsOf(withReceive('        TlsDomainCapabilities: ["mail.protection.outlook.com:AcceptCloudServicesMail"]\n'), RULE)).toEqual([]);
  });
});
