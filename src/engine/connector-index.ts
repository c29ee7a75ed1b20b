import type { AcceptedDomain, InboundConnector, Tenant } from '../model/case.js';
import { exactSpecificity, normalizeCertName, wildcardSpecificity, type CertNameMatch } from './cert-name-match.js';
import { parseIpRange, type IpRange, type ParsedIp } from './ip-address.js';

/**
 * Indexes every tenant's inbound connectors by what Exchange Online looks them up by
 * (EXO-SEMANTICS M3: certificate name, then source IP), so attribution costs a handful of map
 * lookups per connection instead of a scan over all connectors — a service provider may hold
 * tens of thousands. Disabled connectors are indexed too, so the decision trace can say that a
 * connector would have matched but is disabled.
 */

export interface IndexedConnector {
  tenant: Tenant;
  connector: InboundConnector;
  /** Normalised TlsSenderCertificateName, or null. */
  certificateValue: string | null;
  ranges: IpRange[];
}

export interface RestrictingPartner {
  connector: InboundConnector;
  /** Lower-case domain patterns (`*`, `*.d`, `d`). */
  senderDomains: string[];
}

export interface CertificateHit {
  entry: IndexedConnector;
  match: CertNameMatch;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function addHit(hits: CertificateHit[], entry: IndexedConnector, match: CertNameMatch): void {
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    if (h.entry === entry) {
      if (match.specificity > h.match.specificity) hits[i] = { entry, match };
      return;
    }
  }
  hits.push({ entry, match });
}

export class ConnectorIndex {
  readonly entries: IndexedConnector[] = [];
  private readonly exact = new Map<string, IndexedConnector[]>();
  /** Exact values keyed by their parent domain: found by a wildcard certificate `*.parent`. */
  private readonly exactByParent = new Map<string, IndexedConnector[]>();
  /** Wildcard values `*.d` keyed by `d`. */
  private readonly wildcard = new Map<string, IndexedConnector[]>();
  /**
   * IPv4 blocks of /24 or longer (all Exchange Online accepts on SenderIPAddresses) by their /24:
   * one lookup per connection. Shorter prefixes (from hand-written cases) by prefix length.
   */
  private readonly v4By24 = new Map<number, { start: number; end: number; prefixLength: number; entry: IndexedConnector }[]>();
  private readonly v4Exact = new Map<number, IndexedConnector[]>();
  private readonly v4ByPrefix = new Map<number, Map<number, IndexedConnector[]>>();
  private v4PrefixLengths: number[] = [];
  /** Certificate lookups memoised by the names array: certificates repeat across connections and the index never changes. */
  private readonly certificateHits = new WeakMap<readonly string[], CertificateHit[]>();
  /** Partner connectors that restrict sender domains to their certificate or IPs, per tenant, with those domains normalised once. */
  private readonly restrictedPartners = new Map<Tenant, RestrictingPartner[]>();
  /** IPv6 ranges and `start-end` ranges: rare, scanned. */
  private readonly otherRanges: { range: IpRange; entry: IndexedConnector }[] = [];
  private readonly tenantsByDomain = new Map<string, Tenant[]>();
  private readonly domainsOfTenant = new Map<Tenant, Map<string, AcceptedDomain>>();
  private readonly tenantsByName = new Map<string, Tenant>();

  constructor(tenants: readonly Tenant[]) {
    for (const tenant of tenants) this.addTenant(tenant);
    this.v4PrefixLengths = [...this.v4ByPrefix.keys()].sort((a, b) => b - a);
  }

  private addTenant(tenant: Tenant): void {
    this.tenantsByName.set(tenant.Name.toLowerCase(), tenant);
    const domains = new Map<string, AcceptedDomain>();
    for (const d of tenant.AcceptedDomains) {
      domains.set(d.DomainName, d);
      push(this.tenantsByDomain, d.DomainName, tenant);
    }
    this.domainsOfTenant.set(tenant, domains);
    for (const connector of tenant.InboundConnectors) {
      const value = connector.TlsSenderCertificateName ? normalizeCertName(connector.TlsSenderCertificateName) : null;
      const ranges: IpRange[] = [];
      for (const text of connector.SenderIPAddresses) {
        const r = parseIpRange(text);
        if (r) ranges.push(r);
      }
      const entry: IndexedConnector = { tenant, connector, certificateValue: value, ranges };
      this.entries.push(entry);
      if (value) {
        if (value.startsWith('*.')) push(this.wildcard, value.slice(2), entry);
        else {
          push(this.exact, value, entry);
          const dot = value.indexOf('.');
          if (dot > 0) push(this.exactByParent, value.slice(dot + 1), entry);
        }
      }
      if (connector.ConnectorType === 'Partner' && (connector.RestrictDomainsToCertificate || connector.RestrictDomainsToIPAddresses)) {
        // SenderDomains may still carry the `smtp:…;1` address-space wrapping (exports, what-if).
        const senderDomains = connector.SenderDomains.map((d) => d.toLowerCase().replace(/^smtp:/, '').replace(/;\d+$/, ''));
        push(this.restrictedPartners, tenant, { connector, senderDomains });
      }
      for (const r of ranges) {
        if (r.family === 4 && r.prefixLength === 32) {
          // Single addresses by address: a provider's shared relay /24 may hold thousands of them.
          push(this.v4Exact, r.start as number, entry);
        } else if (r.family === 4 && r.prefixLength !== null && r.prefixLength >= 24) {
          // Longest prefix first within the bucket, as the per-length lookup orders them: the most
          // specific range decides between connectors of one tenant.
          const key = (r.start as number) >>> 8;
          const bucket = this.v4By24.get(key) ?? [];
          const item = { start: r.start as number, end: r.end as number, prefixLength: r.prefixLength, entry };
          let at = bucket.length;
          while (at > 0 && bucket[at - 1]!.prefixLength < r.prefixLength) at--;
          bucket.splice(at, 0, item);
          this.v4By24.set(key, bucket);
        } else if (r.family === 4 && r.prefixLength !== null) {
          let byNet = this.v4ByPrefix.get(r.prefixLength);
          if (!byNet) this.v4ByPrefix.set(r.prefixLength, (byNet = new Map()));
          push(byNet, r.start as number, entry);
        } else this.otherRanges.push({ range: r, entry });
      }
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

  /** Every connector (any tenant, enabled or not) whose SenderIPAddresses contain the address. */
  matchIp(ip: ParsedIp): IndexedConnector[] {
    const out: IndexedConnector[] = [];
    if (ip.family === 4) {
      const v = ip.value as number;
      const exact = this.v4Exact.get(v);
      if (exact) for (const e of exact) if (!out.includes(e)) out.push(e);
      const bucket = this.v4By24.get(v >>> 8);
      if (bucket) for (const b of bucket) if (v >= b.start && v <= b.end && !out.includes(b.entry)) out.push(b.entry);
      for (const len of this.v4PrefixLengths) {
        const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
        const hit = this.v4ByPrefix.get(len)!.get((v & mask) >>> 0);
        if (hit) for (const e of hit) if (!out.includes(e)) out.push(e);
      }
    }
    for (const { range, entry } of this.otherRanges) {
      if (range.family === ip.family && ip.value >= range.start && ip.value <= range.end && !out.includes(entry)) out.push(entry);
    }
    return out;
  }

  partnerConnectorsRestricting(tenant: Tenant): readonly RestrictingPartner[] {
    return this.restrictedPartners.get(tenant) ?? [];
  }

  tenantsAccepting(domain: string): readonly Tenant[] {
    return this.tenantsByDomain.get(domain) ?? [];
  }

  acceptedDomain(tenant: Tenant, domain: string): AcceptedDomain | undefined {
    return this.domainsOfTenant.get(tenant)?.get(domain);
  }

  /** EXO-SEMANTICS M4 [model]: a certificate name under (or equal to) an accepted domain counts as that domain. */
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
