import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, ipv4Text } from './prng.mjs';

/**
 * A service provider's PowerShell exports, as `… | ConvertTo-Json -Depth 6 | Out-File -Encoding
 * utf8` in PowerShell 7 writes them (FORMATS.md 4.3; shapes as test/ingest/powershell/
 * export-writer.ts knows them): objects deserialized from the remote session, so enums are
 * names and AD references are strings; ISO dates (local DateTimes with their offset, the *UTC
 * properties with Z); two-space indentation; UTF-8 without BOM; a cmdlet returning one object
 * gives a bare object, not an array.
 *
 * Exchange Online, per tenant: Get-InboundConnector (5 connectors), Get-OutboundConnector (1 or
 * 2 — a bare object when 1), Get-AcceptedDomain (3 or 4). Every object names its tenant in
 * OrganizationalUnitRoot and OrganizationId, as Exchange Online writes them.
 * On premises, per hybrid organization: Get-ExchangeServer (2 servers, the organization in the
 * DistinguishedName) and Get-ExchangeCertificate run against each server (4 certificates each,
 * Identity `<server FQDN>\<thumbprint>`), all thumbprints distinct.
 *
 * Layouts:
 *  - 'per-tenant' (default): what a partner's loop over `Connect-ExchangeOnline
 *    -DelegatedOrganization $t` writes — a folder per tenant (tenants/<tenant>/inbound.json,
 *    outbound.json, accepted-domains.json) and a folder per on-premises organization
 *    (onprem/<org>/servers.json, certificates.json): 3 files per tenant.
 *  - 'combined': one file per cmdlet across all tenants (`$all += Get-InboundConnector …` then
 *    one ConvertTo-Json), and one servers.json and one certificates.json across organizations.
 */

const POD = 'EURPR01A001.PROD.OUTLOOK.COM';
const PARTNER_NET_BASE = ((198 << 24) | (18 << 16)) >>> 0;
const TENANT_NET_BASE = ((100 << 24) | (64 << 16)) >>> 0;
const AG = 'CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups';

export const CONNECTORS_PER_TENANT = 5;
export const SERVERS_PER_ORG = 2;
export const CERTIFICATES_PER_SERVER = 4;

const pad = (i, n = 5) => String(i).padStart(n, '0');
const tenantName = (i) => `tenant${i}.onmicrosoft.com`;
const orgName = (k) => `Org ${pad(k)}`;
const guid = (rng) => {
  const h = (n) => Array.from({ length: n }, () => rng.int(16).toString(16)).join('');
  return `${h(8)}-${h(4)}-4${h(3)}-${['8', '9', 'a', 'b'][rng.int(4)]}${h(3)}-${h(12)}`;
};
/** A local DateTime (the exporting machine at +02:00) and its *UTC twin, as PowerShell 7 writes them. */
const localDate = (ms) => new Date(ms + 2 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+02:00');
const utcDate = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const thumbprintOf = (n) => ((0x7c000000 + n) >>> 0).toString(16).toUpperCase().padStart(8, '0').repeat(5);

function exoCommon(rng, tenant, name, container) {
  const created = Date.UTC(2021, rng.int(12), 1 + rng.int(28), rng.int(24), rng.int(60));
  const changed = created + rng.int(900) * 86_400_000;
  const id = guid(rng);
  return {
    RunspaceId: '6c1f0d3e-8a2b-4f5c-9d7e-0b1a2c3d4e5f',
    AdminDisplayName: '',
    ExchangeVersion: '0.1 (8.0.535.0)',
    Name: name,
    DistinguishedName: `CN=${name},CN=${container},CN=Configuration,CN=${tenant},OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=PROD,DC=OUTLOOK,DC=COM`,
    Identity: name,
    ObjectCategory: `EURPR01A001.PROD.OUTLOOK.COM/Configuration/Schema/ms-Exch-SMTP-${container === 'Accepted Domains' ? 'Accepted-Domain' : 'Inbound-Connector'}`,
    ObjectClass: ['top', container === 'Accepted Domains' ? 'msExchAcceptedDomain' : 'msExchSMTPInboundConnector'],
    WhenChanged: localDate(changed),
    WhenCreated: localDate(created),
    WhenChangedUTC: utcDate(changed),
    WhenCreatedUTC: utcDate(created),
    ExchangeObjectId: id,
    OrganizationalUnitRoot: tenant,
    OrganizationId: `${POD}/Microsoft Exchange Hosted Organizations/${tenant} - ${POD}/ConfigurationUnits/${tenant}/Configuration`,
    Id: name,
    Guid: id,
    OriginatingServer: 'AM0PR01A04DC001.EURPR01A001.PROD.OUTLOOK.COM',
    IsValid: true,
    ObjectState: 'Unchanged',
    PSComputerName: 'outlook.office365.com',
    PSShowComputerName: false,
  };
}

function inbound(rng, tenant, name, p) {
  return {
    ...exoCommon(rng, tenant, name, 'Transport Settings'),
    Enabled: p.Enabled ?? true,
    ConnectorType: p.ConnectorType ?? 'OnPremises',
    ConnectorSource: p.ConnectorSource ?? 'Default',
    Comment: p.Comment ?? null,
    SenderIPAddresses: p.SenderIPAddresses ?? [],
    SenderDomains: p.SenderDomains ?? ['smtp:*;1'],
    TrustedOrganizations: [],
    AssociatedAcceptedDomains: [],
    RequireTls: p.RequireTls ?? false,
    RestrictDomainsToIPAddresses: p.RestrictDomainsToIPAddresses ?? false,
    RestrictDomainsToCertificate: p.RestrictDomainsToCertificate ?? false,
    CloudServicesMailEnabled: p.CloudServicesMailEnabled ?? false,
    TreatMessagesAsInternal: false,
    TlsSenderCertificateName: p.TlsSenderCertificateName ?? null,
    EFTestMode: false,
    ScanAndDropRecipients: [],
    EFSkipLastIP: false,
    EFSkipIPs: [],
    EFSkipMailGateway: [],
    EFUsers: [],
  };
}

function outbound(rng, tenant, name, p) {
  return {
    ...exoCommon(rng, tenant, name, 'Transport Settings'),
    Enabled: p.Enabled ?? true,
    UseMXRecord: p.UseMXRecord ?? false,
    Comment: null,
    ConnectorType: p.ConnectorType,
    ConnectorSource: p.ConnectorSource ?? 'Default',
    RecipientDomains: p.RecipientDomains ?? [],
    SmartHosts: p.SmartHosts ?? [],
    TlsDomain: p.TlsDomain ?? null,
    TlsSettings: p.TlsSettings ?? null,
    IsTransportRuleScoped: false,
    RouteAllMessagesViaOnPremises: p.RouteAllMessagesViaOnPremises ?? false,
    CloudServicesMailEnabled: p.CloudServicesMailEnabled ?? false,
    AllAcceptedDomains: false,
    SenderRewritingEnabled: false,
    TestMode: false,
    LinkForModifiedConnector: '00000000-0000-0000-0000-000000000000',
    ValidationRecipients: [],
    IsValidated: false,
    LastValidationTimestamp: null,
  };
}

function acceptedDomain(rng, tenant, domain, type, isDefault) {
  return {
    ...exoCommon(rng, tenant, domain, 'Accepted Domains'),
    DomainName: domain,
    CatchAllRecipientID: null,
    DomainType: type,
    MatchSubDomains: false,
    AddressBookEnabled: type === 'Authoritative',
    Default: isDefault,
    EmailOnly: false,
    ExternallyManaged: false,
    AuthenticationType: 'Managed',
    LiveIdInstanceType: 'Business',
    PendingRemoval: false,
    PendingCompletion: false,
    FederatedOrganizationLink: null,
    MailFlowPartner: null,
    OutboundOnly: false,
    PendingFederatedAccountNamespace: false,
    PendingFederatedDomain: false,
    IsCoexistenceDomain: domain.endsWith('.mail.onmicrosoft.com'),
    PerimeterDuplicateDetected: false,
    IsDefaultFederatedDomain: false,
    EnableNego2Authentication: false,
    InitialDomain: domain === tenant,
  };
}

/** Tenant i's three exports. Tenants below `hybridCount` have an on-premises organization. */
function tenantExports(i, rng, hybrid) {
  const t = tenantName(i);
  const d = `tenant${i}.example`;
  const net = (TENANT_NET_BASE + i * 256) >>> 0;
  const partner = rng.int(500);
  const certName = rng.chance(0.2) ? `*.${d}` : `mail.${d}`;
  const relayLen = rng.between(24, 32);
  const inb = [
    inbound(rng, t, hybrid ? `Inbound from ${orgName(i)}` : `Inbound from ${d} gateway`, { TlsSenderCertificateName: certName, RestrictDomainsToCertificate: true, CloudServicesMailEnabled: hybrid, RequireTls: true, ConnectorSource: hybrid ? 'HybridWizard' : 'Default' }),
    inbound(rng, t, `Relay ${d}`, { SenderIPAddresses: [`${ipv4Text(relayLen === 32 ? net + 25 : net)}/${relayLen}`], RestrictDomainsToIPAddresses: true, Enabled: rng.chance(0.85) }),
    inbound(rng, t, `Scanner ${d}`, { SenderIPAddresses: [ipv4Text(net + 200)], Enabled: rng.chance(0.6), Comment: 'multifunction printers' }),
    inbound(rng, t, `Partner ${partner}`, { ConnectorType: 'Partner', SenderDomains: [`smtp:partner${partner}.example;1`], TlsSenderCertificateName: `mail.partner${partner}.example`, RequireTls: true, SenderIPAddresses: [`${ipv4Text((PARTNER_NET_BASE + partner * 8) >>> 0)}/29`] }),
    inbound(rng, t, `Legacy gateway ${d}`, { SenderIPAddresses: [ipv4Text(net + 10), ipv4Text(net + 11)], Enabled: false, Comment: 'old appliance, kept for rollback' }),
  ];
  const out = [
    outbound(rng, t, hybrid ? `Outbound to ${orgName(i)}` : `Outbound to ${d} gateway`, { ConnectorType: 'OnPremises', ConnectorSource: hybrid ? 'HybridWizard' : 'Default', RecipientDomains: [d], SmartHosts: [`mail.${d}`], TlsSettings: 'DomainValidation', TlsDomain: `mail.${d}`, CloudServicesMailEnabled: hybrid }),
  ];
  if (rng.chance(0.3)) out.push(outbound(rng, t, `To partner ${partner}`, { ConnectorType: 'Partner', RecipientDomains: [`partner${partner}.example`], UseMXRecord: true, TlsSettings: 'EncryptionOnly' }));
  const domains = [acceptedDomain(rng, t, d, 'Authoritative', true), acceptedDomain(rng, t, `tenant${i}.mail.onmicrosoft.com`, 'Authoritative', false), acceptedDomain(rng, t, t, 'Authoritative', false)];
  if (rng.chance(0.3)) domains.push(acceptedDomain(rng, t, `tenant${i}-alt.example`, rng.chance(0.5) ? 'InternalRelay' : 'Authoritative', false));
  return { inbound: inb, outbound: out, domains };
}

function serverObject(k, s) {
  const org = orgName(k);
  const name = `EX${pad(k)}${String.fromCharCode(65 + s)}`;
  const fqdn = `${name.toLowerCase()}.corp${k}.example`;
  const dn = `CN=${name},CN=Servers,${AG},CN=${org},CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp${k},DC=example`;
  return {
    fqdn,
    object: {
      PSComputerName: `ex${pad(k)}a.corp${k}.example`,
      RunspaceId: '0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d',
      PSShowComputerName: false,
      Name: name,
      DataPath: 'C:\\Program Files\\Microsoft\\Exchange Server\\V15\\Mailbox',
      Domain: `corp${k}.example`,
      Edition: 'Standard',
      ExchangeLegacyDN: `/o=${org}/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=${name}`,
      Fqdn: fqdn,
      IsHubTransportServer: false,
      IsClientAccessServer: true,
      IsEdgeServer: false,
      IsMailboxServer: true,
      IsProvisionedServer: false,
      Site: `corp${k}.example/Configuration/Sites/Default-First-Site-Name`,
      ServerRole: 'Mailbox, ClientAccess',
      AdminDisplayVersion: 'Version 15.2 (Build 1544.4)',
      StaticDomainControllers: [],
      CurrentDomainControllers: [],
      ProductID: null,
      IsExchangeTrialEdition: false,
      IsExpiredExchangeTrialEdition: false,
      DistinguishedName: dn,
      Identity: name,
      Guid: `5e${pad(k, 6)}-0000-4000-8000-${pad(k * 10 + s, 12)}`,
      ObjectCategory: `corp${k}.example/Configuration/Schema/ms-Exch-Exchange-Server`,
      ObjectClass: ['top', 'server', 'msExchExchangeServer'],
      WhenChanged: localDate(Date.UTC(2026, 2, 1)),
      WhenCreated: localDate(Date.UTC(2019, 5, 1)),
      OriginatingServer: `dc01.corp${k}.example`,
      IsValid: true,
      ObjectState: 'Unchanged',
    },
  };
}

const CERT_KINDS = [
  { friendly: 'Microsoft Exchange', selfSigned: true, services: 'IMAP, POP, IIS, SMTP', names: (srv) => [srv.split('.')[0].toUpperCase(), srv] },
  { friendly: 'Microsoft Exchange Server Auth Certificate', selfSigned: true, services: 'SMTP', names: () => [] },
  { friendly: 'WMSVC-SHA2', selfSigned: true, services: 'None', names: (srv) => [`WMSvc-SHA2-${srv.split('.')[0].toUpperCase()}`] },
  { friendly: 'mail (third party)', selfSigned: false, services: 'IMAP, POP, IIS, SMTP', names: (_srv, k) => [`mail.tenant${k}.example`, `autodiscover.tenant${k}.example`, `tenant${k}.example`] },
];

function certificateObject(n, k, fqdn, kind, rng) {
  const thumb = thumbprintOf(n);
  const names = kind.names(fqdn, k);
  const start = Date.UTC(2025 + rng.int(2), rng.int(12), 1 + rng.int(28));
  const years = kind.selfSigned ? 5 : 1;
  const subject = kind.friendly === 'Microsoft Exchange Server Auth Certificate' ? 'CN=Microsoft Exchange Server Auth Certificate' : `CN=${names[0]}`;
  return {
    PSComputerName: fqdn,
    RunspaceId: '0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d',
    PSShowComputerName: false,
    AccessRules: [
      { AccessControlType: 'Allow', IdentityReference: 'NT AUTHORITY\\SYSTEM', Rights: 'FullControl' },
      { AccessControlType: 'Allow', IdentityReference: 'BUILTIN\\Administrators', Rights: 'FullControl' },
    ],
    CertificateDomains: names,
    HasPrivateKey: true,
    IsSelfSigned: kind.selfSigned,
    Issuer: kind.selfSigned ? subject : "CN=R11, O=Let's Encrypt, C=US",
    NotAfter: localDate(start + years * 365 * 86_400_000),
    NotBefore: localDate(start),
    PublicKeySize: 2048,
    RootCAType: kind.selfSigned ? 'Registry' : 'ThirdParty',
    SerialNumber: thumb.slice(0, 32),
    Services: kind.services,
    Status: 'Valid',
    Subject: subject,
    Thumbprint: thumb,
    FriendlyName: kind.friendly,
    EnhancedKeyUsageList: [{ FriendlyName: 'Server Authentication', ObjectId: '1.3.6.1.5.5.7.3.1' }],
    IsElcCertificate: false,
    KeyIdentifier: thumb.slice(0, 40).toLowerCase(),
    PrivateKeyExportable: false,
    Version: 3,
    Identity: `${fqdn}\\${thumb}`,
    ServicesStringForm: kind.services === 'None' ? '....' : 'IP.WS',
    IISServices: [],
    CertificateRequest: null,
  };
}

/** PowerShell 7's ConvertTo-Json: an array, or the bare object when the pipeline gave one. */
const psJson = (objects) => JSON.stringify(objects.length === 1 ? objects[0] : objects, null, 2);

/**
 * Writes the exports under `dir`; returns what a correct load must find, and the file count and
 * bytes written.
 */
export function writeProviderExports(dir, { tenants = 10_000, certificates = 5000, layout = 'per-tenant', seed = 33 } = {}) {
  const rng = createRng(seed);
  const orgCount = Math.ceil(certificates / (SERVERS_PER_ORG * CERTIFICATES_PER_SERVER));
  const expected = { tenants, inboundConnectors: 0, outboundConnectors: 0, acceptedDomains: 0, organizations: orgCount, servers: 0, certificates: 0, serverFqdns: [] };
  let files = 0;
  let bytes = 0;
  const write = (path, objects) => {
    const text = psJson(objects);
    writeFileSync(path, text + '\r\n');
    files++;
    bytes += Buffer.byteLength(text) + 2;
  };
  const all = { inbound: [], outbound: [], domains: [], servers: [], certificates: [] };
  for (let i = 0; i < tenants; i++) {
    const x = tenantExports(i, rng, i < orgCount);
    expected.inboundConnectors += x.inbound.length;
    expected.outboundConnectors += x.outbound.length;
    expected.acceptedDomains += x.domains.length;
    if (layout === 'per-tenant') {
      const td = join(dir, 'tenants', tenantName(i));
      mkdirSync(td, { recursive: true });
      write(join(td, 'inbound.json'), x.inbound);
      write(join(td, 'outbound.json'), x.outbound);
      write(join(td, 'accepted-domains.json'), x.domains);
    } else {
      all.inbound.push(...x.inbound);
      all.outbound.push(...x.outbound);
      all.domains.push(...x.domains);
    }
  }
  let n = 0;
  for (let k = 0; k < orgCount; k++) {
    const servers = [];
    const certs = [];
    for (let s = 0; s < SERVERS_PER_ORG; s++) {
      const srv = serverObject(k, s);
      servers.push(srv.object);
      expected.serverFqdns.push(srv.fqdn);
      for (const kind of CERT_KINDS) {
        if (n >= certificates) break;
        certs.push(certificateObject(n++, k, srv.fqdn, kind, rng));
      }
    }
    expected.servers += servers.length;
    expected.certificates += certs.length;
    if (layout === 'per-tenant') {
      const od = join(dir, 'onprem', orgName(k));
      mkdirSync(od, { recursive: true });
      write(join(od, 'servers.json'), servers);
      write(join(od, 'certificates.json'), certs);
    } else {
      all.servers.push(...servers);
      all.certificates.push(...certs);
    }
  }
  if (layout !== 'per-tenant') {
    mkdirSync(dir, { recursive: true });
    write(join(dir, 'inbound-connectors.json'), all.inbound);
    write(join(dir, 'outbound-connectors.json'), all.outbound);
    write(join(dir, 'accepted-domains.json'), all.domains);
    write(join(dir, 'exchange-servers.json'), all.servers);
    write(join(dir, 'exchange-certificates.json'), all.certificates);
  }
  return { dir, layout, files, bytes, expected };
}
