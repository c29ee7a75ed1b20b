import type { AcceptedDomain, InboundConnector, Tenant } from '../model/case.js';
import { exactSpecificity, normalizeCertName, wildcardSpecificity, type CertNameMatch } from './cert-name-match.js';
import { parseIpRange, type IpRange, type ParsedIp } from './ip-address.js';
import { partnerConnectorEntry, type PartnerConnectorEntry } from './partner-connector-decision.js';

/**
 * Indexes every tenant's inbound connectors by what Exchange Online looks them up by
 * (EXO-SEMANTICS M3: certificate name, then source IP), so attribution costs a handful of map
 * lookups per connection instead of a scan over all connectors — a service provider may hold
 * tens of thousands. Disabled connectors are indexed too, so the decision trace can say that a
 * connector would have matched but is disabled.
 */

export interface IndexedConnector extends RelayLineParts {
  tenant: Tenant;
  connector: InboundConnector;
  /** Normalised TlsSenderCertificateName, or null. */
  certificateValue: string | null;
  /** The SenderIPAddresses values Exchange Online accepts: IPv4 addresses and /24–/32 blocks (M3). */
  ranges: IpRange[];
  /**
   * SenderIPAddresses values outside what the parameter accepts (IPv6, prefixes outside /24–/32,
   * `start-end` ranges, unreadable text): ignored by the simulator, reported by
   * `ip-connector-unsupported-range` (EXO-SEMANTICS M3, [NIC]).
   */
  ignoredIpValues: readonly string[];
  /**
   * Enabled and of type OnPremises, read once when the index is built (like the values above): the
   * attribution hot path then never touches the connector object itself.
   */
  activeOnPrem: boolean;
  /** Enabled and of type Partner (M3 step 3), read once like `activeOnPrem`. */
  activePartner: boolean;
  /** Disabled and of type OnPremises: attribution's trace names it (read once like `activeOnPrem`). */
  disabledOnPrem: boolean;
  /** `"name" (type) of tenant` for the attribution trace, built on first use. */
  label: string | null;
  /** The tenant's accepted domains by name (shared by its entries): one lookup per relay decision. */
  domains: ReadonlyMap<string, AcceptedDomain>;
  /**
   * Attribution's step-2 sentences about this connector, around the connection's source IP and
   * MAIL FROM domain (built on first use, explain on): the connection's parts are then joined to
   * one kept piece instead of formatting the whole sentence, and the tenant is not loaded.
   */
  stepTwoMiddle: string | null;
  notSenderMiddle: string | null;
  disabledIpTail: string | null;
}

/**
 * Attribution's relay sentences for one connector matched one way (by IP: kept on its entry; by
 * certificate: on the certificate's lookup), without the RCPT TO and MAIL FROM domains that a
 * connection puts between them. Built on first use (explain on).
 */
export interface RelayLineParts {
  relayHead: string | null;
  relayTail: string | null;
  certDomainRelayTail: string | null;
  refusedHead: string | null;
  refusedTail: string | null;
}

/** EXO-SEMANTICS M3 [NIC]: SenderIPAddresses holds IPv4 addresses and CIDR blocks /24 through /32 only. */
export function isSupportedSenderRange(r: IpRange): boolean {
  return r.family === 4 && r.prefixLength !== null && r.prefixLength >= 24 && r.prefixLength <= 32;
}

export interface CertificateHit {
  entry: IndexedConnector;
  match: CertNameMatch;
  /** The attribution trace's step-1 sentence for this hit, built on first use (hits are memoised). */
  sentence: string | null;
}

const NO_TEXT: string[] = [];
const NO_ENTRIES: IndexedConnector[] = [];
const NO_TENANTS: Tenant[] = [];
const NO_PARTNERS: PartnerConnectorEntry[] = [];

/** What attribution asks about a domain, in one lookup: the tenants accepting it (M3 step 3 takes the first). */
export interface DomainFacts {
  tenants: Tenant[];
  /** tenants[0], kept here to spare a load on the hot path. */
  first: Tenant;
  /** tenants.length > 1, kept here for the same reason. */
  several: boolean;
  /**
   * Attribution's trace lines about this domain and `first`, built on first use: the domain and
   * its tenants never change once the index is built, and the same domains recur across
   * connections (explain on).
   */
  ownSideLine: string | null;
  anonymousLine: string | null;
  severalTenantsLine: string | null;
  /** The Step 3 line naming a Partner connector, for the connector it was built for. */
  partnerLine: string | null;
  partnerLineFor: IndexedConnector | null;
  /** The Step 3 line naming first's OnPremises connector that matched the source IP, for that connector. */
  ownIpLine: string | null;
  ownIpLineFor: IndexedConnector | null;
}

/** The connectors' IPv4 values within one /24: single addresses by last octet, blocks /24–/31 longest first. */
interface Block24 {
  /**
   * Single addresses: last octets and their connectors side by side (a short list of small
   * integers scans without loading an object per address), or past SMALL_BLOCK a 256-slot table.
   */
  exactLows: number[];
  exactEntries: IndexedConnector[][];
  exactByLow: (IndexedConnector[] | undefined)[] | null;
  ranges: { start: number; end: number; prefixLength: number; entry: IndexedConnector; alone: IndexedConnector[] }[];
  /**
   * The ranges flattened once the index is built, in the same order: first and last octet within
   * the /24 (small integers) and a one-entry list per range (shared as a result).
   */
  rangeLows: number[];
  rangeHighs: number[];
  rangeAlone: IndexedConnector[][];
}

/** Blocks with more single addresses than this get a table by last octet (a provider's shared relay /24). */
const SMALL_BLOCK = 8;

function addExact(block: Block24, low: number, entry: IndexedConnector): void {
  let at = block.exactLows.indexOf(low);
  if (at < 0) {
    at = block.exactLows.length;
    block.exactLows.push(low);
    block.exactEntries.push([]);
  }
  const entries = block.exactEntries[at]!;
  if (entries.includes(entry)) return;
  entries.push(entry);
  if (block.exactLows.length > SMALL_BLOCK) {
    block.exactByLow = new Array<IndexedConnector[] | undefined>(256);
    for (let i = 0; i < block.exactLows.length; i++) block.exactByLow[block.exactLows[i]!] = block.exactEntries[i];
  }
}

/** Multiplicative hash of a /24 number into a power-of-two table. */
function slotOf(key: number, mask: number): number {
  return (Math.imul(key, 0x9e3779b1) >>> 8) & mask;
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
  /**
   * IPv4 blocks /24–/31 (with single addresses, all Exchange Online accepts on SenderIPAddresses)
   * by their /24: one lookup per connection. Other values are ignored (M3).
   */
  private readonly v4By24 = new Map<number, Block24>();
  /**
   * The same blocks in an open-addressing table built once the index is complete: per slot two
   * integers side by side, the /24 number + 1 (0 = empty) and where the block starts in v4Data.
   * A miss — most internet sources — costs one typed-array probe, and a hit finds its block's
   * offset on the same cache line.
   */
  private v4Slots: Int32Array = new Int32Array(0);
  /**
   * Every block flattened into one integer array: [E, E last octets of single addresses, R, then
   * first/last octet of each of the R ranges] (E = -1: single addresses in the block's 256-slot
   * table, kept in v4LowTables at the block's offset). v4ListAt holds, at the position of each
   * last octet and of each range's first octet, its connector list. A match then loads these
   * flat arrays and the list, where per-block arrays cost several cache misses per connection.
   */
  private v4Data: Int32Array = new Int32Array(0);
  private v4ListAt: IndexedConnector[][] = [];
  private v4LowTables: ((IndexedConnector[] | undefined)[] | undefined)[] = [];
  private v4Mask = 0;
  /** Enabled, IP-scoped OnPremises connectors per tenant (M3 step 2 when the source IP is unknown). */
  private readonly ipScopedOnPrem = new Map<Tenant, IndexedConnector[]>();
  /** Certificate lookups memoised by the names array: certificates repeat across connections and the index never changes. */
  private readonly certificateHits = new WeakMap<readonly string[], CertificateHit[]>();
  /** Enabled Partner connectors per tenant (M15), in case order; tenants without one have no key. */
  private readonly partnersOfTenant = new Map<Tenant, PartnerConnectorEntry[]>();
  private readonly tenantsByDomain = new Map<string, DomainFacts>();
  private readonly domainsOfTenant = new Map<Tenant, Map<string, AcceptedDomain>>();
  private readonly tenantsByName = new Map<string, Tenant>();

  constructor(tenants: readonly Tenant[]) {
    for (const tenant of tenants) this.addTenant(tenant);
    this.buildV4Table();
  }

  private buildV4Table(): void {
    let size = 16;
    while (size < this.v4By24.size * 2) size *= 2;
    this.v4Slots = new Int32Array(size * 2);
    this.v4Mask = size - 1;
    const data: number[] = [];
    const listAt: IndexedConnector[][] = [];
    const lowTables: ((IndexedConnector[] | undefined)[] | undefined)[] = [];
    for (const [key, block] of this.v4By24) {
      block.rangeLows = block.ranges.map((b) => b.start & 255);
      block.rangeHighs = block.ranges.map((b) => b.end & 255);
      block.rangeAlone = block.ranges.map((b) => b.alone);
      let slot = slotOf(key, this.v4Mask);
      while (this.v4Slots[slot * 2] !== 0) slot = (slot + 1) & this.v4Mask;
      const at = data.length;
      this.v4Slots[slot * 2] = key + 1;
      this.v4Slots[slot * 2 + 1] = at;
      if (block.exactByLow !== null) {
        data.push(-1);
        lowTables[at] = block.exactByLow;
      } else {
        data.push(block.exactLows.length);
        for (let i = 0; i < block.exactLows.length; i++) {
          listAt[data.length] = block.exactEntries[i]!;
          data.push(block.exactLows[i]!);
        }
      }
      data.push(block.rangeLows.length);
      for (let i = 0; i < block.rangeLows.length; i++) {
        listAt[data.length] = block.rangeAlone[i]!;
        data.push(block.rangeLows[i]!, block.rangeHighs[i]!);
      }
    }
    this.v4Data = Int32Array.from(data);
    // Filled densely (an empty list where no list starts) so the array keeps one element kind.
    const lists = new Array<IndexedConnector[]>(data.length);
    for (let i = 0; i < data.length; i++) lists[i] = listAt[i] ?? NO_ENTRIES;
    this.v4ListAt = lists;
    this.v4LowTables = lowTables;
  }

  /** Where the /24's block starts in v4Data, or -1. */
  private offsetOf24(key: number): number {
    const slots = this.v4Slots;
    const mask = this.v4Mask;
    for (let slot = slotOf(key, mask); ; slot = (slot + 1) & mask) {
      const k = slots[slot * 2]!;
      if (k === key + 1) return slots[slot * 2 + 1]!;
      if (k === 0) return -1;
    }
  }

  private addTenant(tenant: Tenant): void {
    this.tenantsByName.set(tenant.Name.toLowerCase(), tenant);
    const domains = new Map<string, AcceptedDomain>();
    for (const d of tenant.AcceptedDomains) {
      domains.set(d.DomainName, d);
      const facts = this.tenantsByDomain.get(d.DomainName);
      if (facts) {
        facts.tenants.push(tenant);
        facts.several = true;
      } else this.tenantsByDomain.set(d.DomainName, {
          // `first` and the lines most connections read with it come first (one cache line).
          first: tenant,
          anonymousLine: null,
          ownSideLine: null,
          several: false,
          tenants: [tenant],
          severalTenantsLine: null,
          partnerLine: null,
          partnerLineFor: null,
          ownIpLine: null,
          ownIpLineFor: null,
        });
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
      for (const r of ranges) {
        // Keyed by the /24 (a small integer, so the map lookup needs no boxed key): every value
        // Exchange Online accepts lies within one /24.
        const start = r.start as number;
        const key = start >>> 8;
        let block = this.v4By24.get(key);
        if (!block) this.v4By24.set(key, (block = { exactLows: [], exactEntries: [], exactByLow: null, ranges: [], rangeLows: [], rangeHighs: [], rangeAlone: [] }));
        if (r.prefixLength === 32) addExact(block, start & 255, entry);
        else {
          // Longest prefix first, then case order: the most specific range decides between connectors of one tenant.
          const item = { start, end: r.end as number, prefixLength: r.prefixLength as number, entry, alone: [entry] };
          let at = block.ranges.length;
          while (at > 0 && block.ranges[at - 1]!.prefixLength < item.prefixLength) at--;
          block.ranges.splice(at, 0, item);
        }
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
    const at = this.offsetOf24(v >>> 8);
    if (at < 0) return NO_ENTRIES;
    const data = this.v4Data;
    const lists = this.v4ListAt;
    const low = v & 255;
    const exactCount = data[at]!;
    let out: IndexedConnector[] | null = null;
    let i = at + 1;
    if (exactCount < 0) out = this.v4LowTables[at]![low] ?? null;
    else {
      // The last octets of a block's single addresses are distinct (addExact): the first equal one is the only one.
      const end = i + exactCount;
      for (; i < end; i++) {
        if (data[i] === low) {
          out = lists[i]!;
          i = end;
          break;
        }
      }
    }
    const stop = i + 1 + 2 * data[i]!;
    let shared = true;
    for (i++; i < stop; i += 2) {
      if (low < data[i]! || low > data[i + 1]!) continue;
      const alone = lists[i]!;
      if (out === null) out = alone;
      else if (!out.includes(alone[0]!)) {
        if (shared) {
          out = out.slice();
          shared = false;
        }
        out.push(alone[0]!);
      }
    }
    return out ?? NO_ENTRIES;
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
    return this.tenantsByDomain.get(domain)?.tenants ?? NO_TENANTS;
  }

  /** The tenants accepting the domain, or undefined. */
  domainFacts(domain: string): DomainFacts | undefined {
    return this.tenantsByDomain.get(domain);
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
