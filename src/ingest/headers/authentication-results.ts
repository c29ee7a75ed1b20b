import { AUTH_RESULT_VALUES, compauthReasonMeaning, DMARC_ACTIONS } from './header-meanings.js';

/**
 * Authentication-Results (RFC 8601) and the ARC headers (RFC 8617). Exchange Online writes its
 * Authentication-Results without the authserv-id the RFC requires
 * (`spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=contoso.com; dkim=none …;compauth=pass reason=100`).
 */
export interface AuthResult {
  method: string;
  result: string;
  /** The comment after the result (`(sender IP is 192.0.2.1)`), without parentheses. */
  comment: string | null;
  /** `smtp.mailfrom`, `header.d`, `header.from`, `action`, `reason`, … as written. */
  properties: Record<string, string>;
  /** What the result (and compauth's reason, DMARC's action) means, from Microsoft's documentation. */
  meaning: string | null;
}

export interface AuthenticationResults {
  /** The header it came from (`Authentication-Results`, `X-MS-Exchange-Authentication-Results`, `ARC-Authentication-Results`). */
  header: string;
  authservId: string | null;
  results: AuthResult[];
  line: number;
}

/** Splits at `;` outside parentheses and quotes. */
function splitTopLevel(value: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const c of value) {
    if (c === '"' && depth === 0) quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && depth > 0) depth--;
    if (c === separator && depth === 0 && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseResult(text: string): AuthResult | null {
  const m = /^([A-Za-z0-9_.-]+)\s*=\s*([A-Za-z0-9_.-]+)\s*(.*)$/s.exec(text);
  if (!m) return null;
  const method = m[1]!.toLowerCase();
  const result = m[2]!.toLowerCase();
  let rest = m[3]!;
  let comment: string | null = null;
  const c = /^\(((?:[^()]|\([^()]*\))*)\)\s*/.exec(rest);
  if (c) {
    comment = c[1]!.trim();
    rest = rest.slice(c[0].length);
  }
  const properties: Record<string, string> = {};
  for (const p of rest.matchAll(/([A-Za-z0-9_.-]+)\s*=\s*("[^"]*"|[^\s;()]+)/g)) {
    properties[p[1]!] = p[2]!.replace(/^"|"$/g, '');
  }
  return { method, result, comment, properties, meaning: resultMeaning(method, result, properties) };
}

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

/** Authentication-Results, X-MS-Exchange-Authentication-Results; for ARC-Authentication-Results the `i=` tag first. */
export function parseAuthenticationResults(header: string, value: string, line: number): AuthenticationResults & { instance: number | null } {
  let parts = splitTopLevel(value, ';');
  let instance: number | null = null;
  const i = parts[0] !== undefined ? /^i\s*=\s*(\d+)$/.exec(parts[0]) : null;
  if (i) {
    instance = Number(i[1]);
    parts = parts.slice(1);
  }
  let authservId: string | null = null;
  // RFC 8601 §2.2: authserv-id [version] comes first; Exchange Online leaves it out.
  if (parts[0] !== undefined && !/^[A-Za-z0-9_.-]+\s*=/.test(parts[0])) {
    authservId = parts[0].split(/\s+/)[0] ?? null;
    parts = parts.slice(1);
  }
  const results: AuthResult[] = [];
  for (const p of parts) {
    const r = parseResult(p);
    if (r) results.push(r);
  }
  return { header, authservId, results, line, instance };
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
export interface ArcSet {
  instance: number;
  /** ARC-Seal `cv=`: none (first instance), pass or fail — the chain validation the sealer saw. */
  chainValidation: string | null;
  /** The sealing domain and selector (ARC-Seal `d=`, `s=`). */
  sealDomain: string | null;
  sealSelector: string | null;
  signatureDomain: string | null;
  /** ARC-Authentication-Results of this instance. */
  authservId: string | null;
  results: AuthResult[];
}

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
