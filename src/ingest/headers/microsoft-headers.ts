import type { HeaderMessageObservation } from '../../model/evidence.js';
import type { AntispamField, MicrosoftHeader } from '../../model/message-headers.js';
import { exchangeOnlineAuthentication, type AuthenticationResults } from './authentication-results.js';
import type { HeaderField } from './header-fields.js';
import {
  AUTH_AS_VALUES,
  AUTH_MECHANISM_SEEN,
  bclMeaning,
  crossPremisesMeaning,
  DIAGNOSTIC_FIELD,
  FOREFRONT_FIELDS,
  FOREFRONT_VALUES,
  MICROSOFT_HEADERS,
  ownEntry,
  sclMeaning,
} from './header-meanings.js';

export type { AntispamField, MicrosoftHeader } from '../../model/message-headers.js';



const MICROSOFT_PREFIX = /^(x-ms-|x-microsoft-|x-forefront-)/i;

function valueMeaningFor(name: string, value: string): string | null {
  const v = value.trim();
  switch (name) {
    case 'x-ms-exchange-organization-authas':
    case 'x-ms-exchange-crosstenant-authas':
    case 'x-ms-exchange-crosspremises-authas':
      return ownEntry(AUTH_AS_VALUES, v.toLowerCase()) ?? null;
    case 'x-ms-exchange-organization-authmechanism':
    case 'x-ms-exchange-crosspremises-authmechanism':
    {
      const seen = ownEntry(AUTH_MECHANISM_SEEN, v);
      return seen ? `not documented; ${seen}` : 'not documented';
    }
    case 'x-ms-exchange-organization-scl':
    case 'x-ms-exchange-crosspremises-scl':
      return sclMeaning(v);
    default:
      return null;
  }
}

/** Known Microsoft headers in header order, and the unknown X-MS-* ones kept verbatim. */
export function decodeMicrosoftHeaders(fields: readonly HeaderField[]): { known: MicrosoftHeader[]; unknown: { name: string; value: string; line: number }[] } {
  const known: MicrosoftHeader[] = [];
  const unknown: { name: string; value: string; line: number }[] = [];
  for (const f of fields) {
    const lower = f.name.toLowerCase();
    // Only names starting `x-` can be Microsoft's: the other fields (Received, From…) skip the lookups.
    if (!lower.startsWith('x-')) continue;
    const meaning = ownEntry(MICROSOFT_HEADERS, lower) ?? crossPremisesMeaning(f.name) ?? undefined;
    if (meaning !== undefined) known.push({ name: f.name, value: f.value, meaning, valueMeaning: valueMeaningFor(lower, f.value), line: f.line });
    else if (MICROSOFT_PREFIX.test(f.name)) unknown.push({ name: f.name, value: f.value, line: f.line });
  }
  return { known, unknown };
}

/**
 * `(null)`: what Exchange writes where a value or a whole field is missing
 * (`X-Microsoft-Antispam: UIP:(null);(null);(null)SFV:SKI`). It separates fields like `;` and
 * is never a key: `UIP:(null)` is UIP with no value, a lone `(null)` is no field, and
 * `(null)SFV:SKI` is the field SFV.
 */
const NULL_PLACEHOLDER = '(null)';

/** `KEY:value;KEY:value;…` — values may themselves hold colons (IPv6 CIP) but never `;`. */
function splitAntispam(value: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const part of value.split(';')) {
    for (const piece of part.split(NULL_PLACEHOLDER)) {
      const p = piece.trim();
      if (p === '') continue;
      const colon = p.indexOf(':');
      if (colon < 0) out.push({ key: p, value: '' });
      else out.push({ key: p.slice(0, colon).trim(), value: p.slice(colon + 1).trim() });
    }
  }
  return out;
}

/** Meaning of a documented verdict field's value ("empty", the documented text, or "undocumented"). */
function verdictMeaning(key: string, value: string): string {
  const values = ownEntry(FOREFRONT_VALUES, key);
  return value === '' ? 'empty' : ((values && ownEntry(values, value.toUpperCase())) ?? 'a value Microsoft does not document');
}

/** X-Forefront-Antispam-Report, every field; those Microsoft does not describe are said to be diagnostic [ASH]. */
export function decodeForefrontReport(value: string): AntispamField[] {
  return splitAntispam(value).map(({ key, value: v }) => {
    const upper = key.toUpperCase();
    const meaning = ownEntry(FOREFRONT_FIELDS, upper) ?? DIAGNOSTIC_FIELD;
    let valueMeaning: string | null = null;
    if (upper === 'SCL') valueMeaning = sclMeaning(v);
    else if (upper === 'CAT' || upper === 'DIR' || upper === 'IPV' || upper === 'SFV' || upper === 'SRV' || upper === 'SFTY') {
      valueMeaning = verdictMeaning(upper, v);
    } else if (upper === 'CTRY' || upper === 'PTR' || upper === 'H' || upper === 'CIP' || upper === 'LANG') {
      valueMeaning = v === '' ? 'empty' : null;
    }
    return { key, value: v, meaning, valueMeaning };
  });
}

/**
 * X-Microsoft-Antispam: BCL is documented for this header [ASH][BCL]; Exchange also writes the
 * spam filtering verdict here (`SFV:SKI` on mail inside the organization), which means what it
 * means in X-Forefront-Antispam-Report [ASH].
 */
export function decodeMicrosoftAntispam(value: string): AntispamField[] {
  return splitAntispam(value).map(({ key, value: v }) => {
    const upper = key.toUpperCase();
    if (upper === 'BCL') return { key, value: v, meaning: 'bulk complaint level [ASH][BCL]', valueMeaning: bclMeaning(v) };
    if (upper === 'SFV') return { key, value: v, meaning: FOREFRONT_FIELDS.SFV!, valueMeaning: verdictMeaning(upper, v) };
    return { key, value: v, meaning: DIAGNOSTIC_FIELD, valueMeaning: null };
  });
}

/** `TenantId=<guid>;Ip=[192.0.2.1];Helo=[host]` of X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp. */
export function parseAttributedTenantConnectingIp(value: string): { tenantId: string | null; ip: string | null; helo: string | null } {
  const get = (key: string) => {
    const m = new RegExp(`(?:^|;)\\s*${key}=\\[?([^;\\]]*)\\]?`, 'i').exec(value);
    return m ? m[1]!.trim() || null : null;
  };
  return { tenantId: get('TenantId'), ip: get('Ip'), helo: get('Helo') };
}

/**
 * The message's Enhanced Filtering signals (EXO-SEMANTICS M16, [EF]): what Exchange Online's
 * Authentication-Results says about SPF and compauth, and whether EF skip-listed a gateway
 * (X-MS-Exchange-SkipListedInternetSender). SPF against a gateway's address, compauth=fail and no
 * skip-list header show a gateway in front of Exchange Online without EF.
 */
export function enhancedFilteringSignals(
  headers: readonly MicrosoftHeader[],
  authentication: readonly AuthenticationResults[],
): Required<Pick<HeaderMessageObservation, 'spfResult' | 'spfSenderIp' | 'compauth' | 'skipListedInternetSender'>> {
  return {
    ...exchangeOnlineAuthentication(authentication),
    skipListedInternetSender: headers.some((h) => h.name.toLowerCase() === 'x-ms-exchange-skiplistedinternetsender'),
  };
}
