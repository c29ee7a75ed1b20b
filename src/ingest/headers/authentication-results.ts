import { parseAuthResultsValue, parseReceivedSpfValue } from './authres-grammar.js';
import type { ArcSet, AuthenticationResults, AuthResult } from '../../model/message-headers.js';
import { AUTH_RESULT_VALUES, compauthReasonMeaning, DMARC_ACTIONS, ownEntry } from './header-meanings.js';

export type { ArcSet, AuthenticationResults, AuthResult } from '../../model/message-headers.js';

function resultMeaning(method: string, result: string, properties: Record<string, string>): string | null {
  const values = ownEntry(AUTH_RESULT_VALUES, method);
  const base = (values && ownEntry(values, result)) ?? null;
  const parts: string[] = [];
  if (base) parts.push(base);
  // The keys are lower case (authres-grammar.ts readKey); the values are as written.
  const reason = ownEntry(properties, 'reason');
  const actionValue = ownEntry(properties, 'action');
  if (method === 'compauth' && reason !== undefined) parts.push(`reason ${reason}: ${compauthReasonMeaning(reason)}`);
  if (method === 'dmarc' && actionValue !== undefined) {
    const action = ownEntry(DMARC_ACTIONS, actionValue.toLowerCase());
    parts.push(`action ${actionValue}: ${action ?? 'not a documented DMARC action'}`);
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

/**
 * Authentication-Results, X-MS-Exchange-Authentication-Results, ARC-Authentication-Results (its
 * `i=` tag first), read by the grammar of RFC 8601 §2.2 (authres-grammar.ts).
 */
export function parseAuthenticationResults(header: string, value: string, line: number): AuthenticationResults & { instance: number | null } {
  const parsed = parseAuthResultsValue(value);
  const results: AuthResult[] = parsed.results.map((r) => ({ ...r, meaning: resultMeaning(r.method, r.result, r.properties) }));
  return { header, authservId: parsed.authservId, results, line, instance: parsed.instance };
}

/**
 * Received-SPF (RFC 7208 §9.1) as an entry of one `spf` result beside the Authentication-Results
 * ones, so every report shows it with its meaning; null when the value does not start with an SPF
 * result. The receiver is its `receiver=` key, else the name the comment starts with
 * (`protection.outlook.com: domain of …`, as §9.1's example writes it).
 */
export function parseReceivedSpf(value: string, line: number): AuthenticationResults | null {
  const parsed = parseReceivedSpfValue(value);
  if (parsed === null) return null;
  const { result, comment, properties } = parsed;
  const receiver = ownEntry(properties, 'receiver') ?? /^([A-Za-z0-9.-]+\.[A-Za-z]{2,}):/.exec(comment ?? '')?.[1] ?? null;
  return { header: 'Received-SPF', authservId: receiver, results: [{ method: 'spf', result, comment, properties, meaning: resultMeaning('spf', result, properties) }], line };
}

/** Tags of a DKIM-style tag list (`i=1; a=rsa-sha256; d=…; cv=none; b=…`). */
export function parseTagList(value: string): Record<string, string> {
  // No prototype: a tag named `constructor` or `__proto__` is a tag like any other.
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    if (key !== '' && !Object.hasOwn(tags, key)) tags[key] = part.slice(eq + 1).replace(/\s+/g, '');
  }
  return tags;
}

/** The `i=` of an ARC-Seal or ARC-Message-Signature tag list, null when it is no integer. */
function tagInstance(tags: Record<string, string>): number | null {
  const i = Number(tags.i);
  return Object.hasOwn(tags, 'i') && Number.isInteger(i) ? i : null;
}

/**
 * The ARC sets (RFC 8617 §4.1): the three headers of each instance. A message may hold more than
 * one header of a kind for one instance; RFC 8617 §5.2 step 2 makes that chain invalid ("If the
 * form of any ARC Set is invalid (e.g., does not contain exactly one of each of the three
 * ARC-specific header fields), then the Chain Validation Status is 'fail'"). None is dropped:
 * the n-th header of a kind for instance i (in header order, topmost first) goes into the n-th
 * set of instance i, so such an instance shows as several sets (arcDuplicates names them).
 */
export function buildArcSets(
  seals: { value: string }[],
  signatures: { value: string }[],
  results: (AuthenticationResults & { instance: number | null })[],
): ArcSet[] {
  const sets = new Map<number, ArcSet[]>();
  /** The next set of instance `i` for a header of one kind (`seen` counts that kind's headers per instance). */
  const next = (i: number, seen: Map<number, number>): ArcSet => {
    const n = seen.get(i) ?? 0;
    seen.set(i, n + 1);
    let list = sets.get(i);
    if (!list) {
      list = [];
      sets.set(i, list);
    }
    // n grows by one per header, so at most one set is added here.
    if (list.length <= n) list.push({ instance: i, chainValidation: null, sealDomain: null, sealSelector: null, signatureDomain: null, authservId: null, results: [] });
    return list[n]!;
  };
  const sealsSeen = new Map<number, number>();
  for (const seal of seals) {
    const t = parseTagList(seal.value);
    const i = tagInstance(t);
    if (i === null) continue;
    const s = next(i, sealsSeen);
    s.chainValidation = t.cv ?? null;
    s.sealDomain = t.d ?? null;
    s.sealSelector = t.s ?? null;
  }
  const signaturesSeen = new Map<number, number>();
  for (const sig of signatures) {
    const t = parseTagList(sig.value);
    const i = tagInstance(t);
    if (i === null) continue;
    next(i, signaturesSeen).signatureDomain = t.d ?? null;
  }
  const resultsSeen = new Map<number, number>();
  for (const r of results) {
    if (r.instance === null) continue;
    const s = next(r.instance, resultsSeen);
    s.authservId = r.authservId;
    s.results = r.results;
  }
  return [...sets.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, list]) => list);
}

/** An ARC header kind written more than once for one instance. */
export interface ArcDuplicate {
  header: string;
  instance: number;
  /** Lines of that kind's headers for the instance, in header order. */
  lines: number[];
}

const ARC_HEADERS = ['arc-seal', 'arc-message-signature', 'arc-authentication-results'] as const;
const ARC_HEADER_NAMES = ['ARC-Seal', 'ARC-Message-Signature', 'ARC-Authentication-Results'] as const;

/**
 * ARC instances written more than once by one header kind (RFC 8617 §5.2 step 2: the chain is
 * then invalid, cv=fail). One pass over the fields; only ARC headers are parsed, and only for i=.
 */
export function arcDuplicates(fields: readonly { name: string; value: string; line: number }[]): ArcDuplicate[] {
  const byKind = ARC_HEADERS.map(() => new Map<number, number[]>());
  let any = false;
  for (const f of fields) {
    // Only names starting `ARC-` are lower-cased and compared.
    if (f.name.length < 8 || (f.name.charCodeAt(0) | 0x20) !== 0x61) continue;
    const kind = ARC_HEADERS.indexOf(f.name.toLowerCase() as (typeof ARC_HEADERS)[number]);
    if (kind < 0) continue;
    const i = kind === 2 ? parseAuthResultsValue(f.value).instance : tagInstance(parseTagList(f.value));
    if (i === null) continue;
    const lines = byKind[kind]!.get(i);
    if (lines) {
      lines.push(f.line);
      any = true;
    } else byKind[kind]!.set(i, [f.line]);
  }
  if (!any) return [];
  const out: ArcDuplicate[] = [];
  byKind.forEach((m, kind) => {
    for (const [instance, lines] of m) if (lines.length > 1) out.push({ header: ARC_HEADER_NAMES[kind]!, instance, lines });
  });
  return out.sort((a, b) => a.instance - b.instance || a.lines[0]! - b.lines[0]!);
}

/** What the choice below reads of one header's results (a decoded header, or the grammar's parse alone). */
type ResultsOfOneHeader = Pick<AuthenticationResults, 'authservId'> & { results: readonly Pick<AuthResult, 'method' | 'result' | 'comment'>[] };

/** What Exchange Online's own Authentication-Results says about SPF and composite authentication (EXO-SEMANTICS M16). */
export interface ExchangeOnlineAuthentication {
  /** `spf=` result as written (`pass`, `fail`, `softfail`, …), null when absent. */
  spfResult: string | null;
  /** The address SPF was evaluated against: `(sender IP is 203.0.113.5)`. */
  spfSenderIp: string | null;
  /** `compauth=` result (`pass`, `fail`, `softpass`, `none`), null when absent. */
  compauth: string | null;
}

/** `sender IP is 203.0.113.5` (IPv4 or IPv6), as Exchange Online writes it in the spf comment. */
function senderIpOf(comment: string | null): string | null {
  const m = comment === null ? null : /\bsender IP is ([0-9A-Fa-f.:]+)/i.exec(comment);
  return m ? m[1]! : null;
}

/**
 * The Authentication-Results Exchange Online wrote: the topmost one without an authserv-id
 * (Exchange Online leaves it out) that holds spf or compauth, else the topmost that holds spf
 * (a gateway's own results carry its authserv-id and come second). With Enhanced Filtering off
 * behind a gateway, `sender IP is` names the gateway and compauth fails (M16, [EF]).
 */
export function exchangeOnlineAuthentication(headers: readonly ResultsOfOneHeader[]): ExchangeOnlineAuthentication {
  const has = (h: ResultsOfOneHeader, method: string) => h.results.some((r) => r.method === method);
  const chosen =
    headers.find((h) => h.authservId === null && (has(h, 'spf') || has(h, 'compauth'))) ?? headers.find((h) => has(h, 'spf')) ?? null;
  const spf = chosen?.results.find((r) => r.method === 'spf') ?? null;
  const compauth = chosen?.results.find((r) => r.method === 'compauth') ?? null;
  return { spfResult: spf?.result ?? null, spfSenderIp: senderIpOf(spf?.comment ?? null), compauth: compauth?.result ?? null };
}
