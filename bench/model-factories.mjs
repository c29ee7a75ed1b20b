/**
 * Complete model objects (every property of src/model/case.ts and certificate.ts) for the
 * in-memory estate. Plain data, as the loader would produce it.
 */
const provenance = { file: '(bench estate)' };

export function acceptedDomain(DomainName, DomainType = 'Authoritative') {
  return { DomainName, DomainType, provenance };
}

export function inboundConnector(p) {
  return {
    Name: p.Name,
    ConnectorType: p.ConnectorType ?? 'OnPremises',
    Enabled: p.Enabled ?? true,
    TlsSenderCertificateName: p.TlsSenderCertificateName ?? null,
    SenderIPAddresses: p.SenderIPAddresses ?? [],
    SenderDomains: p.SenderDomains ?? ['smtp:*;1'],
    RequireTls: p.RequireTls ?? p.TlsSenderCertificateName != null,
    RestrictDomainsToCertificate: p.RestrictDomainsToCertificate ?? false,
    RestrictDomainsToIPAddresses: p.RestrictDomainsToIPAddresses ?? false,
    CloudServicesMailEnabled: p.CloudServicesMailEnabled ?? (p.ConnectorType ?? 'OnPremises') === 'OnPremises',
    extra: {},
    provenance,
  };
}

export function outboundConnector(p) {
  return {
    Name: p.Name,
    ConnectorType: p.ConnectorType ?? 'OnPremises',
    Enabled: p.Enabled ?? true,
    RecipientDomains: p.RecipientDomains ?? [],
    SmartHosts: p.SmartHosts ?? [],
    UseMXRecord: p.UseMXRecord ?? false,
    AllAcceptedDomains: p.AllAcceptedDomains ?? false,
    RouteAllMessagesViaOnPremises: p.RouteAllMessagesViaOnPremises ?? false,
    IsTransportRuleScoped: p.IsTransportRuleScoped ?? false,
    TlsSettings: p.TlsSettings ?? null,
    TlsDomain: p.TlsDomain ?? null,
    CloudServicesMailEnabled: p.CloudServicesMailEnabled ?? true,
    extra: {},
    provenance,
  };
}

export function tenant(p) {
  return {
    Name: p.Name,
    TenantId: p.TenantId ?? null,
    AcceptedDomains: p.AcceptedDomains,
    InboundConnectors: p.InboundConnectors,
    OutboundConnectors: p.OutboundConnectors ?? [],
    JournalRules: p.JournalRules ?? [],
    extra: {},
    provenance,
  };
}

/** `names` are lower case (the model's contract); the first is the subject CN. */
export function certificate(p) {
  const names = p.names.map((n) => n.toLowerCase());
  const selfSigned = p.IsSelfSigned ?? false;
  const issuer = selfSigned ? `CN=${names[0]}` : (p.Issuer ?? "CN=R11, O=Let's Encrypt, C=US");
  return {
    Thumbprint: p.Thumbprint,
    Subject: `CN=${names[0]}`,
    Issuer: issuer,
    CertificateDomains: p.names,
    NotBefore: p.NotBefore ?? '2026-09-01T00:00:00Z',
    NotAfter: p.NotAfter ?? '2027-08-31T23:59:59Z',
    IsSelfSigned: selfSigned,
    HasPrivateKey: true,
    Services: 'SMTP',
    RootCAType: selfSigned ? 'None' : 'ThirdParty',
    Status: 'Valid',
    Server: null,
    File: null,
    Sha256: null,
    names,
    commonName: names[0],
    trust: selfSigned
      ? { publiclyTrusted: false, reason: 'self-signed' }
      : { publiclyTrusted: p.publiclyTrusted ?? true, reason: p.trustReason ?? 'inline: issued by a public CA' },
    extra: {},
    provenance,
  };
}

/** A 40-hex-digit thumbprint derived from a counter: unique and stable. */
export function thumbprint(n) {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, '0').repeat(5);
}
