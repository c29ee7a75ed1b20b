import { EVIDENCE_SOURCES_KEPT, type Observed, type SmtpReply, type TraceObservation } from '../../model/evidence.js';
import type { Provenance } from '../../model/provenance.js';
import { detach } from '../trace/trace-message.js';

/**
 * Trace observations grouped by route (traceKey): one group per distinct key, with count, first
 * and last time and the first sources. A trace can hold millions of rows and, the key including
 * the client address, nearly as many groups, so this is the per-row cost of reading one: instead
 * of building the key text for every row and hashing it, a row's key is hashed as it would be
 * written (its parts and their U+0000 separators, domains lower-cased) straight from the
 * observation, and compared part by part with the samples of its bucket. Groups are handed out in
 * the order they were first seen, as a Map of key texts would.
 */
export class TraceGroups {
  private readonly buckets = new Map<number, Observed<TraceObservation> | Observed<TraceObservation>[]>();
  private readonly order: Observed<TraceObservation>[] = [];
  /** Groups whose key parts themselves hold U+0000 (hostile input): compared by whole key text. */
  private readonly withNul = new Set<Observed<TraceObservation>>();
  private readonly pool = new StringPool();
  private nul = false;

  add(o: TraceObservation): void {
    this.nul = false;
    const h = this.hash(o);
    const bucket = this.buckets.get(h);
    let group: Observed<TraceObservation> | undefined;
    if (bucket !== undefined) {
      if (Array.isArray(bucket)) {
        for (const g of bucket) {
          if (this.same(o, g)) {
            group = g;
            break;
          }
        }
      } else if (this.same(o, bucket)) group = bucket;
    }
    if (group !== undefined) {
      joinGroup(group, o.source, o.at);
      return;
    }
    // Only a group's first observation is kept: its strings are copied off the text they were read from.
    const sample = keptSample(o, this.pool);
    const created: Observed<TraceObservation> = { sample, count: 1, first: sample.at, last: sample.at, sources: [o.source] };
    this.order.push(created);
    if (this.nul) this.withNul.add(created);
    if (bucket === undefined) this.buckets.set(h, created);
    else if (Array.isArray(bucket)) bucket.push(created);
    else this.buckets.set(h, [bucket, created]);
  }

  groups(): Observed<TraceObservation>[] {
    return this.order;
  }

  /** Whether o's key text equals that of g's sample. */
  private same(o: TraceObservation, g: Observed<TraceObservation>): boolean {
    // Such groups are rare: the set is looked up only when it holds any.
    const gNul = this.withNul.size > 0 && this.withNul.has(g);
    // U+0000 inside a part shifts the separators: only the whole texts can tell.
    if (this.nul || gNul) return this.nul && gNul && traceKey(o) === traceKey(g.sample);
    const s = g.sample;
    const a = o.inboundConnector;
    const b = s.inboundConnector;
    return (
      (o.clientIp ?? '') === (s.clientIp ?? '') &&
      (o.status ?? '') === (s.status ?? '') &&
      (o.tenantId ?? '') === (s.tenantId ?? '') &&
      (a?.name ?? '') === (b?.name ?? '') &&
      (a?.type ?? '') === (b?.type ?? '') &&
      (a?.tenantId ?? '') === (b?.tenantId ?? '') &&
      (o.direction ?? '') === (s.direction ?? '') &&
      (o.origin ?? '') === (s.origin ?? '') &&
      (o.connector ?? '') === (s.connector ?? '') &&
      replyKey(o.response) === replyKey(s.response) &&
      sameDomainPart(o.sender, s.sender) &&
      sameDomainPart(o.recipient, s.recipient)
    );
  }

  /** FNV-1a over the key text traceKey would build, as a small integer (a Map key without allocation). */
  private hash(o: TraceObservation): number {
    const c = o.inboundConnector;
    let h = 0x811c9dc5;
    h = this.text(o.tenantId, h);
    h = this.text(c?.name, h);
    h = this.text(c?.type, h);
    h = this.text(c?.tenantId, h);
    h = this.text(o.direction, h);
    h = this.domain(o.sender, h);
    h = this.domain(o.recipient, h);
    h = this.text(o.clientIp, h);
    h = this.text(o.status, h);
    h = this.text(o.response ? replyKey(o.response) : null, h);
    h = this.text(o.origin, h);
    h = this.text(o.connector, h);
    // 30 bits: a V8 small integer, so the Map hashes it without a heap number.
    return h & 0x3fffffff;
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
  group.count++;
  // A new array of the exact length: push would make room for 19 sources at the second one, and a
  // trace can hold hundreds of thousands of groups.
  if (group.sources.length < EVIDENCE_SOURCES_KEPT) group.sources = group.sources.concat(source);
  if (at !== null) {
    // ISO 8601 UTC strings of one shape order as text.
    if (group.first === null || at < group.first) group.first = at;
    if (group.last === null || at > group.last) group.last = at;
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

function replyKey(r: SmtpReply | null): string {
  return r ? `${r.code} ${r.enhanced ?? ''}` : '';
}

/** What makes two trace rows "the same route": who received it through which connector, between which domains, with what result. */
export function traceKey(o: TraceObservation): string {
  return [
    o.tenantId ?? '',
    o.inboundConnector?.name ?? '',
    o.inboundConnector?.type ?? '',
    o.inboundConnector?.tenantId ?? '',
    o.direction ?? '',
    domainPart(o.sender),
    domainPart(o.recipient),
    o.clientIp ?? '',
    o.status ?? '',
    replyKey(o.response),
    o.origin ?? '',
    o.connector ?? '',
  ].join('\u0000');
}

/**
 * Values that repeat across groups (statuses, recipients, client addresses, tenants) kept once:
 * a trace's groups differ in one or two parts. Bounded, so text that never repeats costs no more
 * than a copy each.
 */
class StringPool {
  private readonly kept = new Map<string, string>();

  get<T extends string | null | undefined>(s: T): T {
    if (s === null || s === undefined) return s;
    const hit = this.kept.get(s);
    if (hit !== undefined) return hit as T;
    const own = detach(s);
    if (this.kept.size < STRINGS_POOLED) this.kept.set(own, own);
    return own as T;
  }
}

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
