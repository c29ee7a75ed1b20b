import { describe, expect, it } from 'vitest';
import { applyChange } from '../../src/engine/cmdlet-change.js';
import type { FlowResult } from '../../src/engine/flow-types.js';
import { diagnoseCase } from '../../src/diagnose.js';
import type { Case } from '../../src/model/case.js';
import { AT, exampleTopology, loadTopology, variant } from '../rules/rule-test-kit.js';
import { changeError } from './cmdlet-test-case.js';

/**
 * The what-if properties EXO-SEMANTICS M8–M10 read change what the simulation predicts: the
 * on-premises send connector's TlsAuthLevel/TlsDomain (M9) and CloudServicesMailEnabled (M10),
 * the tenant's outbound connector TlsDomain/TlsSettings (M8) and CloudServicesMailEnabled (M10);
 * Set-OrganizationConfig stores RejectDirectSend on the tenant (M12).
 */
const SEND = 'Outbound to Office 365 - 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';
const OUTBOUND = 'Outbound to 8d7c6b5a-4f3e-2d1c-0b9a-887766554433';

/** The clean hybrid with the receive connector Exchange Online lands on, as the wizard configures it (M8.3, M10). */
const WITH_FRONTEND = variant(
  exampleTopology('clean-hybrid'),
  '    RemoteDomains:\n',
  `    ReceiveConnectors:
      - Name: Default Frontend EX01
        Server: EX01
        RemoteIPRanges: ["0.0.0.0-255.255.255.255"]
        AuthMechanism: Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer
        PermissionGroups: AnonymousUsers, ExchangeServers, ExchangeLegacyServers
        TransportRole: FrontendTransport
        TlsCertificateName: "<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com, O=Contoso Ltd, C=US"
        TlsDomainCapabilities: ["mail.protection.outlook.com:AcceptCloudServicesMail"]
    RemoteDomains:
`,
);

function hybrid(): Case {
  return loadTopology(WITH_FRONTEND);
}

function flowAfter(command: string, origin: string): FlowResult {
  const d = diagnoseCase(applyChange(hybrid(), command).case, { at: AT });
  const f = d.simulation.flows.find((x) => x.origin === origin && x.to === 'bob@contoso.com');
  if (!f) throw new Error(`no flow from ${origin}`);
  return f;
}

const ONPREM = 'Contoso';
const CLOUD = 'contoso.onmicrosoft.com';

describe('Set-SendConnector changes the on-premises → Exchange Online outcome', () => {
  it('before: delivered, Internal, TLS validated', () => {
    const f = diagnoseCase(hybrid(), { at: AT }).simulation.flows.find((x) => x.origin === ONPREM && x.to === 'bob@contoso.com')!;
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.authAs).toBe('Internal');
    expect(f.hops[0]!.tls?.validation).toBe('ok');
  });

  it('-TlsDomain with a typo: deferred 454 4.7.5 (M9)', () => {
    const f = flowAfter(`Set-SendConnector '${SEND}' -TlsDomain mail.protection.outlook.net`, ONPREM);
    expect(f.outcome).toBe('deferred');
    expect(f.response).toMatch(/454 4\.7\.5 Certificate validation failure/);
  });

  it('-TlsAuthLevel EncryptionOnly: delivered without validation', () => {
    const f = flowAfter(`Set-SendConnector '${SEND}' -TlsAuthLevel EncryptionOnly`, ONPREM);
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.tls?.validation).toBe('NotRequired');
  });

  it('-CloudServicesMailEnabled $false: still delivered, but Anonymous (M10)', () => {
    const f = flowAfter(`Set-SendConnector '${SEND}' -CloudServicesMailEnabled $false`, ONPREM);
    expect(f.outcome).toBe('delivered');
    expect(f.hops[0]!.authAs).toBe('Anonymous');
  });
});

describe('Set-OutboundConnector changes the Exchange Online → on-premises outcome', () => {
  it('-CloudServicesMailEnabled $false: Anonymous on arrival (M10)', () => {
    expect(flowAfter(`Set-OutboundConnector '${OUTBOUND}' -CloudServicesMailEnabled $false`, CLOUD).hops[0]!.authAs).toBe('Anonymous');
  });

  it('-TlsDomain naming another host: the on-premises certificate no longer validates, deferred (M8.5)', () => {
    expect(flowAfter(`Set-OutboundConnector '${OUTBOUND}' -TlsDomain smtp.contoso.com`, CLOUD).outcome).toBe('deferred');
  });

  it('-TlsSettings EncryptionOnly then -TlsDomain elsewhere: no name check, delivered', () => {
    const c = applyChange(applyChange(hybrid(), `Set-OutboundConnector '${OUTBOUND}' -TlsSettings EncryptionOnly`).case, `Set-OutboundConnector '${OUTBOUND}' -TlsDomain $null`).case;
    const f = diagnoseCase(c, { at: AT }).simulation.flows.find((x) => x.origin === CLOUD && x.to === 'bob@contoso.com')!;
    expect(f.outcome).toBe('delivered');
  });
});

describe('Set-OrganizationConfig (Exchange Online)', () => {
  it('-RejectDirectSend $true is stored on the only tenant as a boolean', () => {
    const r = applyChange(hybrid(), 'Set-OrganizationConfig -RejectDirectSend $true');
    expect(r.case.tenants[0]!.extra.RejectDirectSend).toBe(true);
    expect(r.subject).toEqual({ type: 'Tenant', name: 'contoso.onmicrosoft.com' });
    expect(r.description).toContain('RejectDirectSend');
  });

  it('with several tenants, -Identity names one (tenant name or TenantId); without it the change is refused', () => {
    const two = hybrid();
    two.tenants.push({ ...structuredClone(two.tenants[0]!), Name: 'fabrikam.onmicrosoft.com', TenantId: '11111111-2222-3333-4444-555555555555' });
    expect(changeError(two, 'Set-OrganizationConfig -RejectDirectSend $true').message).toMatch(/several tenants/);
    expect(applyChange(two, 'Set-OrganizationConfig -Identity fabrikam.onmicrosoft.com -RejectDirectSend $true').case.tenants[1]!.extra.RejectDirectSend).toBe(true);
    expect(applyChange(two, 'Set-OrganizationConfig 11111111-2222-3333-4444-555555555555 -RejectDirectSend $false').case.tenants[1]!.extra.RejectDirectSend).toBe(false);
  });

  it('refuses a value that is not a boolean and a parameter the cmdlet does not have', () => {
    expect(changeError(hybrid(), 'Set-OrganizationConfig -RejectDirectSend maybe').message).toMatch(/RejectDirectSend/);
    expect(changeError(hybrid(), 'Set-OrganizationConfig -RejectDirectMail $true').message).toMatch(/has no parameter -RejectDirectMail/);
  });
});

describe('what-if keeps what the case did not say (CONTRACT v1.1: unknown is not false)', () => {
  it('a CloudServicesMailEnabled the case does not give stays unknown in the changed copy: a warning before and after', () => {
    const unknown = loadTopology(variant(WITH_FRONTEND, '        SourceTransportServers: [EX01]\n        CloudServicesMailEnabled: true\n', '        SourceTransportServers: [EX01]\n'));
    const severity = (c: Case): string[] => diagnoseCase(c, { at: AT }).findings.filter((f) => f.rule === 'cross-premises-trust-disabled').map((f) => f.severity);
    expect(severity(unknown)).toEqual(['warning']);
    expect(severity(applyChange(unknown, `Set-SendConnector '${SEND}' -Fqdn mail.contoso.com`).case)).toEqual(['warning']);
  });
});
