import type { Case } from '../model/case.js';
import { commonNameOf, type Certificate } from '../model/certificate.js';
import { inlineCertificateTrust } from './certificate/read-certificate.js';
import { givenProperties, markGiven, wasGiven } from '../model/given-properties.js';

/**
 * Merging inputs into one case (CONTRACT.md): objects of the same kind and name in the same
 * tenant or organization merge property by property. The object read first keeps every value it
 * was given; a later one only fills properties the first left out. Names compare case-insensitively,
 * as Exchange compares them.
 */

type Obj = Record<string, unknown> & { extra?: Record<string, unknown> };

/** How the items of a nested list are identified. */
type NestedLists = Record<string, (o: Obj) => string>;

const NESTED_LISTS: { tenant: NestedLists; organization: NestedLists; gateway: NestedLists } = {
  tenant: {
    AcceptedDomains: (o) => String(o.DomainName),
    InboundConnectors: byName,
    OutboundConnectors: byName,
    JournalRules: byName,
    Recipients: (o) => String(o.PrimarySmtpAddress),
  },
  organization: {
    AcceptedDomains: (o) => String(o.DomainName),
    Servers: byName,
    SendConnectors: byName,
    ReceiveConnectors: (o) => (o.Server ? `${String(o.Server)}\\${String(o.Name)}` : String(o.Name)),
    RemoteDomains: byName,
    Recipients: (o) => String(o.PrimarySmtpAddress),
  },
  gateway: { Nodes: byName, Routes: byName },
};

function byName(o: Obj): string {
  return String(o.Name);
}

/**
 * Merges many inputs into one case with one name index per list, kept across inputs, so a case of
 * thousands of files costs one lookup per object rather than a re-index per file. Certificates are
 * collected and merged once, in input order, by `finish()`.
 */
export class CaseMerger {
  private readonly indexes = { tenants: new Map<string, Obj>(), organizations: new Map<string, Obj>(), gateways: new Map<string, Obj>() };
  private readonly certificates: Certificate[] = [];

  constructor(readonly target: Case) {
    for (const kind of ['tenants', 'organizations', 'gateways'] as const) {
      for (const o of target[kind] as unknown as Obj[]) this.indexes[kind].set(byName(o).toLowerCase(), o);
    }
    this.certificates.push(...target.certificates);
  }

  add(source: Case): void {
    const t = this.target;
    mergeIndexedList(t.tenants as unknown as Obj[], this.indexes.tenants, source.tenants as unknown as Obj[], byName, NESTED_LISTS.tenant);
    mergeIndexedList(t.organizations as unknown as Obj[], this.indexes.organizations, source.organizations as unknown as Obj[], byName, NESTED_LISTS.organization);
    mergeIndexedList(t.gateways as unknown as Obj[], this.indexes.gateways, source.gateways as unknown as Obj[], byName, NESTED_LISTS.gateway);
    this.certificates.push(...source.certificates);
    for (const kind of ['MX', 'A'] as const) {
      for (const [k, v] of Object.entries(source.dns[kind])) if (!(k in t.dns[kind])) t.dns[kind][k] = v;
    }
    for (const f of source.flows) t.flows.push(f);
    for (const r of source.inputs) t.inputs.push(r);
  }

  addCertificates(certificates: readonly Certificate[]): void {
    this.certificates.push(...certificates);
  }

  /**
   * What was added so far as one case to add to another merger, certificates not yet merged
   * (finish() merges them once, in input order, where the whole case is known).
   */
  unfinished(): Case {
    return { ...this.target, certificates: [...this.certificates] };
  }

  finish(): Case {
    this.target.certificates = mergeCertificates(this.certificates);
    return this.target;
  }
}

export function mergeCaseInto(target: Case, source: Case): void {
  const merger = new CaseMerger(target);
  merger.add(source);
  merger.finish();
}

function mergeIndexedList(target: Obj[], index: Map<string, Obj>, source: Obj[], key: (o: Obj) => string, nested: Record<string, (o: Obj) => string>): void {
  for (const item of source) {
    const k = key(item).toLowerCase();
    const existing = index.get(k);
    if (!existing) {
      target.push(item);
      index.set(k, item);
      continue;
    }
    mergeObject(existing, item, nested);
  }
}

function mergeNamedList(target: Obj[], source: Obj[], key: (o: Obj) => string, nested: Record<string, (o: Obj) => string> = {}): void {
  // Nothing to add: no index to build (a tenant's files each bring its other lists empty).
  if (source.length === 0) return;
  mergeIndexedList(target, new Map(target.map((o) => [key(o).toLowerCase(), o])), source, key, nested);
}

function mergeObject(target: Obj, source: Obj, nested: Record<string, (o: Obj) => string>): void {
  const filled: string[] = [];
  const sourceGiven = givenProperties(source);
  // for…in over own data properties (the model's plain objects) rather than an entries array per merge.
  for (const k in source) {
    if (!Object.hasOwn(source, k) || k === 'provenance' || k === 'extra' || k in nested) continue;
    const v = source[k];
    const given = sourceGiven === undefined ? v !== null : sourceGiven.has(k);
    if (!wasGiven(target, k) && given) {
      target[k] = v;
      filled.push(k);
    }
  }
  markGiven(target, filled);
  if (source.extra && target.extra) {
    for (const k in source.extra) if (Object.hasOwn(source.extra, k) && !(k in target.extra)) target.extra[k] = source.extra[k];
  }
  for (const list in nested) {
    const key = nested[list]!;
    if (Array.isArray(target[list]) && Array.isArray(source[list])) mergeNamedList(target[list] as Obj[], source[list] as Obj[], key);
    // A list only some inputs carry (Recipients, M11: absent ≠ empty) comes from the first that has it.
    else if (target[list] === undefined && Array.isArray(source[list])) target[list] = source[list];
  }
  applyDerivedDefaults(target);
}

/**
 * Defaults that depend on another property (no smart hosts → MX / DNS routing) are re-derived
 * after a merge, unless written: a later input may have supplied the smart hosts.
 */
function applyDerivedDefaults(o: Obj): void {
  const hosts = Array.isArray(o.SmartHosts) ? o.SmartHosts.length : 0;
  if ('UseMXRecord' in o && !wasGiven(o, 'UseMXRecord')) o.UseMXRecord = hosts === 0;
  if ('DNSRoutingEnabled' in o && !wasGiven(o, 'DNSRoutingEnabled')) o.DNSRoutingEnabled = hosts === 0;
}

/** What only an inline description (Get-ExchangeCertificate) knows, as opposed to the certificate itself. */
const INSTALLATION_FIELDS = ['HasPrivateKey', 'Services', 'RootCAType', 'Status', 'Server'] as const;

/**
 * One certificate per thumbprint. When a certificate comes both as a file and inline, the file
 * decides what the certificate says (names, dates, trust: CONTRACT "a certificate given as a
 * file is judged from the file itself"), and the inline description adds how it is installed.
 */
export function mergeCertificates(certificates: Certificate[]): Certificate[] {
  const out: Certificate[] = [];
  const index = new Map<string, number>();
  for (const cert of certificates) {
    const at = index.get(cert.Thumbprint);
    if (at === undefined || cert.Thumbprint === '') {
      index.set(cert.Thumbprint, out.length);
      out.push(cert);
      continue;
    }
    const first = out[at] as Certificate;
    if (first.File === null && cert.File !== null) {
      out[at] = withInstallation(cert, first);
    } else if (first.File !== null && cert.File === null) {
      out[at] = withInstallation(first, cert);
    } else if (first.File === null) {
      mergeObject(first as unknown as Obj, cert as unknown as Obj, {});
      rederiveInline(first);
    }
  }
  return out;
}

/** Names and trust of an inline certificate follow from properties a merge may have filled. */
function rederiveInline(cert: Certificate): void {
  cert.commonName = cert.Subject ? commonNameOf(cert.Subject) : null;
  cert.names = [...new Set([...(cert.commonName ? [cert.commonName] : []), ...cert.CertificateDomains].map((n) => n.toLowerCase()))];
  cert.trust = inlineCertificateTrust(cert);
}

function withInstallation(fromFile: Certificate, inline: Certificate): Certificate {
  const merged: Certificate = { ...fromFile, extra: { ...inline.extra, ...fromFile.extra } };
  for (const k of INSTALLATION_FIELDS) if (merged[k] === null && inline[k] !== null) (merged as unknown as Obj)[k] = inline[k];
  return merged;
}
