import { parseAuthResultsValue } from './authres-grammar.js';
import type { ArcSet, AuthenticationResults, AuthResult } from '../../model/message-headers.js';
import { AUTH_RESULT_VALUES, compauthReasonMeaning, DMARC_ACTIONS } from './header-meanings.js';

export type { ArcSet, AuthenticationResults, AuthResult } from '../../model/message-headers.js';

function resultMeaning(method: string, result: string, properties: Record<string, string>): string | null {
  const base = AUTH_RESULT_VALUES[method]?.[result] ?? null;
  const parts: string[] = [];
  if (base) parts.push(base);
  if (method === 'compauth' && properties.reason !== undefined) parts.push(`reason ${properties.reason}: ${compauthReasonMeaning(properties.reason)}`);
  if (method === 'dmarc' && properties.action !== undefined) {
    const action = DMARC_ACTIONS[properties.action.toLowerCase()];
    parts.push(`action ${properties.action}: ${action ?? 'not a documented DMARC action'}`);
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

/** Tags of a DKIM-style tag list (`i=1; a=rsa-sha256; d=…; cv=none; b=…`). */
export function parseTagList(value: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    if (key !== '' && !(key in tags)) tags[key] = part.slice(eq + 1).replace(/\s+/g, '');
  }
  return tags;
}

/** One ARC set (RFC 8617 §4.1): the three headers of one instance. */

export function buildArcSets(
  seals: { value: string }[],
  signatures: { value: string }[],
  results: (AuthenticationResults & { instance: number | null })[],
): ArcSet[] {
  const sets = new Map<number, ArcSet>();
  const get = (i: number): ArcSet => {
    let s = sets.get(i);
    if (!s) {
      s = { instance: i, chainValidation: null, sealDomain: null, sealSelector: null, signatureDomain: null, authservId: null, results: [] };
      sets.set(i, s);
    }
    return s;
  };
  for (const seal of seals) {
    const t = parseTagList(seal.value);
    const i = Number(t.i);
    if (!Number.isInteger(i)) continue;
    const s = get(i);
    s.chainValidation = t.cv ?? null;
    s.sealDomain = t.d ?? null;
    s.sealSelector = t.s ?? null;
  }
  for (const sig of signatures) {
    const t = parseTagList(sig.value);
    const i = Number(t.i);
    if (!Number.isInteger(i)) continue;
    get(i).signatureDomain = t.d ?? null;
  }
  for (const r of results) {
    if (r.instance === null) continue;
    const s = get(r.instance);
    s.authservId = r.authservId;
    s.results = r.results;
  }
  return [...sets.values()].sort((a, b) => a.instance - b.instance);
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
