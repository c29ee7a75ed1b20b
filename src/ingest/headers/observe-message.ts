import type { HeaderMessageObservation } from '../../model/evidence.js';
import { exchangeOnlineAuthentication } from './authentication-results.js';
import { parseAuthResultsValue, type ParsedAuthenticationResults } from './authres-grammar.js';
import { antispamDirection, GUID, internalVerdict, stampedFields } from './decode-message.js';
import type { HeaderField } from './header-fields.js';
import { crossPremisesMeaning, MICROSOFT_HEADERS, ownEntry } from './header-meanings.js';
import { decodeEncodedWords } from './header-text.js';
import { gatewayHopsInHybridPath, lowestTlsVersion, observedHops } from './hop-chain.js';
import type { RawMessage } from './message-split.js';
import { parseAttributedTenantConnectingIp } from './microsoft-headers.js';

/**
 * The evidence of one message straight from its header block: the same HeaderMessageObservation
 * as `toObservation(decodeMessage(raw, file))`, without what only the `headers` report shows
 * (anti-spam breakdowns, ARC, header meanings, unknown X-MS-* headers, To, Date). An mbox of a
 * hundred thousand messages is read for its evidence alone, so that work is skipped.
 */

/** The Microsoft headers the observation reads (toObservation), by lower-cased name → slot. */
const WATCHED = [
  'x-ms-exchange-organization-authas',
  'x-ms-exchange-organization-authsource',
  'x-ms-exchange-organization-authmechanism',
  'x-ms-exchange-crosstenant-id',
  'x-ms-exchange-crosstenant-authas',
  'x-ms-exchange-crosstenant-fromentityheader',
  'x-ms-exchange-organization-messagedirectionality',
  'x-originatororg',
  'x-ms-exchange-crosstenant-authsource',
  'x-ms-exchange-crosstenant-originalattributedtenantconnectingip',
  'x-eoptenantattributedmessage',
  'x-crosspremisesheadersfilteredbysendconnector',
  'x-ms-exchange-skiplistedinternetsender',
] as const;
type Watched = (typeof WATCHED)[number];

/**
 * toObservation reads a header only when decodeMicrosoftHeaders kept it (a name with a meaning):
 * a name without one is never read, so it is not watched at all.
 */
const SLOT = new Map<string, number>();
WATCHED.forEach((name, i) => {
  if (ownEntry(MICROSOFT_HEADERS, name) !== undefined || crossPremisesMeaning(name) !== null) SLOT.set(name, i);
});
const slotOf = (name: Watched): number => WATCHED.indexOf(name);

/** The other fields the observation reads, by lower-cased name. */
const OTHER = ['received', 'message-id', 'subject', 'from', 'authentication-results', 'x-ms-exchange-authentication-results', 'x-forefront-antispam-report'] as const;

/** What a field name is to the observation: one of OTHER (its index), and/or a watched slot, or nothing (-1). */
interface NameRole {
  other: number;
  slot: number;
  /** decodeMessage reads the two AuthAs headers by name, whatever their meaning (internalVerdict): 1 Organization, 2 CrossTenant. */
  authAs: 0 | 1 | 2;
}

const IGNORED: NameRole = { other: -1, slot: -1, authAs: 0 };

function roleOf(name: string): NameRole {
  const lower = name.toLowerCase();
  const other = (OTHER as readonly string[]).indexOf(lower);
  const slot = SLOT.get(lower) ?? -1;
  const authAs = lower === 'x-ms-exchange-organization-authas' ? 1 : lower === 'x-ms-exchange-crosstenant-authas' ? 2 : 0;
  return other < 0 && slot < 0 && authAs === 0 ? IGNORED : { other, slot, authAs };
}

/**
 * Roles by field name as written: a mailbox's messages use a few hundred names, mostly spelt the
 * same way, so each is lower-cased and looked up once. Bounded: past the limit, names are
 * looked up every time.
 */
const ROLES = new Map<string, NameRole>();
const ROLES_KEPT = 4096;

/**
 * Lengths of the names with a role: most fields of a message (Thread-Index, Content-Type, the
 * many X-MS-* stamps) have another length and are told IGNORED without hashing the name. Field
 * names are ASCII (startsField), so lower-casing keeps their length.
 */
const ROLE_LENGTHS = new Set<number>([...OTHER, ...WATCHED].map((n) => n.length));

/**
 * The last name met of each length (modulo NAME_SLOTS, a power of two) and its role: messages
 * from one system list their fields in the same order, so a name is most often found here by
 * comparing it whole, without hashing it for ROLES.
 */
const NAME_SLOTS = 64;
const slotNames: (string | undefined)[] = new Array(NAME_SLOTS);
const slotRoles: (NameRole | undefined)[] = new Array(NAME_SLOTS);

function cachedRole(name: string): NameRole {
  if (!ROLE_LENGTHS.has(name.length)) return IGNORED;
  const slot = name.length & (NAME_SLOTS - 1);
  if (slotNames[slot] === name) return slotRoles[slot]!;
  let role = ROLES.get(name);
  if (role === undefined) {
    role = roleOf(name);
    if (ROLES.size < ROLES_KEPT) ROLES.set(name, role);
  }
  slotNames[slot] = name;
  slotRoles[slot] = role;
  return role;
}

const [RECEIVED, MESSAGE_ID, SUBJECT, FROM, AUTHENTICATION_RESULTS, EXCHANGE_AUTHENTICATION_RESULTS, FOREFRONT] = [0, 1, 2, 3, 4, 5, 6];

/** decode-message.ts `first`: the topmost field's value trimmed, null when absent or empty. */
function firstValue(f: HeaderField | undefined): string | null {
  const v = f?.value.trim();
  return v ? v : null;
}

/**
 * Parsed Authentication-Results by value: a receiver writes the same text for every message from
 * the same sender domain and address, so a mailbox holds few distinct values. The parse is only
 * read here (exchangeOnlineAuthentication), never changed, so it is shared. Bounded in entries
 * and key length; emptied when full.
 */
const AUTH_RESULTS = new Map<string, ParsedAuthenticationResults>();
const AUTH_RESULTS_KEPT = 1024;
const AUTH_RESULTS_KEY_MAX = 2048;

/** The last value parsed and its parse: compared whole before the map hashes the value. */
let lastAuthResultsValue: string | null = null;
let lastAuthResults: ParsedAuthenticationResults | null = null;

function parsedAuthResults(value: string): ParsedAuthenticationResults {
  if (value.length > AUTH_RESULTS_KEY_MAX) return parseAuthResultsValue(value);
  if (value === lastAuthResultsValue) return lastAuthResults!;
  let parsed = AUTH_RESULTS.get(value);
  if (parsed === undefined) {
    parsed = parseAuthResultsValue(value);
    if (AUTH_RESULTS.size >= AUTH_RESULTS_KEPT) AUTH_RESULTS.clear();
    AUTH_RESULTS.set(value, parsed);
  }
  lastAuthResultsValue = value;
  lastAuthResults = parsed;
  return parsed;
}

/**
 * A shallow copy of `o` by spread (arrays are copied by slice), keys in the same order. Why: V8
 * tracks each object and array literal's allocation site, and once the objects of a site are
 * seen to live long — the evidence collector keeps the first messages' observations — every later
 * object of that site is allocated straight in the old generation (pretenuring). Reading a
 * mailbox, hundreds of thousands of short-lived observations there made garbage collection a
 * third of the reading time. A literal copied at once dies young, and a copy has no allocation
 * site (checked with node --trace-pretenuring-statistics: no site is tenured).
 */
function unsited<T extends object>(o: T): T {
  return { ...o };
}

/**
 * The fields observeMessage reads: the splitter leaves all others out, undecoded (HeaderBlock) —
 * the greater part of a message's header bytes.
 */
observeMessage.readsField = (name: string): boolean => cachedRole(name) !== IGNORED;

export function observeMessage(raw: RawMessage, file: string): HeaderMessageObservation {
  const received: HeaderField[] = [];
  const authentication: HeaderField[] = [];
  const exchangeAuthentication: HeaderField[] = [];
  let messageId: HeaderField | undefined;
  let subject: HeaderField | undefined;
  let from: HeaderField | undefined;
  let forefront: HeaderField | undefined;
  let organizationAuthAs: HeaderField | undefined;
  let crossTenantAuthAsField: HeaderField | undefined;
  // First watched (known) Microsoft header of each name, as toObservation's firstByName.
  const watched: (HeaderField | undefined)[] = new Array(WATCHED.length);
  for (const f of raw.fields) {
    const role = cachedRole(f.name);
    if (role === IGNORED) continue;
    switch (role.other) {
      case RECEIVED:
        received.push(f);
        continue;
      case MESSAGE_ID:
        messageId ??= f;
        continue;
      case SUBJECT:
        subject ??= f;
        continue;
      case FROM:
        from ??= f;
        continue;
      case AUTHENTICATION_RESULTS:
        authentication.push(f);
        continue;
      case EXCHANGE_AUTHENTICATION_RESULTS:
        exchangeAuthentication.push(f);
        continue;
      case FOREFRONT:
        forefront ??= f;
        continue;
    }
    if (role.authAs === 1) organizationAuthAs ??= f;
    else if (role.authAs === 2) crossTenantAuthAsField ??= f;
    const slot = role.slot;
    if (slot >= 0 && watched[slot] === undefined) watched[slot] = f;
  }
  const header = (name: Watched): string | null => {
    const f = watched[slotOf(name)];
    return f === undefined ? null : decodeEncodedWords(f.value).trim() || null;
  };
  const hops = observedHops(received);
  let crossedCloud = false;
  let crossedOnPremises = false;
  for (const h of hops) {
    if (h.kind === 'exchange-online') crossedCloud = true;
    else if (h.kind === 'exchange-on-premises' || h.kind === 'exchange-edge') crossedOnPremises = true;
  }
  const internal = internalVerdict(firstValue(organizationAuthAs), firstValue(crossTenantAuthAsField));
  const attributed = header('x-ms-exchange-crosstenant-originalattributedtenantconnectingip');
  const eopTenant = header('x-eoptenantattributedmessage');
  const subjectText = firstValue(subject);
  const fromText = firstValue(from);
  const parsed: ParsedAuthenticationResults[] = [];
  for (const f of authentication) parsed.push(parsedAuthResults(f.value));
  for (const f of exchangeAuthentication) parsed.push(parsedAuthResults(f.value));
  // Kept objects are copies made by builtins (see unsited): the collector keeps the first
  // messages' observations, which must not make V8 pretenure the literals below.
  return unsited({
    messageId: firstValue(messageId),
    subject: subjectText === null ? null : decodeEncodedWords(subjectText),
    from: fromText === null ? null : decodeEncodedWords(fromText),
    hops: hops.slice(),
    ...stampedFields(header),
    crossedPremises: crossedCloud && crossedOnPremises,
    treatedAsInternal: internal.value,
    hybridPathGatewayHops: gatewayHopsInHybridPath(hops).slice(),
    lowestTlsVersion: lowestTlsVersion(hops),
    crossTenantAuthSource: header('x-ms-exchange-crosstenant-authsource'),
    attributedTenantId: (eopTenant ? (GUID.exec(eopTenant)?.[0] ?? null) : null) ?? (attributed ? parseAttributedTenantConnectingIp(attributed).tenantId : null),
    crossPremisesHeadersFilteredBySendConnector: header('x-crosspremisesheadersfilteredbysendconnector'),
    antispamDirection: antispamDirection(firstValue(forefront)),
    // Enhanced Filtering signals (EXO-SEMANTICS M16), as enhancedFilteringSignals reads them.
    ...exchangeOnlineAuthentication(parsed),
    skipListedInternetSender: watched[slotOf('x-ms-exchange-skiplistedinternetsender')] !== undefined,
    source: unsited({ file, line: raw.line }),
  });
}
