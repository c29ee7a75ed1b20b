import { EVIDENCE_SOURCES_KEPT, type Observed, type SmtpReply, type TraceObservation } from '../../model/evidence.js';
import type { Diagnostic } from '../../model/diagnostics.js';
import type { Provenance } from '../../model/provenance.js';
import { StringPool } from '../trace/string-pool.js';
import { detach } from '../trace/trace-message.js';
import { countText } from '../count-text.js';

/**
 * Distinct routes kept in full (about 550 bytes each). Beyond, a new route joins a coarser group —
 * the same route without its client address, then also without its sender and recipient domains,
 * then its origin alone — so hostile or merely huge input (every row another client) cannot grow
 * memory, yet every row is counted. A coarse group keeps a dropped part of its sample only while
 * every row it counts agrees on it: it never shows one client address for rows from many.
 */
export const TRACE_GROUPS_KEPT = 50_000;
/** Groups kept at each coarser level (without client address; also without domains). */
export const TRACE_COARSE_GROUPS_KEPT = 10_000;

/** How much of the route a group's key holds: all of it, without the client, also without the domains, the origin alone. */
const FULL = 0;
const NO_CLIENT = 1;
const NO_DOMAINS = 2;
const ORIGIN_ONLY = 3;

type Group = Observed<TraceObservation>;

/** Groups of one level, by hash of their key: one group, or the few whose hashes collide. */
interface LevelIndex {
  readonly buckets: Map<number, Group | Group[]>;
  /**
   * One bit per hash (low 20 bits) held in `buckets`. Past the bound most rows are of routes the
   * first level does not hold, and a lookup in a Map of 50,000 groups misses the processor's
   * caches; these 128 KiB stay in them and answer most such lookups without the Map.
   */
  readonly held: Uint32Array;
  size: number;
}

const HELD_WORDS = 1 << 15;

/**
 * Trace observations grouped by route (traceKey): one group per distinct key, with count, first
 * and last time and the first sources. A trace can hold millions of rows and, the key including
 * the client address, nearly as many groups, so this is the per-row cost of reading one: instead
 * of building the key text for every row and hashing it, a row's key is hashed from its parts
 * (their U+0000 separators, domains lower-cased) straight from the observation, and compared part
 * by part with the samples of its bucket. Groups are handed out in the order they were first seen,
 * as a Map of key texts would.
 */
export class TraceGroups {
  private readonly levels: LevelIndex[] = [FULL, NO_CLIENT, NO_DOMAINS].map(() => ({ buckets: new Map(), held: new Uint32Array(HELD_WORDS), size: 0 }));
  private readonly byOrigin = new Map<string, Group>();
  private readonly order: Group[] = [];
  /** Groups whose key parts themselves hold U+0000 (hostile input): compared by whole key text. */
  private readonly withNul = new Set<Group>();
  private readonly pool = new StringPool(STRINGS_POOLED);
  /** Rows that joined a coarse group, and the coarsest level reached, by file: said in that file's report. */
  private readonly coarse = new Map<string, { rows: number; level: number }>();
  private nul = false;

  add(o: TraceObservation): void {
    this.nul = false;
    // The parts a coarser level drops are hashed last, so one pass yields the hash of every level.
    const noDomains = this.rest(o);
    const noClient = this.domain(o.recipient, this.domain(o.sender, noDomains));
    const full = this.text(o.clientIp, noClient);
    for (let level = FULL; level < ORIGIN_ONLY; level++) {
      // 30 bits: a V8 small integer, so the Map hashes it without a heap number.
      const h = (level === FULL ? full : level === NO_CLIENT ? noClient : noDomains) & 0x3fffffff;
      const index = this.levels[level]!;
      const word = (h >>> 5) & (HELD_WORDS - 1);
      const bit = 1 << (h & 31);
      const bucket = (index.held[word]! & bit) === 0 ? undefined : index.buckets.get(h);
      const group = bucket === undefined ? undefined : this.find(bucket, o, level);
      if (group !== undefined) {
        if (level !== FULL) this.joinCoarse(group, o, level);
        joinGroup(group, o.source, o.at);
        return;
      }
      if (index.size < (level === FULL ? TRACE_GROUPS_KEPT : TRACE_COARSE_GROUPS_KEPT)) {
        const created = this.create(o, level);
        index.size++;
        index.held[word] = index.held[word]! | bit;
        if (this.nul) this.withNul.add(created);
        if (bucket === undefined) index.buckets.set(h, created);
        else if (Array.isArray(bucket)) bucket.push(created);
        else index.buckets.set(h, [bucket, created]);
        return;
      }
    }
    const origin = o.origin ?? 'message-trace';
    const group = this.byOrigin.get(origin);
    if (group === undefined) {
      this.byOrigin.set(origin, this.create(o, ORIGIN_ONLY));
      return;
    }
    this.countCoarse(o, ORIGIN_ONLY);
    joinGroup(group, o.source, o.at);
  }

  groups(): Group[] {
    return this.order;
  }

  /**
   * The line a file's report gets when rows of it joined coarse groups (null otherwise): a
   * warning, because the report's input diagnostics are errors or warnings (CONTRACT.md).
   */
  coarseNotice(file: string): Diagnostic | null {
    const c = this.coarse.get(file);
    if (c === undefined) return null;
    const n = countText;
    const coarser =
      c.level >= ORIGIN_ONLY
        ? `; beyond ${n(TRACE_COARSE_GROUPS_KEPT)} such groups also without their domains, and beyond that by origin alone (sender, recipient, tenant, connector and status unknown)`
        : c.level >= NO_DOMAINS
          ? `; beyond ${n(TRACE_COARSE_GROUPS_KEPT)} such groups also without their sender and recipient domains`
          : '';
    return {
      severity: 'warning',
      location: file,
      message: `more than ${n(TRACE_GROUPS_KEPT)} distinct trace routes were read: ${n(c.rows)} row${c.rows === 1 ? '' : 's'} of routes first seen later were grouped without their client address${coarser} — counted, not lost`,
    };
  }

  private find(bucket: Group | Group[], o: TraceObservation, level: number): Group | undefined {
    if (!Array.isArray(bucket)) return this.same(o, bucket, level) ? bucket : undefined;
    for (const g of bucket) if (this.same(o, g, level)) return g;
    return undefined;
  }

  private create(o: TraceObservation, level: number): Group {
    // Only a group's first observation is kept: its strings are copied off the text they were read from.
    const sample = keptSample(o, this.pool);
    if (level === ORIGIN_ONLY) forgetRoute(sample);
    const created: Group = { sample, count: 1, first: sample.at, last: sample.at, sources: [o.source] };
    if (level !== FULL) this.countCoarse(o, level);
    this.order.push(created);
    return created;
  }

  /** A row joins a coarse group: a dropped part on which it differs from the sample becomes unknown. */
  private joinCoarse(g: Group, o: TraceObservation, level: number): void {
    this.countCoarse(o, level);
    const s = g.sample;
    if (s.clientIp !== null && s.clientIp !== o.clientIp) s.clientIp = null;
    // The host name belongs to the address: unknown with it, or when the rows name several.
    if (s.clientHostname !== null && (s.clientIp === null || s.clientHostname !== o.clientHostname)) s.clientHostname = null;
    if (level < NO_DOMAINS) return;
    if (s.sender !== null && !sameDomainPart(s.sender, o.sender)) s.sender = null;
    if (s.recipient !== null && !sameDomainPart(s.recipient, o.recipient)) s.recipient = null;
  }

  private countCoarse(o: TraceObservation, level: number): void {
    const file = o.source.file;
    const c = this.coarse.get(file);
    if (c === undefined) this.coarse.set(file, { rows: 1, level });
    else {
      c.rows++;
      if (level > c.level) c.level = level;
    }
  }

  /** Whether o's key text at `level` equals that of g's sample. */
  private same(o: TraceObservation, g: Group, level: number): boolean {
    // Such groups are rare: the set is looked up only when it holds any.
    const gNul = this.withNul.size > 0 && this.withNul.has(g);
    // U+0000 inside a part shifts the separators: only the whole texts can tell.
    if (this.nul || gNul) return this.nul && gNul && traceKey(o, level) === traceKey(g.sample, level);
    const s = g.sample;
    const a = o.inboundConnector;
    const b = s.inboundConnector;
    return (
      (level !== FULL || (o.clientIp ?? '') === (s.clientIp ?? '')) &&
      (o.status ?? '') === (s.status ?? '') &&
      (o.tenantId ?? '') === (s.tenantId ?? '') &&
      (a?.name ?? '') === (b?.name ?? '') &&
      (a?.type ?? '') === (b?.type ?? '') &&
      (a?.tenantId ?? '') === (b?.tenantId ?? '') &&
      (o.direction ?? '') === (s.direction ?? '') &&
      (o.origin ?? '') === (s.origin ?? '') &&
      (o.connector ?? '') === (s.connector ?? '') &&
      sameReply(o.response, s.response) &&
      (level >= NO_DOMAINS || (sameDomainPart(o.sender, s.sender) && sameDomainPart(o.recipient, s.recipient)))
    );
  }

  /** FNV-1a over the key parts every level holds (then domains and client address are added). */
  private rest(o: TraceObservation): number {
    const c = o.inboundConnector;
    let h = 0x811c9dc5;
    h = this.text(o.tenantId, h);
    h = this.text(c?.name, h);
    h = this.text(c?.type, h);
    h = this.text(c?.tenantId, h);
    h = this.text(o.direction, h);
    h = this.text(o.status, h);
    h = this.reply(o.response, h);
    h = this.text(o.origin, h);
    return this.text(o.connector, h);
  }

  /** A part's characters, then the separator. */
  private text(s: string | null | undefined, h: number): number {
    if (s) {
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c === 0) this.nul = true;
        h = Math.imul(h ^ c, 0x01000193);
      }
    }
    return Math.imul(h ^ 0, 0x01000193);
  }

  /**
   * The reply's part of the key (replyKey: code and enhanced code) hashed without building its
   * text: rows with equal replies (sameReply) hash alike, which is all a bucket needs.
   */
  private reply(r: SmtpReply | null, h: number): number {
    if (!r) return this.text(null, h);
    // Equal codes (also NaN with NaN, 0 with -0, as their texts are equal) give one integer.
    return this.text(r.enhanced, Math.imul(h ^ (r.code | 0), 0x01000193));
  }

  /** domainPart(address)'s characters (ASCII lower-cased in place; other text through toLowerCase), then the separator. */
  private domain(address: string | null, h: number): number {
    if (!address) return this.text(null, h);
    const from = address.lastIndexOf('@') + 1;
    let x = h;
    for (let i = from; i < address.length; i++) {
      let c = address.charCodeAt(i);
      if (c > 127) return this.text(domainPart(address), h);
      if (c === 0) this.nul = true;
      if (c >= 65 && c <= 90) c += 32;
      x = Math.imul(x ^ c, 0x01000193);
    }
    return Math.imul(x ^ 0, 0x01000193);
  }
}

export function joinGroup(group: Observed<unknown>, source: Provenance, at: string | null): void {
  // A new array of the exact length: push would make room for 19 sources at the second one, and a
  // trace can hold hundreds of thousands of groups. A group gets a source with each of its first
  // rows: once it counts that many, the array (another object to load per row) is not looked at.
  if (group.count < EVIDENCE_SOURCES_KEPT && group.sources.length < EVIDENCE_SOURCES_KEPT) group.sources = group.sources.concat(source);
  group.count++;
  if (at !== null) {
    // ISO 8601 UTC strings of one shape order as text. first ≤ last once set (both are set
    // together), so a time after the last is not compared with the first.
    const first = group.first;
    const last = group.last;
    if (first === null || last === null) {
      if (first === null || at < first) group.first = at;
      if (last === null || at > last) group.last = at;
    } else if (at > last) group.last = at;
    else if (at < first) group.first = at;
  }
}

export function domainPart(address: string | null): string {
  if (!address) return '';
  const at = address.lastIndexOf('@');
  return (at < 0 ? address : address.slice(at + 1)).toLowerCase();
}

/** domainPart(a) === domainPart(b), compared in place for ASCII text. */
function sameDomainPart(a: string | null, b: string | null): boolean {
  if (!a || !b) return !a && !b ? true : domainPart(a) === domainPart(b);
  const i = a.lastIndexOf('@') + 1;
  const j = b.lastIndexOf('@') + 1;
  if (a.length - i !== b.length - j) return domainPart(a) === domainPart(b);
  for (let k = 0; i + k < a.length; k++) {
    let x = a.charCodeAt(i + k);
    let y = b.charCodeAt(j + k);
    if (x === y) {
      if (x > 127) return domainPart(a) === domainPart(b);
      continue;
    }
    if (x > 127 || y > 127) return domainPart(a) === domainPart(b);
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/** replyKey(a) === replyKey(b), without building either text (once per row and group compared). */
function sameReply(a: SmtpReply | null, b: SmtpReply | null): boolean {
  if (!a || !b) return !a && !b;
  // A code's text is unique per number value but for NaN (always "NaN") and -0 (as 0).
  const sameCode = a.code === b.code || (a.code !== a.code && b.code !== b.code);
  return sameCode && (a.enhanced ?? '') === (b.enhanced ?? '');
}

function replyKey(r: SmtpReply | null): string {
  return r ? `${r.code} ${r.enhanced ?? ''}` : '';
}

/**
 * What makes two trace rows "the same route": who received it through which connector, between
 * which domains, with what result. At a coarser level (TraceGroups) the parts it drops are blank.
 */
export function traceKey(o: TraceObservation, level = FULL): string {
  return [
    o.tenantId ?? '',
    o.inboundConnector?.name ?? '',
    o.inboundConnector?.type ?? '',
    o.inboundConnector?.tenantId ?? '',
    o.direction ?? '',
    level >= NO_DOMAINS ? '' : domainPart(o.sender),
    level >= NO_DOMAINS ? '' : domainPart(o.recipient),
    level >= NO_CLIENT ? '' : (o.clientIp ?? ''),
    o.status ?? '',
    replyKey(o.response),
    o.origin ?? '',
    o.connector ?? '',
  ].join('\u0000');
}

/** The sample of a group that holds a whole origin's rows: nothing of one row's route is claimed for all. */
function forgetRoute(s: TraceObservation): void {
  s.tenantId = null;
  s.inboundConnector = null;
  s.direction = null;
  s.sender = null;
  s.recipient = null;
  s.clientIp = null;
  s.clientHostname = null;
  s.status = null;
  s.response = null;
  s.messageId = null;
  if (s.fromEntity !== undefined) s.fromEntity = null;
  if (s.originatorOrg !== undefined) s.originatorOrg = null;
  if (s.tlsVersion !== undefined) s.tlsVersion = null;
  if (s.connector !== undefined) s.connector = null;
}

/**
 * Values that repeat across groups (statuses, recipients, client addresses, tenants) kept once:
 * a trace's groups differ in one or two parts. Bounded, so text that never repeats costs no more
 * than a copy each.
 */
const STRINGS_POOLED = 50_000;

/**
 * The observation a group keeps, with the same properties (tracking-log rows add origin and
 * connector): strings that repeat from the pool, the rest detached.
 */
function keptSample(o: TraceObservation, pool: StringPool): TraceObservation {
  const out: Record<string, unknown> = { ...o };
  for (const k in out) {
    const v = out[k];
    if (typeof v === 'string') out[k] = k === 'at' || k === 'sender' || k === 'messageId' ? detach(v) : pool.get(v);
  }
  const c = o.inboundConnector;
  if (c) out.inboundConnector = { name: pool.get(c.name), type: pool.get(c.type), tenantId: pool.get(c.tenantId) };
  if (o.response) out.response = { ...o.response, text: detach(o.response.text) };
  return out as unknown as TraceObservation;
}
