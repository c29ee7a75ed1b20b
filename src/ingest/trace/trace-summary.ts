import { connectorOf, tenantOf, type TraceFilters, type TraceGroup, type TraceRollup, type TraceSummary } from '../../model/message-trace.js';
import { detach, detachMessage, domainOf, type TraceMessage } from './trace-message.js';

/**
 * What the `trace` command reports: messages counted by connector, tenant, direction, sender
 * domain and day, filtered while the files stream, so memory follows the number of distinct
 * groups (and the listed messages), never the file size. Answers S1's "since when, and whom".
 */

export { connectorOf, tenantOf, type TraceFilters, type TraceGroup, type TraceRollup, type TraceSummary } from '../../model/message-trace.js';

export function matchesFilters(m: TraceMessage, f: TraceFilters): boolean {
  if (f.since !== null && (m.at === null || m.at < f.since)) return false;
  if (f.until !== null && (m.at === null || m.at > f.until)) return false;
  if (f.senderDomains.length > 0) {
    const d = domainOf(m.sender);
    if (d === null || !f.senderDomains.some((want) => domainMatches(d, want))) return false;
  }
  if (f.connectors.length > 0) {
    const names = [m.inboundConnector?.name, m.connectorId, m.outboundConnector].filter((x): x is string => !!x).map((x) => x.toLowerCase());
    if (!f.connectors.some((c) => names.includes(c.toLowerCase()))) return false;
  }
  return true;
}

function domainMatches(domain: string, want: string): boolean {
  const w = want.toLowerCase().replace(/^@/, '');
  if (w.startsWith('*.')) return domain === w.slice(2) || domain.endsWith(w.slice(1));
  return domain === w;
}

export class TraceSummarizer {
  private readonly groups = new Map<string, TraceGroup>();
  private readonly listed: TraceMessage[] = [];
  private notListed = 0;
  private matched = 0;
  private first: string | null = null;
  private last: string | null = null;

  /** Each distinct value the groups hold, one detached copy, numbered from 1 (0: none or empty). */
  private readonly values: string[] = [''];
  private readonly valueIds = new Map<string, number>();

  private idOf(v: string | null): number {
    if (v === null || v === '') return 0;
    let id = this.valueIds.get(v);
    if (id === undefined) {
      id = this.values.length;
      const kept = detach(v);
      this.values.push(kept);
      this.valueIds.set(kept, id);
    }
    return id;
  }

  /** `listLimit`: null lists nothing, 0 lists everything, N keeps the first N matching messages. */
  constructor(
    private readonly filters: TraceFilters,
    private readonly listLimit: number | null,
  ) {}

  /** Returns whether the message matched the filters. */
  add(m: TraceMessage): boolean {
    if (!matchesFilters(m, this.filters)) return false;
    this.matched++;
    const at = m.at;
    if (at !== null) {
      if (this.first === null || at < this.first) this.first = at;
      if (this.last === null || at > this.last) this.last = at;
    }
    const day = at ? at.slice(0, 10) : null;
    const connector = connectorOf(m);
    const connectorType = m.inboundConnector?.type ?? null;
    const tenant = tenantOf(m);
    const direction = m.direction;
    const senderDomain = domainOf(m.sender);
    const d = this.idOf(day);
    const c = this.idOf(connector);
    const ct = this.idOf(connectorType);
    const t = this.idOf(tenant);
    const dir = this.idOf(direction);
    const sd = this.idOf(senderDomain);
    // Six numbers, two UTF-16 units each: a short flat key, cheaper to hash and to keep than the values joined.
    const key = String.fromCharCode(d & 0xffff, d >>> 16, c & 0xffff, c >>> 16, ct & 0xffff, ct >>> 16, t & 0xffff, t >>> 16, dir & 0xffff, dir >>> 16, sd & 0xffff, sd >>> 16);
    let group = this.groups.get(key);
    if (!group) {
      // Groups share their values (a connector or tenant recurs in thousands of groups): one copy each.
      const v = this.values;
      group = { day: day && v[d]!, connector: connector && v[c]!, connectorType: connectorType && v[ct]!, tenant: tenant && v[t]!, direction: direction && v[dir]!, senderDomain: senderDomain && v[sd]!, messages: 0, first: null, last: null, statuses: {} };
      this.groups.set(key, group);
    }
    group.messages++;
    // Times are strings of their own (trace-dates.ts writes them): kept without a copy.
    if (at !== null) {
      if (group.first === null || at < group.first) group.first = at;
      if (group.last === null || at > group.last) group.last = at;
    }
    const s = m.status ?? '(none)';
    group.statuses[s] = (group.statuses[s] ?? 0) + 1;
    if (this.listLimit !== null) {
      if (this.listLimit === 0 || this.listed.length < this.listLimit) this.listed.push(detachMessage(m));
      else this.notListed++;
    }
    return true;
  }

  finish(): TraceSummary {
    const groups = [...this.groups.values()].sort(compareGroups);
    const rollup = (keyOf: (g: TraceGroup) => string | null): TraceRollup[] => {
      const map = new Map<string | null, TraceRollup>();
      for (const g of groups) {
        const k = keyOf(g);
        let r = map.get(k);
        if (!r) map.set(k, (r = { key: k, messages: 0, first: null, last: null }));
        r.messages += g.messages;
        if (g.first !== null && (r.first === null || g.first < r.first)) r.first = g.first;
        if (g.last !== null && (r.last === null || g.last > r.last)) r.last = g.last;
      }
      return [...map.values()].sort((a, b) => b.messages - a.messages || cmp(a.key, b.key));
    };
    const connectorKeys = new Map<string, { connector: string | null; connectorType: string | null; tenant: string | null }>();
    const byConnectorRaw = rollup((g) => {
      const k = JSON.stringify([g.connector, g.connectorType, g.tenant]);
      connectorKeys.set(k, { connector: g.connector, connectorType: g.connectorType, tenant: g.tenant });
      return k;
    });
    return {
      totals: { messages: this.matched, first: this.first, last: this.last },
      groups,
      byConnector: byConnectorRaw.map((r) => {
        const k = connectorKeys.get(r.key!)!;
        return { ...r, key: k.connector, connectorType: k.connectorType, tenant: k.tenant };
      }),
      byTenant: rollup((g) => g.tenant),
      byDirection: rollup((g) => g.direction),
      bySenderDomain: rollup((g) => g.senderDomain),
      byDay: rollup((g) => g.day).sort((a, b) => cmp(a.key, b.key)),
      messages: this.listLimit === null ? null : [...this.listed].sort((a, b) => cmp(a.at, b.at)),
      notListed: this.notListed,
    };
  }
}

/** Nulls last. */
function cmp(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function compareGroups(a: TraceGroup, b: TraceGroup): number {
  return cmp(a.day, b.day) || cmp(a.connector, b.connector) || cmp(a.tenant, b.tenant) || cmp(a.direction, b.direction) || cmp(a.senderDomain, b.senderDomain) || cmp(a.connectorType, b.connectorType);
}
