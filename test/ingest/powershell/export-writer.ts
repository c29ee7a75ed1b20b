import type { Case, Organization, Tenant } from '../../../src/model/case.js';
import type { Certificate } from '../../../src/model/certificate.js';
import { clixml } from './clixml-writer.js';

/**
 * Writes an estate as the PowerShell exports an admin would send (FORMATS.md 4.3/4.4), to test
 * that reading the exports gives the case the topology gives. Exchange Online objects are always
 * deserialized (strings for enums); on-premises objects are written as live snap-in objects in
 * the 5.1 form (enums as numbers, AD references as objects, versions as objects) and as
 * deserialized strings in the 7 and CLIXML forms (CLIXML: Export-Clixml of objects from a remote
 * Exchange session, clixml-writer.ts).
 */
export type ExportForm = 'json51' | 'json7' | 'csv' | 'clixml';

type Obj = Record<string, unknown>;
const POD = 'EURPR01A001.PROD.OUTLOOK.COM';
const WHEN = Date.UTC(2026, 4, 12, 9, 30, 0);

function exoCommon(tenant: string, name: string, container: string, withRoot: boolean): Obj {
  return {
    Identity: name,
    Name: name,
    DistinguishedName: `CN=${name},CN=${container},CN=Configuration,CN=${tenant},OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=PROD,DC=OUTLOOK,DC=COM`,
    OrganizationId: `${POD}/Microsoft Exchange Hosted Organizations/${tenant} - ${POD}/ConfigurationUnits/${tenant}/Configuration`,
    ...(withRoot ? { OrganizationalUnitRoot: tenant } : {}),
    Guid: '2f0a8d4e-5b1c-4e2f-9a3d-6c7b8e9f0a1b',
    WhenChanged: { date: WHEN },
    ExchangeVersion: '0.20 (15.0.0.0)',
    PSComputerName: 'outlook.office365.com',
    IsValid: true,
  };
}

function onpremDn(org: string, rdns: string): string {
  return `${rdns},CN=${org},CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=example,DC=com`;
}

const AG = 'CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups';

function tenantObjects(t: Tenant): { file: string; objects: Obj[] }[] {
  const inbound = t.InboundConnectors.map((c, i) => ({
    ...exoCommon(t.Name, c.Name, 'Transport Settings', i % 2 === 0),
    Enabled: c.Enabled,
    ConnectorType: c.ConnectorType,
    ConnectorSource: 'Default',
    Comment: null,
    SenderIPAddresses: c.SenderIPAddresses,
    SenderDomains: c.SenderDomains.map((d) => `smtp:${d};1`),
    TrustedOrganizations: [],
    AssociatedAcceptedDomains: [],
    RequireTls: c.RequireTls,
    RestrictDomainsToIPAddresses: c.RestrictDomainsToIPAddresses,
    RestrictDomainsToCertificate: c.RestrictDomainsToCertificate,
    CloudServicesMailEnabled: c.CloudServicesMailEnabled,
    TreatMessagesAsInternal: false,
    TlsSenderCertificateName: c.TlsSenderCertificateName,
    EFSkipLastIP: false,
  }));
  const outbound = t.OutboundConnectors.map((c) => ({
    ...exoCommon(t.Name, c.Name, 'Transport Settings', true),
    Enabled: c.Enabled,
    UseMXRecord: c.UseMXRecord,
    ConnectorType: c.ConnectorType,
    ConnectorSource: 'Default',
    RecipientDomains: c.RecipientDomains,
    SmartHosts: c.SmartHosts,
    TlsDomain: c.TlsDomain,
    TlsSettings: c.TlsSettings,
    IsTransportRuleScoped: c.IsTransportRuleScoped,
    RouteAllMessagesViaOnPremises: c.RouteAllMessagesViaOnPremises,
    CloudServicesMailEnabled: c.CloudServicesMailEnabled,
    AllAcceptedDomains: c.AllAcceptedDomains,
    SenderRewritingEnabled: false,
    TestMode: false,
  }));
  const domains = t.AcceptedDomains.map((d) => ({
    ...exoCommon(t.Name, d.DomainName, 'Accepted Domains', true),
    DomainName: d.DomainName,
    DomainType: d.DomainType,
    Default: false,
    MatchSubDomains: false,
    AddressBookEnabled: true,
  }));
  const journal = t.JournalRules.map((r) => ({
    ...exoCommon(t.Name, r.Name, 'Journal Rules', true),
    JournalEmailAddress: r.JournalEmailAddress,
    Scope: r.Scope,
    Recipient: r.Recipient,
    Enabled: r.Enabled,
  }));
  return [
    { file: 'inbound', objects: inbound },
    { file: 'outbound', objects: outbound },
    { file: 'accepted-domains', objects: domains },
    { file: 'journal-rules', objects: journal },
  ].filter((f) => f.objects.length > 0);
}

const DOMAIN_TYPE_NUMBER = { Authoritative: 0, ExternalRelay: 1, InternalRelay: 2 } as const;

function serverRef(org: string, name: string, live: boolean): unknown {
  if (!live) return name;
  return { Rdn: `CN=${name}`, Parent: onpremDn(org, `CN=Servers,${AG}`), Depth: 10, DistinguishedName: onpremDn(org, `CN=${name},CN=Servers,${AG}`), IsRelativeDn: false, DomainId: 'corp.example.com', PartitionGuid: '59ce2f71-eaa2-4ddf-a4fa-f25069d0b324', PartitionFQDN: 'corp.example.com', ObjectGuid: '3b9c1f0e-2d4a-4c8b-9e7f-0a1b2c3d4e5f', Name: name };
}

function versionValue(text: string | null, live: boolean): unknown {
  const m = text ? /Version (\d+)\.(\d+) \(Build (\d+)\.(\d+)\)/.exec(text) : null;
  if (!live || !m) return text;
  return { Major: Number(m[1]), Minor: Number(m[2]), Build: Number(m[3]), Revision: Number(m[4]), FilePatchLevelDescription: '' };
}

function organizationObjects(o: Organization, live: boolean): { file: string; objects: Obj[] }[] {
  const servers = o.Servers.map((s) => ({
    Name: s.Name,
    Identity: s.Name,
    DistinguishedName: onpremDn(o.Name, `CN=${s.Name},CN=Servers,${AG}`),
    Fqdn: s.Fqdn,
    Edition: 'Enterprise',
    ServerRole: live ? (s.Role === 'Edge' ? 64 : 2) : s.Role === 'Edge' ? 'Edge' : 'Mailbox',
    IsEdgeServer: s.Role === 'Edge',
    AdminDisplayVersion: versionValue(s.AdminDisplayVersion, live),
    Site: 'corp.example.com/Configuration/Sites/Default-First-Site-Name',
  }));
  const send = o.SendConnectors.map((c) => ({
    Name: c.Name,
    Identity: c.Name,
    DistinguishedName: onpremDn(o.Name, `CN=${c.Name},CN=Connections,CN=Exchange Routing Group (DWBGZMFD01QNBJR),CN=Routing Groups,${AG}`),
    AddressSpaces: c.AddressSpaces.map((a) => (live ? { Address: a.Domain, Cost: a.Cost, Type: a.Type, IsLocal: false, Domain: { Domain: a.Domain, IncludeSubDomains: false } } : `${a.Type}:${a.Domain};${a.Cost}`)),
    SmartHosts: c.SmartHosts.map((h) => (live ? { Domain: { HostnameString: h, Domain: h }, Address: null, IsIPAddress: false } : h)),
    DNSRoutingEnabled: c.DNSRoutingEnabled,
    Fqdn: c.Fqdn,
    RequireTLS: c.RequireTLS,
    TlsAuthLevel: c.TlsAuthLevel,
    TlsDomain: c.TlsDomain,
    TlsCertificateName: c.TlsCertificateName,
    SourceTransportServers: c.SourceTransportServers.map((s) => serverRef(o.Name, s, live)),
    CloudServicesMailEnabled: c.CloudServicesMailEnabled,
    Enabled: c.Enabled,
    Port: 25,
    MaxMessageSize: live ? { IsUnlimited: false, Value: { ToBytes: 36700160 } } : '35 MB (36,700,160 bytes)',
  }));
  const domains = o.AcceptedDomains.map((d) => ({
    Name: d.DomainName,
    Identity: d.DomainName,
    DistinguishedName: onpremDn(o.Name, `CN=${d.DomainName},CN=Accepted Domains,CN=Transport Settings`),
    DomainName: live ? { Domain: d.DomainName, IncludeSubDomains: false, Address: d.DomainName } : d.DomainName,
    DomainType: live ? DOMAIN_TYPE_NUMBER[d.DomainType] : d.DomainType,
    Default: false,
  }));
  return [
    { file: 'servers', objects: servers },
    { file: 'send-connectors', objects: send },
    { file: 'accepted-domains', objects: domains },
  ].filter((f) => f.objects.length > 0);
}

const RUNSPACE = 'c3d1e8a4-7b52-4f0e-9c61-2a8d5b4f0e33';

const SERVICE_BITS: Record<string, number> = { IMAP: 1, POP: 2, UM: 4, IIS: 8, SMTP: 16, Federation: 32, UMCallRouter: 64 };

function certificateObject(c: Certificate, server: string, live: boolean): Obj {
  const services = (c.Services ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    Identity: `${server}\\${c.Thumbprint}`,
    Thumbprint: c.Thumbprint,
    Subject: c.Subject,
    Issuer: c.Issuer,
    CertificateDomains: c.CertificateDomains.map((d) => (live ? { Domain: d, IncludeSubDomains: false, Address: d } : d)),
    NotBefore: { date: Date.parse(c.NotBefore ?? '') },
    NotAfter: { date: Date.parse(c.NotAfter ?? '') },
    IsSelfSigned: c.IsSelfSigned,
    HasPrivateKey: c.HasPrivateKey,
    Services: live ? services.reduce((n, s) => n | (SERVICE_BITS[s] ?? 0), 0) : services.join(', '),
    RootCAType: live ? 1 : 'ThirdParty',
    Status: live ? 1 : 'Valid',
    FriendlyName: c.commonName,
    SerialNumber: '0A1B2C3D4E5F',
  };
}

/** `{date}` placeholders → the form's date text. */
function renderDates(v: unknown, form: ExportForm): unknown {
  if (Array.isArray(v)) return v.map((x) => renderDates(x, form));
  if (v && typeof v === 'object') {
    const o = v as Obj;
    if (typeof o.date === 'number' && Object.keys(o).length === 1) {
      const d = new Date(o.date);
      if (form === 'json51') return { __msdate: o.date };
      if (form === 'json7') return d.toISOString().replace('.000Z', '.0000000Z');
      const h = d.getUTCHours();
      return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${String(d.getUTCMinutes()).padStart(2, '0')}:${String(d.getUTCSeconds()).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, renderDates(x, form)]));
  }
  return v;
}

/** Windows PowerShell 5.1: one-element arrays inside objects sometimes collapse, some arrays are `{value, Count}`-wrapped, `\/Date()\/`. */
function json51(objects: Obj[]): string {
  const shaped = objects.map((o) => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(renderDates(o, 'json51') as Obj)) {
      if (Array.isArray(v) && v.length === 1 && k === 'SmartHosts') out[k] = v[0];
      else if (Array.isArray(v) && v.length > 1 && k === 'SenderDomains') out[k] = { value: v, Count: v.length };
      else out[k] = v;
    }
    return out;
  });
  const text = JSON.stringify(shaped.length === 1 ? shaped[0] : shaped, null, 4).replace(/\{\s*"__msdate":\s*(-?\d+)\s*\}/g, (_m, ms: string) => `"\\/Date(${ms})\\/"`);
  return text.replace(/": /g, '":  ');
}

function csv(objects: Obj[], typeName: string | null): string {
  const rows = objects.map((o) => renderDates(o, 'csv') as Obj);
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '""';
    if (Array.isArray(v)) return '"System.Object[]"';
    if (typeof v === 'object') return '"Microsoft.Exchange.Data.MultiValuedProperty`1[System.String]"';
    if (typeof v === 'boolean') return v ? '"True"' : '"False"';
    return `"${String(v).replace(/"/g, '""')}"`;
  };
  const lines = [...(typeName ? [`#TYPE ${typeName}`] : []), columns.map((c) => `"${c}"`).join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))];
  return lines.join('\r\n') + '\r\n';
}

const TYPE_NAMES: Record<string, string> = {
  inbound: 'Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantInboundConnector',
  outbound: 'Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantOutboundConnector',
  'send-connectors': 'Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig',
  certificates: 'Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate',
};

/** Export files (relative path → content) for every tenant, organization and installed certificate of a case. */
export function writeExports(c: Case, form: ExportForm): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = {};
  const live = form === 'json51';
  const render = (objects: Obj[], kind: string, session: string | null = null): string | Buffer => {
    if (form === 'clixml') return clixml(session === null ? objects : objects.map((o) => ({ ...o, PSComputerName: o.PSComputerName ?? session })), kind, RUNSPACE);
    if (form === 'json7') return JSON.stringify(renderDates(objects, 'json7'), null, 2);
    if (form === 'csv') return csv(objects, TYPE_NAMES[kind] ?? null);
    // Out-File in Windows PowerShell 5.1 writes UTF-16LE with a byte-order mark.
    return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json51(objects), 'utf16le')]);
  };
  const ext = form === 'csv' ? 'csv' : form === 'clixml' ? 'xml' : 'json';
  c.tenants.forEach((t, i) => {
    for (const f of tenantObjects(t)) files[`exo-${i}/${f.file}.${ext}`] = render(f.objects, f.file);
  });
  c.organizations.forEach((o, i) => {
    // A remote Exchange Management Shell session names the server it ran on.
    const session = (o.Servers[0]?.Fqdn ?? o.Servers[0]?.Name ?? null)?.toLowerCase() ?? null;
    for (const f of organizationObjects(o, live)) files[`onprem-${i}/${f.file}.${ext}`] = render(f.objects, f.file, session);
    const certs: Obj[] = [];
    for (const s of o.Servers) {
      for (const thumb of s.Certificates) {
        const cert = c.certificates.find((x) => x.Thumbprint === thumb);
        if (cert) certs.push(certificateObject(cert, s.Fqdn ?? s.Name, live));
      }
    }
    if (certs.length > 0) files[`onprem-${i}/certificates.${ext}`] = render(certs, 'certificates', session);
  });
  return files;
}
