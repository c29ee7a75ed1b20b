import type { InboundConnector, Tenant } from '../model/case.js';
import { certificateLabel, type Certificate } from '../model/certificate.js';
import { certificateProblem } from './certificate-usability.js';
import type { CertificateHit, ConnectorIndex, IndexedConnector, RelayLineParts } from './connector-index.js';

/**
 * Step 1 of EXO-SEMANTICS M3 for one certificate, decided once and kept on the certificate:
 * which connectors its names match, whether it is usable, the winner by specificity, the other
 * tenants that match too, and the explain lines that depend on nothing but the certificate and
 * the index (inbound-attribution.ts reads them per connection).
 */

/** Shared empty lists: most answers have no competing tenant and no Partner hit, and nothing is allocated for them. */
export const NO_TENANTS: Tenant[] = [];
export const NO_ENTRIES: IndexedConnector[] = [];
/** Every answer without lines (explain off, and most answers' assumptions): frozen, since it is shared. */
export const NO_TEXT: readonly string[] = Object.freeze([]);

export function isActiveOnPrem(e: IndexedConnector): boolean {
  return e.activeOnPrem;
}

/** The relay sentences' parts (RelayLineParts) are kept here for the winner matched by certificate. */
export interface CertificateLookup extends RelayLineParts {
  /**
   * The index the lookup was made with, by its serial number: the lookup stays on the certificate
   * for the rest of the run, and a reference would keep the whole index (every connector's entry,
   * the domain and address tables) alive after the simulation has let it go.
   */
  indexSerial: number;
  /**
   * The time the verdict holds for (Date.getTime()), split into two small integers: stored in the
   * object itself, where one number field would point to a separate boxed number — one more cache
   * miss per connection.
   */
  atHigh: number;
  atLow: number;
  hits: readonly CertificateHit[];
  /** hits.length, read without loading the hits array. */
  hitCount: number;
  problem: string | null;
  /** Step 1's winner: the first active hit of the highest specificity, or null. */
  best: CertificateHit | null;
  /** Other tenants whose active OnPremises connectors match too (M3, unsupported). */
  competing: Tenant[];
  /** The M3 certificate-domain test for the winner's tenant and matched name [KB4019940]. */
  bestCertDomain: string | null;
  /**
   * Tenants with an enabled Partner connector among the hits, and that connector (the first hit
   * of each tenant), side by side: step 3 then compares tenant pointers without loading hits.
   */
  partnerTenants: Tenant[];
  partnerEntries: IndexedConnector[];
  /**
   * The winner's entry, tenant, connector and matched name read out of `best` once: a connection
   * then loads this one object instead of the hit, its match and its entry (each a cache miss
   * across 10,000 tenants).
   */
  bestEntry: IndexedConnector | null;
  bestTenant: Tenant | null;
  bestConnector: InboundConnector | null;
  bestCertName: string | null;
  /** Trace lines that depend only on the certificate and the index, built on first use (explain on). */
  disabledLines: readonly string[] | null;
  /**
   * Step 1's sentence about the winner, and whether the winner matched by a wildcard (an
   * assumption then): kept here so that explain on does not load the hit and its match either.
   */
  stepOneLine: string | null;
  bestIsWildcard: boolean;
  problemLine: string | null;
  competingLine: string | null;
  /** fromOnPremises' lines about the winner and its matched name (they depend on nothing else). */
  notImmediateLine: string | null;
  certText: string | null;
  /** The [TLSBLOG25] relay assumption, or null when it does not apply; undefined until first asked. */
  relayValueLine: string | null | undefined;
}

/**
 * The index's hits, the usability verdict and the step-1 decision for a certificate, kept per
 * certificate object: certificates repeat across connections, and all of step 1 depends only on
 * the certificate, the index and the time.
 */
const certificateLookups = new WeakMap<Certificate, CertificateLookup>();
/**
 * Where the lookup is kept when the certificate object can take it: a non-enumerable symbol
 * property (invisible to JSON, spread, Object.keys and deep equality). Reading it is one property
 * load, where the WeakMap costs a hash-table probe per connection; frozen certificates use the map.
 */
const LOOKUP = Symbol('certificate lookup');
type CertificateWithLookup = Certificate & { [LOOKUP]?: CertificateLookup };

/** CertificateLookup.atHigh/atLow: milliseconds below and above 2^20. */
const AT_SPLIT = 1_048_576;

export function lookUpCertificate(cert: Certificate, index: ConnectorIndex, at: Date): CertificateLookup {
  const t = at.getTime();
  const atHigh = Math.floor(t / AT_SPLIT);
  const atLow = t - atHigh * AT_SPLIT;
  let l = (cert as CertificateWithLookup)[LOOKUP] ?? certificateLookups.get(cert);
  if (l === undefined || l.indexSerial !== index.serial || l.atHigh !== atHigh || l.atLow !== atLow) {
    const hits = index.matchCertificate(cert.names);
    // One pass: the first active hit with the highest specificity wins, as a stable sort by specificity would choose.
    let best: CertificateHit | null = null;
    let activeCount = 0;
    for (const h of hits) {
      if (!isActiveOnPrem(h.entry)) continue;
      activeCount++;
      if (best === null || h.match.specificity > best.match.specificity) best = h;
    }
    const competing = best !== null && activeCount > 1 ? otherTenants(hits, best.entry.tenant) : NO_TENANTS;
    const bestCertDomain = best !== null ? index.certificateDomain(best.entry.tenant, best.match.certName) : null;
    // Shared empty lists when no Partner connector matches (most certificates): nothing to load per connection.
    let partnerTenants = NO_TENANTS;
    let partnerEntries = NO_ENTRIES;
    for (const h of hits) {
      if (h.entry.activePartner && !partnerTenants.includes(h.entry.tenant)) {
        if (partnerTenants === NO_TENANTS) {
          partnerTenants = [];
          partnerEntries = [];
        }
        partnerTenants.push(h.entry.tenant);
        partnerEntries.push(h.entry);
      }
    }
    // Kept at their exact length: lists grown by push() keep room for ~17 items, per certificate.
    if (partnerTenants !== NO_TENANTS) {
      partnerTenants = partnerTenants.slice();
      partnerEntries = partnerEntries.slice();
    }
    const bestEntry = best !== null ? best.entry : null;
    // What every connection reads comes first: the object's first cache line; then the step-1
    // decision, then the lines explain on reads for most certificate matches, next to it.
    l = {
      indexSerial: index.serial,
      atHigh,
      atLow,
      problem: certificateProblem(cert, at),
      hitCount: hits.length,
      bestTenant: bestEntry !== null ? bestEntry.tenant : null,
      bestConnector: bestEntry !== null ? bestEntry.connector : null,
      bestCertName: best !== null ? best.match.certName : null,
      bestCertDomain,
      competing,
      bestEntry,
      stepOneLine: null,
      disabledLines: null,
      bestIsWildcard: best !== null && best.match.kind !== 'exact',
      relayHead: null,
      relayTail: null,
      certDomainRelayTail: null,
      relayValueLine: undefined,
      partnerTenants,
      partnerEntries,
      best,
      hits,
      problemLine: null,
      competingLine: null,
      notImmediateLine: null,
      certText: null,
      refusedHead: null,
      refusedTail: null,
    };
    if (Object.isExtensible(cert)) Object.defineProperty(cert, LOOKUP, { value: l, writable: true, configurable: true, enumerable: false });
    else certificateLookups.set(cert, l);
  }
  return l;
}

/** Step 1's lines for name matches on disabled OnPremises connectors (they depend only on the certificate). */
export function disabledLines(cert: Certificate, hits: readonly CertificateHit[]): readonly string[] {
  let out: string[] | null = null;
  for (const h of hits) {
    if (!isActiveOnPrem(h.entry) && h.entry.connector.ConnectorType === 'OnPremises') {
      (out ??= []).push(`Certificate ${certificateLabel(cert)} matches ${describe(h.entry)} by name, but that connector is disabled.`);
    }
  }
  return out ?? NO_TEXT;
}

/** Step 1's line when an active connector matches by name but the certificate is unusable (M3). */
export function problemLine(hits: readonly CertificateHit[], certProblem: string): string {
  let first: CertificateHit | null = null;
  for (const h of hits) {
    if (isActiveOnPrem(h.entry)) {
      first = h;
      break;
    }
  }
  return `Certificate name ${first!.match.certName} matches ${describe(first!.entry)}, but the ${certProblem}; Exchange Online does not accept it (M3).`;
}

export function stepOneLine(best: CertificateHit): string {
  return (best.sentence ??=
    `Step 1: certificate name ${best.match.certName} matches TlsSenderCertificateName ${best.entry.connector.TlsSenderCertificateName} of ${describe(best.entry)}` +
    (best.match.kind === 'exact' ? '.' : ` (${best.match.kind === 'wildcard-value' ? 'wildcard value' : 'wildcard certificate'}).`));
}

export function describe(e: IndexedConnector): string {
  // Kept on the entry: the same connectors are described for many connections.
  return (e.label ??= `"${e.connector.Name}" (${e.connector.ConnectorType}) of ${e.tenant.Name}`);
}


/** Tenants other than `winner`'s among the active OnPremises entries (or certificate hits), or the shared empty list. */
export function otherTenants(items: readonly (IndexedConnector | CertificateHit)[], winner: Tenant): Tenant[] {
  let out: Tenant[] | null = null;
  for (const item of items) {
    const e = 'entry' in item ? item.entry : item;
    if (!isActiveOnPrem(e) || e.tenant === winner) continue;
    if (!out) out = [];
    if (!out.includes(e.tenant)) out.push(e.tenant);
  }
  return out ?? NO_TENANTS;
}
