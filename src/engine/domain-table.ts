import type { AcceptedDomain, Tenant } from '../model/case.js';
import type { IndexedConnector } from './indexed-connector.js';

/** What attribution asks about a domain, in one lookup: the tenants accepting it (M3 step 3 takes the first). */
export interface DomainFacts {
  tenants: Tenant[];
  /** tenants[0], kept here to spare a load on the hot path. */
  first: Tenant;
  /** tenants.length > 1, kept here for the same reason. */
  several: boolean;
  /**
   * Attribution's less frequent trace lines about this domain and `first`, built on first use: the
   * domain and its tenants never change once the index is built, and the same domains recur across
   * connections (explain on). The two most frequent ones are kept in the table itself (keptLine).
   */
  severalTenantsLine: string | null;
  /** The Step 3 line naming a Partner connector, for the connector it was built for. */
  partnerLine: string | null;
  partnerLineFor: IndexedConnector | null;
  /** The Step 3 line naming first's OnPremises connector that matched the source IP, for that connector. */
  ownIpLine: string | null;
  ownIpLineFor: IndexedConnector | null;
}

/** DomainTable's slots per domain, and their order. */
const SLOTS = 4;
const FIRST_TENANT = 0;
const SEVERAL = 1;
/** The trace lines a DomainTable keeps per domain, about its first tenant: their slots. */
export const ANONYMOUS_LINE = 2;
export const OWN_SIDE_LINE = 3;
export type DomainLine = typeof ANONYMOUS_LINE | typeof OWN_SIDE_LINE;

/**
 * Every accepted domain of the case, numbered. Attribution looks a connection's RCPT TO and MAIL
 * FROM domains up once or twice per connection: the map answers with a small integer (no object
 * to load), and the decision — which tenant comes first, whether several accept the domain —
 * reads one dense array indexed by it (`slots`), which stays in cache where 10,000s of DomainFacts
 * objects would each cost a cache miss. The facts objects are read only for the rarer trace lines
 * and for the rare domain that several tenants accept.
 */
export class DomainTable {
  /**
   * Domain name → id, in a prototype-less object used as a dictionary rather than a Map: a
   * property lookup internalizes the connection's domain string once (later lookups of the same
   * string object go straight to the table and compare pointers), where a Map compares the
   * characters of a different but equal key string on every lookup — parsed input never shares
   * the case's string objects. About twice as fast per lookup over 10,000s of domains.
   */
  private readonly ids: Record<string, number> = Object.create(null) as Record<string, number>;
  /**
   * By id, SLOTS entries side by side: the first tenant accepting the domain (FIRST_TENANT), 1
   * when several tenants accept it else 0 (SEVERAL), and attribution's two most frequent trace
   * lines about it (ANONYMOUS_LINE, OWN_SIDE_LINE; null until built). Side by side, a domain's
   * slots share one cache line: the decision reads the first tenant, and explain on then finds
   * its line there, where a facts object of its own costs two more cache misses per connection
   * across 10,000s of domains (measured: most of explain on's extra cost for inbound mail).
   */
  private slots: (Tenant | number | string | null)[] = [];
  /**
   * By id: the facts object, built on first use (null until then): most domains are only ever
   * read through `slots`, and 10,000s of objects would stay alive with the case. A
   * domain several tenants accept gets its facts when its second tenant is added (`tenants`).
   */
  private factsById: (DomainFacts | null)[] = [];
  /**
   * By id: the first tenant's AcceptedDomain object; the other tenants' (rare: a domain several
   * tenants accept) by id then tenant. One table for the case instead of a Map per tenant.
   * A tenant listing a domain twice keeps its last entry.
   */
  private firstAccepted: AcceptedDomain[] = [];
  private readonly otherAccepted = new Map<number, Map<Tenant, AcceptedDomain>>();

  add(accepted: AcceptedDomain, tenant: Tenant): void {
    const domain = accepted.DomainName;
    const id = this.ids[domain];
    if (id !== undefined) {
      if (this.firstTenant(id) === tenant) this.firstAccepted[id] = accepted;
      else {
        let others = this.otherAccepted.get(id);
        if (others === undefined) this.otherAccepted.set(id, (others = new Map()));
        others.set(tenant, accepted);
      }
      const facts = this.factsOf(id);
      facts.tenants.push(tenant);
      facts.several = true;
      this.slots[id * SLOTS + SEVERAL] = 1;
      return;
    }
    this.ids[domain] = this.factsById.length;
    this.slots.push(tenant, 0, null, null);
    this.firstAccepted.push(accepted);
    this.factsById.push(null);
  }

  /**
   * Called once the last domain is added: the by-id lists, grown by push() (room for up to half as
   * much again), are replaced with exact copies, since the table lives as long as the case.
   * factsById gets filled in place later, and a copy of exact length keeps that possible.
   */
  trim(): void {
    this.slots = this.slots.slice();
    this.firstAccepted = this.firstAccepted.slice();
    this.factsById = this.factsById.slice();
  }

  /** The facts of the domain `id` while only its first tenant accepts it. */
  private newFacts(id: number): DomainFacts {
    const tenant = this.firstTenant(id);
    const facts: DomainFacts = {
      first: tenant,
      several: false,
      tenants: [tenant],
      severalTenantsLine: null,
      partnerLine: null,
      partnerLineFor: null,
      ownIpLine: null,
      ownIpLineFor: null,
    };
    this.factsById[id] = facts;
    return facts;
  }

  /** The domain's id, or -1 when no tenant accepts it. */
  idOf(domain: string): number {
    const id = this.ids[domain];
    return id === undefined ? -1 : id;
  }

  /** The first tenant accepting the domain `id` (≥ 0). */
  firstTenant(id: number): Tenant {
    return this.slots[id * SLOTS + FIRST_TENANT] as Tenant;
  }

  /** Whether several tenants accept the domain `id` (≥ 0). */
  several(id: number): boolean {
    return this.slots[id * SLOTS + SEVERAL] === 1;
  }

  /** Attribution's trace line `slot` about the domain `id` (≥ 0) and its first tenant, or null until kept. */
  keptLine(id: number, slot: DomainLine): string | null {
    return this.slots[id * SLOTS + slot] as string | null;
  }

  /** Keeps the line for keptLine (the domain and its first tenant never change): returns it. */
  keepLine(id: number, slot: DomainLine, line: string): string {
    this.slots[id * SLOTS + slot] = line;
    return line;
  }

  /** Whether the tenant accepts the domain `id` (-1: no tenant does). */
  accepts(id: number, tenant: Tenant): boolean {
    if (id < 0) return false;
    // A domain several tenants accept has had its facts since its second tenant was added.
    const at = id * SLOTS;
    return this.slots[at + FIRST_TENANT] === tenant || (this.slots[at + SEVERAL] === 1 && this.factsById[id]!.tenants.includes(tenant));
  }

  /** The tenant's AcceptedDomain entry for the domain `id` (-1: no tenant accepts it), or undefined. */
  acceptedBy(id: number, tenant: Tenant): AcceptedDomain | undefined {
    if (id < 0) return undefined;
    if (this.firstTenant(id) === tenant) return this.firstAccepted[id];
    return this.slots[id * SLOTS + SEVERAL] === 1 ? this.otherAccepted.get(id)?.get(tenant) : undefined;
  }

  /** The facts of the domain `id` (≥ 0). */
  factsOf(id: number): DomainFacts {
    const facts = this.factsById[id];
    return facts ? facts : this.newFacts(id);
  }

  /** The facts of the domain, or undefined when no tenant accepts it. */
  facts(domain: string): DomainFacts | undefined {
    const id = this.ids[domain];
    return id === undefined ? undefined : this.factsOf(id);
  }
}
