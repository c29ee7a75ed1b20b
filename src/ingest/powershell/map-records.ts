import { emptyCase, type Case, type HybridConfiguration } from '../../model/case.js';
import type { Diagnostic } from '../../model/diagnostics.js';
import { formatLocation, type Provenance } from '../../model/provenance.js';
import { markGiven } from '../../model/given-properties.js';
import { NormalizeContext } from '../topology/normalize-context.js';
import { normalizeCertificates } from '../topology/normalize-certificates.js';
import { normalizeOrganizations } from '../topology/normalize-organization.js';
import { normalizeTenants } from '../topology/normalize-tenant.js';
import { domainList, hostList, type Raw } from '../topology/normalize-values.js';
import type { PathSegment, PositionedDocument } from '../topology/yaml-positions.js';
import { EXPORT_KINDS, type ExportKind } from './export-kinds.js';
import type { Placement } from './placement.js';
import type { PsRecord, PsValue } from './ps-record.js';
import { csvDate, isObject } from './ps-values.js';

/**
 * Placed export objects of one file → a case fragment, through the topology normalisers: an
 * export object and the same object written in a topology file are read by the same code, and
 * the normalisers record which properties the object carried (given-properties.ts), so merging
 * with the topology fills only what the topology left out.
 */

export interface PlacedRecord {
  record: PsRecord;
  kind: ExportKind;
  /** Properties with live values already converted (ps-values.ts). */
  properties: Record<string, PsValue>;
  placement: Placement;
}

/**
 * The normalisers ask for positions by path in the document they read; here that document is
 * built from export objects, so a path resolves to the export object it runs through.
 */
class ExportNormalizeContext extends NormalizeContext {
  override keepsBookkeeping = false;

  constructor(
    private readonly root: Raw,
    private readonly origins: Map<object, Provenance>,
    private readonly file: string,
  ) {
    super(undefined as unknown as PositionedDocument, [], '.', (displayPath) => ({
      resolvedPath: displayPath,
      report: { file: displayPath, kind: 'certificate', records: 0, skipped: 0, diagnostics: [] },
      certificates: [],
      x509: [],
      error: 'export objects do not name certificate files',
    }));
  }

  override provenance(path: readonly PathSegment[]): Provenance {
    let at: unknown = this.root;
    let found: Provenance = { file: this.file };
    for (const seg of path) {
      if (at === null || typeof at !== 'object') break;
      at = (at as Record<string | number, unknown>)[seg];
      const p = at !== null && typeof at === 'object' ? this.origins.get(at) : undefined;
      if (p) found = p;
    }
    return found;
  }

  override location(path: readonly PathSegment[]): string {
    return formatLocation(this.provenance(path));
  }

  override sourceText(): string | null {
    return null;
  }

  override hasOwnProblem(): boolean {
    return false;
  }
}

export interface MappedFile {
  fragment: Case;
  diagnostics: Diagnostic[];
  /** Objects left out by the normalisers (a repeated name). */
  skipped: number;
}

export function mapRecords(placed: PlacedRecord[], file: string): MappedFile {
  const origins = new Map<object, Provenance>();
  const tenants = new Map<string, Raw>();
  const organizations = new Map<string, Raw>();
  const certificates: Raw[] = [];
  const hybrid: { org: string; config: HybridConfiguration }[] = [];
  const diagnostics: Diagnostic[] = [];

  const holder = (map: Map<string, Raw>, name: string, p: Provenance): Raw => {
    let o = map.get(name.toLowerCase());
    if (!o) {
      o = { Name: name };
      map.set(name.toLowerCase(), o);
      origins.set(o, p);
    }
    return o;
  };
  const push = (owner: Raw, list: string, item: Raw, p: Provenance): void => {
    ((owner[list] ??= []) as Raw[]).push(item);
    origins.set(item, p);
  };

  for (const { record, kind, properties, placement } of placed) {
    const p = record.provenance;
    // The converted properties belong to this record alone (ps-values.ts made them): no copy needed.
    const raw: Raw = properties;
    if (placement.server !== undefined) {
      if (record.shape === 'csv') for (const k of ['NotBefore', 'NotAfter']) raw[k] = csvDate(properties[k] ?? null);
      raw.Server = placement.server;
      certificates.push(raw);
      origins.set(raw, p);
      continue;
    }
    if (placement.tenant !== undefined) {
      const tenant = holder(tenants, placement.tenant, p);
      if (kind === 'InboundConnector') push(tenant, 'InboundConnectors', raw, p);
      else if (kind === 'OutboundConnector') push(tenant, 'OutboundConnectors', raw, p);
      else if (kind === 'JournalRule') push(tenant, 'JournalRules', raw, p);
      else if (kind === 'AcceptedDomain') push(tenant, 'AcceptedDomains', raw, p);
      else if (kind === 'Recipient') push(tenant, 'Recipients', recipient(raw), p);
      // EXO-SEMANTICS M12: kept on the tenant (its `extra`), where the admission checks read them.
      else if (kind === 'BlockedConnector') push(tenant, 'BlockedConnectors', raw, p);
      else if (kind === 'OnPremServerReportInfo') push(tenant, 'OnPremServerReportInfo', raw, p);
      else if (kind === 'OrganizationConfig' && raw.RejectDirectSend !== undefined && raw.RejectDirectSend !== null) tenant.RejectDirectSend = raw.RejectDirectSend;
      else if (kind === 'RemoteDomain') {
        // Tenants have no remote-domain list in the model yet; the object is kept, not lost.
        ((tenant.RemoteDomains ??= []) as Raw[]).push(raw);
      }
      continue;
    }
    const org = holder(organizations, placement.organization, p);
    if (kind === 'SendConnector') push(org, 'SendConnectors', raw, p);
    else if (kind === 'ReceiveConnector') push(org, 'ReceiveConnectors', receiveConnector(raw), p);
    else if (kind === 'AcceptedDomain') push(org, 'AcceptedDomains', raw, p);
    else if (kind === 'RemoteDomain') push(org, 'RemoteDomains', raw, p);
    else if (kind === 'Recipient') push(org, 'Recipients', recipient(raw), p);
    else if (kind === 'ExchangeServer') push(org, 'Servers', exchangeServer(raw), p);
    else if (kind === 'TransportService') push(org, 'Servers', { Name: raw.Name ?? null }, p);
    else if (kind === 'HybridConfiguration') hybrid.push({ org: placement.organization, config: hybridConfiguration(raw, p) });
    else if (kind === 'JournalRule') {
      diagnostics.push({ severity: 'warning', location: formatLocation(p), message: `on-premises journal rule "${String(raw.Name)}" is not used: only Exchange Online journaling is simulated` });
    }
  }

  const root: Raw = { tenants: [...tenants.values()], organizations: [...organizations.values()], certificates };
  const ctx = new ExportNormalizeContext(root, origins, file);
  const fragment = emptyCase();
  fragment.tenants = normalizeTenants(ctx, root);
  fragment.organizations = normalizeOrganizations(ctx, root);
  fragment.certificates = normalizeCertificates(ctx, root).certificates;
  for (const { org, config } of hybrid) {
    const o = fragment.organizations.find((x) => x.Name.toLowerCase() === org.toLowerCase());
    if (o) {
      o.HybridConfiguration = config;
      markGiven(o, ['HybridConfiguration']);
    }
  }
  return { fragment, diagnostics: [...ctx.diagnostics, ...diagnostics], skipped: ctx.skipped };
}

/**
 * A recipient object keeps only what the directory uses (M11): a Get-Mailbox object carries some
 * two hundred properties, and a tenant may list 100 000 of them.
 */
function recipient(raw: Raw): Raw {
  return { PrimarySmtpAddress: raw.PrimarySmtpAddress ?? null, EmailAddresses: raw.EmailAddresses ?? null, RecipientTypeDetails: raw.RecipientTypeDetails ?? null };
}

/** Receive connectors are named per server: `Server`, else the `SERVER\Name` of `Identity`. */
function receiveConnector(raw: Raw): Raw {
  if (raw.Server !== undefined && raw.Server !== null) return raw;
  const id = raw.Identity;
  if (typeof id === 'string' && id.includes('\\')) return { ...raw, Server: id.slice(0, id.indexOf('\\')) };
  return raw;
}

/** Get-ExchangeServer's `ServerRole` (`Mailbox, ClientAccess`, `Edge`, 2010's `HubTransport`) → the model's Role. */
function exchangeServer(raw: Raw): Raw {
  const role = typeof raw.ServerRole === 'string' ? raw.ServerRole : '';
  const version = typeof raw.AdminDisplayVersion === 'string' ? raw.AdminDisplayVersion : '';
  const out: Raw = { ...raw };
  if (/\bEdge/i.test(role) || raw.IsEdgeServer === true || raw.IsEdgeServer === 'True') out.Role = 'Edge';
  else if (/HubTransport/i.test(role) && /Version 14\./.test(version)) out.Role = 'Hub';
  else if (role !== '') out.Role = 'Mailbox';
  return out;
}

function hybridConfiguration(raw: Raw, provenance: Provenance): HybridConfiguration {
  const features = raw.Features;
  const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  return {
    Domains: domainList(raw, 'Domains', []),
    Features: (Array.isArray(features) ? features : typeof features === 'string' ? features.split(',') : [])
      .map((f) => String(isObject(f as PsValue) ? '' : f).trim())
      .filter((f) => f !== ''),
    OnPremisesSmartHost: hostList(raw, 'OnPremisesSmartHost', [])[0] ?? null,
    ReceivingTransportServers: serverNames(raw, 'ReceivingTransportServers'),
    SendingTransportServers: serverNames(raw, 'SendingTransportServers'),
    EdgeTransportServers: serverNames(raw, 'EdgeTransportServers'),
    TlsCertificateName: text(raw.TlsCertificateName),
    provenance,
  };
}

function serverNames(raw: Raw, key: string): string[] {
  const v = raw[key];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  return typeof v === 'string' && v !== '' ? v.split(',').map((s) => s.trim()) : [];
}
