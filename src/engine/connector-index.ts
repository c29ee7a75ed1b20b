import type { AcceptedDomain, Tenant } from '../model/case.js';
import { exactSpecificity, normalizeCertName, wildcardSpecificity, type CertNameMatch } from './cert-name-match.js';
import { DomainTable, type DomainFacts } from './domain-table.js';
import { isSupportedSenderRange, type CertificateHit, type IndexedConnector } from './indexed-connector.js';
import { parseIpRange, type IpRange, type ParsedIp } from './ip-address.js';
import { Ipv4BlockTable } from './ipv4-block-table.js';
import { partnerConnectorEntry, type PartnerConnectorEntry } from './partner-connector-decision.js';

export type { DomainFacts } from './domain-table.js';
export { isSupportedSenderRange, type CertificateHit, type IndexedConnector, type RelayLineParts } from './indexed-connector.js';

/**
 * Indexes every tenant's inbound connectors by what Exchange Online looks them up by
 * (EXO-SEMANTICS M3: certificate name, then source IP), so attribution costs a handful of map
 * lookups per connection instead of a scan over all connectors — a service provider may hold
 * tens of thousands. Disabled connectors are indexed too, so the decision trace can say that a
 * connector would have matched but is disabled.
 */

const NO_TEXT: string[] = [];
const NO_ENTRIES: IndexedConnector[] = [];
const NO_TENANTS: Tenant[] = [];
const NO_PARTNERS: PartnerConnectorEntry[] = [];

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function addHit(hits: CertificateHit[], entry: IndexedConnector, match: CertNameMatch): void {
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    if (h.entry === entry) {
      if (match.specificity > h.match.specificity) hits[i] = { entry, match, sentence: null };
      return;
    }
  }
  hits.push({ entry, match, sentence: null });
}

export class ConnectorIndex {
  readonly entries: IndexedConnector[] = [];
  private readonly exact = new Map<string, IndexedConnector[]>();
  /** Exact values keyed by their parent domain: found by a wildcard certificate `*.parent`. */
  private readonly exactByParent = new Map<string, IndexedConnector[]>();
  /** Wildcard values `*.d` keyed by `d`. */
  private readonly wildcard = new Map<string, IndexedConnector[]>();
  /** Supported IPv4 values (all Exchange Online accepts on SenderIPAddresses); other values are ignored (M3). */
  private readonly v4 = new Ipv4BlockTable();
  /** Enabled, IP-scoped OnPremises connectors per tenant (M3 step 2 when the source IP is unknown). */
  private readonly ipScopedOnPrem = new Map<Tenant, IndexedConnector[]>();
  /** Certificate lookups memoised by the names array: certificates repeat across connections and the index never changes. */
  private readonly certificateHits = new WeakMap<readonly string[], CertificateHit[]>();
  /** Enabled Partner connectors per tenant (M15), in case order; tenants without one have no key. */
  private readonly partnersOfTenant = new Map<Tenant, PartnerConnectorEntry[]>();
  /** Every accepted domain of the case and the tenants accepting it (attribution's hot path reads it by id). */
  readonly domains = new DomainTable();
  private readonly domainsOfTenant = new Map<Tenant, Map<string, AcceptedDomain>>();
  private readonly tenantsByName = new Map<string, Tenant>();

  constructor(tenants: readonly Tenant[]) {
    for (const tenant of tenants) this.addTenant(tenant);
    this.v4.build();
  }

  private addTenant(tenant: Tenant): void {
    this.tenantsByName.set(tenant.Name.toLowerCase(), tenant);
    const domains = new Map<string, AcceptedDomain>();
    for (const d of tenant.AcceptedDomains) {
      domains.set(d.DomainName, d);
      this.domains.add(d.DomainName, tenant);
    }
    this.domainsOfTenant.set(tenant, domains);
    for (const connector of tenant.InboundConnectors) {
      const value = connector.TlsSenderCertificateName ? normalizeCertName(connector.TlsSenderCertificateName) : null;
      const ranges: IpRange[] = [];
      let ignored: string[] | null = null;
      for (const text of connector.SenderIPAddresses) {
        const r = parseIpRange(text);
        if (r && isSupportedSenderRange(r)) ranges.push(r);
        else (ignored ??= []).push(text);
      }
      const activeOnPrem = connector.Enabled && connector.ConnectorType === 'OnPremises';
      const activePartner = connector.Enabled && connector.ConnectorType === 'Partner';
      const entry: IndexedConnector = {
        tenant,
        connector,
        certificateValue: value,
        ranges,
        ignoredIpValues: ignored ?? NO_TEXT,
        activeOnPrem,
        activePartner,
        disabledOnPrem: !connector.Enabled && connector.ConnectorType === 'OnPremises',
        label: null,
        domains,
        stepTwoMiddle: null,
        notSenderMiddle: null,
        disabledIpTail: null,
        relayHead: null,
        relayTail: null,
        certDomainRelayTail: null,
        refusedHead: null,
        refusedTail: null,
      };
      this.entries.push(entry);
      if (ranges.length > 0 && activeOnPrem) push(this.ipScopedOnPrem, tenant, entry);
      if (value) {
        if (value.startsWith('*.')) push(this.wildcard, value.slice(2), entry);
        else {
          push(this.exact, value, entry);
          const dot = value.indexOf('.');
          if (dot > 0) push(this.exactByParent, value.slice(dot + 1), entry);
        }
      }
      if (activePartner) {
        push(this.partnersOfTenant, tenant, partnerConnectorEntry(entry));
      }
      // Every value Exchange Online accepts lies within one /24 (isSupportedSenderRange).
      for (const r of ranges) this.v4.add(r.start as number, r.end as number, r.prefixLength as number, entry);
    }
  }

  /**
   * Every connector (any tenant, enabled or not) whose certificate value matches one of these
   * lower-case names. The returned array is shared (memoised): callers must not change it.
   */
  matchCertificate(names: readonly string[]): readonly CertificateHit[] {
    let hits = this.certificateHits.get(names);
    if (!hits) {
      hits = this.lookUpCertificate(names);
      this.certificateHits.set(names, hits);
    }
    return hits;
  }

  private lookUpCertificate(names: readonly string[]): CertificateHit[] {
    const hits: CertificateHit[] = [];
    for (const n of names) {
      const exact = this.exact.get(n);
      if (exact) for (const e of exact) addHit(hits, e, { kind: 'exact', certName: n, specificity: exactSpecificity(n) });
      let suffix = n;
      if (n.startsWith('*.')) {
        suffix = n.slice(2);
        const parentHits = this.exactByParent.get(suffix);
        if (parentHits) {
          for (const e of parentHits) addHit(hits, e, { kind: 'wildcard-certificate', certName: n, specificity: wildcardSpecificity(suffix) });
        }
      }
      // A value `*.d` matches `d` itself and every name below it.
      for (;;) {
        const w = this.wildcard.get(suffix);
        if (w) for (const e of w) addHit(hits, e, { kind: 'wildcard-value', certName: n, specificity: wildcardSpecificity(suffix) });
        const dot = suffix.indexOf('.');
        if (dot < 0) break;
        suffix = suffix.slice(dot + 1);
      }
    }
    return hits;
  }

  /**
   * Every connector (any tenant, enabled or not) whose supported SenderIPAddresses contain the
   * address, most specific range first. An IPv6 source never matches (M3, [NIC]). The returned
   * array may be shared: callers must not change it.
   */
  matchIp(ip: ParsedIp): IndexedConnector[] {
    return ip.family === 4 ? this.matchIpv4(ip.value as number) : NO_ENTRIES;
  }

  /** matchIp for an IPv4 address as an unsigned 32-bit number; allocates only when several ranges match. */
  matchIpv4(v: number): IndexedConnector[] {
    return this.v4.match(v);
  }

  /** The tenant's Enabled OnPremises connectors scoped by at least one supported IP value. */
  ipScopedOnPremConnectors(tenant: Tenant): readonly IndexedConnector[] {
    return this.ipScopedOnPrem.get(tenant) ?? NO_ENTRIES;
  }

  /** The tenant's enabled Partner connectors (M15), or a shared empty list. */
  partnerConnectors(tenant: Tenant): readonly PartnerConnectorEntry[] {
    return this.partnersOfTenant.get(tenant) ?? NO_PARTNERS;
  }

  tenantsAccepting(domain: string): readonly Tenant[] {
    return this.domains.facts(domain)?.tenants ?? NO_TENANTS;
  }

  /** The tenants accepting the domain, or undefined. */
  domainFacts(domain: string): DomainFacts | undefined {
    return this.domains.facts(domain);
  }

  acceptedDomain(tenant: Tenant, domain: string): AcceptedDomain | undefined {
    return this.domainsOfTenant.get(tenant)?.get(domain);
  }

  /**
   * EXO-SEMANTICS M3 certificate-domain test [KB4019940]: the certificate name itself, or its
   * immediate parent (`*.d` → d), must be an accepted domain of the tenant; a grandparent never
   * counts. Returns the accepted domain that passed, or null.
   */
  certificateDomain(tenant: Tenant, name: string): string | null {
    const domains = this.domainsOfTenant.get(tenant);
    if (!domains) return null;
    if (name.startsWith('*.')) {
      const d = name.slice(2);
      return domains.has(d) ? d : null;
    }
    if (domains.has(name)) return name;
    const dot = name.indexOf('.');
    if (dot < 0) return null;
    const parent = name.slice(dot + 1);
    return domains.has(parent) ? parent : null;
  }

  /** Any accepted domain of the tenant equal to or above a certificate name (`*.d` from d up). */
  acceptedDomainCovering(tenant: Tenant, name: string): string | null {
    const domains = this.domainsOfTenant.get(tenant);
    if (!domains) return null;
    let d = name.startsWith('*.') ? name.slice(2) : name;
    for (;;) {
      if (domains.has(d)) return d;
      const dot = d.indexOf('.');
      if (dot < 0) return null;
      d = d.slice(dot + 1);
    }
  }

  tenantByName(name: string): Tenant | undefined {
    return this.tenantsByName.get(name.toLowerCase());
  }
}
