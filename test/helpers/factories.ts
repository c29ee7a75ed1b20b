import type { AcceptedDomain, InboundConnector, Tenant } from '../../src/model/case.js';
import type { Certificate } from '../../src/model/certificate.js';

const here = { file: 'test' };

export function domains(...names: string[]): AcceptedDomain[] {
  return names.map((DomainName) => ({ DomainName, DomainType: 'Authoritative', provenance: here }));
}

export function inbound(p: Partial<InboundConnector> & { Name: string }): InboundConnector {
  return {
    ConnectorType: 'OnPremises',
    Enabled: true,
    TlsSenderCertificateName: null,
    SenderIPAddresses: [],
    SenderDomains: [],
    RequireTls: false,
    RestrictDomainsToCertificate: false,
    RestrictDomainsToIPAddresses: false,
    CloudServicesMailEnabled: true,
    extra: {},
    provenance: here,
    ...p,
  };
}

export function tenant(name: string, accepted: string[], connectors: InboundConnector[] = []): Tenant {
  return { Name: name, TenantId: null, AcceptedDomains: domains(...accepted), InboundConnectors: connectors, OutboundConnectors: [], JournalRules: [], extra: {}, provenance: here };
}

export function cert(names: string[], p: Partial<Certificate> = {}): Certificate {
  return {
    Thumbprint: names[0]!.toUpperCase(),
    Subject: `CN=${names[0]}`,
    Issuer: 'CN=R11, O=Let\'s Encrypt, C=US',
    CertificateDomains: names,
    NotBefore: '2026-01-01T00:00:00Z',
    NotAfter: '2027-01-01T00:00:00Z',
    IsSelfSigned: false,
    HasPrivateKey: true,
    Services: 'SMTP',
    RootCAType: null,
    Status: null,
    Server: null,
    File: null,
    Sha256: null,
    names: names.map((n) => n.toLowerCase()),
    commonName: names[0]!,
    trust: { publiclyTrusted: true, reason: 'test' },
    extra: {},
    provenance: here,
    ...p,
  };
}
