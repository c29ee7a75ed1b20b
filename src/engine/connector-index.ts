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

let nextIndexSerial = 0;
const NO_TEXT: string[] = [];
/** Shared by the connectors without a supported IPv4 value (most certificate-scoped ones). */
const NO_RANGES: IpRange[] = [];
const NO_ENTRIES: IndexedConnector[] = [];
const NO_TENANTS: Tenant[] = [];
const NO_PARTNERS: PartnerConnectorEntry[] = [];
const NO_HITS: CertificateHit[] = [];

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Replaces each list grown by push() (room for ~17 items) with an exact copy: the index keeps them for the case's lifetime. */
function trimLists<K, V>(map: Map<K, V[]>): void {
  for (const [key, list] of map) if (list.length > 1) map.set(key, list.slice());
}

/** A shared empty list for an empty one: a Partner connector rarely lists AssociatedAcceptedDomains or TrustedOrganizations. */
function shareEmpty(list: readonly string[]): readonly string[] {
  return list.length === 0 ? NO_TEXT : list;
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
  /** Tells indexes apart where a reference would keep one alive (CertificateLookup). */
  readonly serial = nextIndexSerial++;
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
  private readonly tenantsByName = new Map<string, Tenant>();

  constructor(tenants: readonly Tenant[]) {
    for (const tenant of tenants) this.addTenant(tenant);
    this.v4.build();
    this.domains.trim();
    for (const lists of [this.exact, this.exactByParent, this.wildcard, this.ipScopedOnPrem, this.partnersOfTenant]) trimLists(lists as Map<unknown, unknown[]>);
  }

  private addTenant(tenant: Tenant): void {
    this.tenantsByName.set(tenant.Name.toLowerCase(), tenant);
    for (const d of tenant.AcceptedDomains) this.domains.add(d, tenant);
    for (const connector of tenant.InboundConnectors) {
      const value = connector.TlsSenderCertificateName ? normalizeCertName(connector.TlsSenderCertificateName) : null;
      let ranges: IpRange[] = NO_RANGES;
      let ignored: string[] | null = null;
      for (const text of connector.SenderIPAddresses) {
        const r = parseIpRange(text);
        // Lists grow by concat (exact length) rather than push (room for ~17): most hold one value.
        if (r && isSupportedSenderRange(r)) ranges = ranges.concat(r);
        else ignored = ignored === null ? [text] : ignored.concat(text);
      }
      const activeOnPrem = connector.Enabled && connector.ConnectorType === 'OnPremises';
      const activePartner = connector.Enabled && connector.ConnectorType === 'Partner';
      // What an IP match reads comes first: the decision's fields, then the explain lines of the
      // most frequent IP matches (step 2, relay), within the object's first cache lines.
      const entry: IndexedConnector = {
        tenant,
        connector,
        activeOnPrem,
        activePartner,
        disabledOnPrem: !connector.Enabled && connector.ConnectorType === 'OnPremises',
        stepTwoMiddle: null,
        relayHead: null,
        relayTail: null,
        certificateValue: value,
        ranges,
        ignoredIpValues: ignored ?? NO_TEXT,
        label: null,
        notSenderMiddle: null,
        disabledIpTail: null,
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
        const partner = partnerConnectorEntry(entry);
        partner.associatedDomains = shareEmpty(partner.associatedDomains);
        partner.trustedOrganizations = shareEmpty(partner.trustedOrganizations);
        push(this.partnersOfTenant, tenant, partner);
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
      const found = this.lookUpCertificate(names);
      // Kept at its exact length (a list grown by push() keeps room for ~17 hits), or shared when empty.
      hits = found.length === 0 ? NO_HITS : found.slice();
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
    return this.domains.acceptedBy(this.domains.idOf(domain), tenant);
  }

  /**
   * EXO-SEMANTICS M3 certificate-domain test [KB4019940]: the certificate name itself, or its
   * immediate parent (`*.d` → d), must be an accepted domain of the tenant; a grandparent never
   * counts. Returns the accepted domain that passed, or null.
   */
  certificateDomain(tenant: Tenant, name: string): string | null {
    if (name.startsWith('*.')) {
      const d = name.slice(2);
      return this.accepts(tenant, d) ? d : null;
    }
    if (this.accepts(tenant, name)) return name;
    const dot = name.indexOf('.');
    if (dot < 0) return null;
    const parent = name.slice(dot + 1);
    return this.accepts(tenant, parent) ? parent : null;
  }

  /** Whether the tenant lists the domain among its accepted domains. */
  private accepts(tenant: Tenant, domain: string): boolean {
    return this.domains.accepts(this.domains.idOf(domain), tenant);
  }

  /** Any accepted domain of the tenant equal to or above a certificate name (`*.d` from d up). */
  acceptedDomainCovering(tenant: Tenant, name: string): string | null {
    let d = name.startsWith('*.') ? name.slice(2) : name;
    for (;;) {
      if (this.accepts(tenant, d)) return d;
      const dot = d.indexOf('.');
      if (dot < 0) return null;
      d = d.slice(dot + 1);
    }
  }

  tenantByName(name: string): Tenant | undefined {
    return this.tenantsByName.get(name.toLowerCase());
  }
}
