import type { HeaderHop, HeaderMessageObservation } from '../../model/evidence.js';
import type { DecodedHop, DecodedMessage, MessageVerdicts } from '../../model/message-headers.js';
import { buildArcSets, parseAuthenticationResults, parseReceivedSpf } from './authentication-results.js';
import type { HeaderField } from './header-fields.js';
import { decodeEncodedWords } from './header-text.js';
import { buildHops, gatewayHopsInHybridPath, lowestTlsVersion } from './hop-chain.js';
import { ownEntry } from './header-meanings.js';
import { mailDateToIso } from './mail-date.js';
import type { RawMessage } from './message-split.js';
import {
  decodeForefrontReport,
  decodeMicrosoftAntispam,
  decodeMicrosoftHeaders,
  enhancedFilteringSignals,
  parseAttributedTenantConnectingIp,
} from './microsoft-headers.js';

export type { DecodedMessage, MessageVerdicts } from '../../model/message-headers.js';



/** Fields by lower-cased name, in header order (topmost first): built once per message. */
type FieldIndex = Map<string, HeaderField[]>;

function indexFields(fields: readonly HeaderField[]): FieldIndex {
  const index: FieldIndex = new Map();
  for (const f of fields) {
    const key = f.name.toLowerCase();
    const list = index.get(key);
    if (list) list.push(f);
    else index.set(key, [f]);
  }
  return index;
}

function fieldsNamed(index: FieldIndex, name: string): HeaderField[] {
  return index.get(name.toLowerCase()) ?? [];
}

/** The topmost (most recently stamped) value of a header, trimmed; null when absent or empty. */
function first(index: FieldIndex, name: string): string | null {
  const v = fieldsNamed(index, name)[0]?.value.trim();
  return v ? v : null;
}

export const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function internalVerdict(authAs: string | null, crossTenantAuthAs: string | null): { value: boolean | null; basis: string | null } {
  const pick = authAs !== null ? { header: 'X-MS-Exchange-Organization-AuthAs', value: authAs } : crossTenantAuthAs !== null ? { header: 'X-MS-Exchange-CrossTenant-AuthAs', value: crossTenantAuthAs } : null;
  if (!pick) return { value: null, basis: null };
  const v = pick.value.toLowerCase();
  const value = v === 'internal' ? true : v === 'anonymous' || v === 'external' || v === 'partner' ? false : null;
  return { value, basis: `${pick.header}: ${pick.value}` };
}

const DIRECTIONS: Record<string, MessageVerdicts['antispamDirection']> = { INB: 'inbound', OUT: 'outbound', INT: 'internal' };

export function antispamDirection(report: string | null): MessageVerdicts['antispamDirection'] {
  const m = report === null ? null : /(?:^|;)\s*DIR:\s*([A-Za-z]+)/.exec(report);
  return m ? (ownEntry(DIRECTIONS, m[1]!.toUpperCase()) ?? null) : null;
}

export function decodeMessage(raw: RawMessage, file: string): DecodedMessage {
  const fields = indexFields(raw.fields);
  const hops = buildHops(fieldsNamed(fields, 'Received'));
  const { known, unknown } = decodeMicrosoftHeaders(raw.fields);
  const kinds = new Set(hops.map((h) => h.kind));
  const authAs = first(fields, 'X-MS-Exchange-Organization-AuthAs');
  const crossTenantAuthAs = first(fields, 'X-MS-Exchange-CrossTenant-AuthAs');
  const internal = internalVerdict(authAs, crossTenantAuthAs);
  const forefront = first(fields, 'X-Forefront-Antispam-Report');
  const antispam = first(fields, 'X-Microsoft-Antispam');
  const authResults = [...fieldsNamed(fields, 'Authentication-Results'), ...fieldsNamed(fields, 'X-MS-Exchange-Authentication-Results')].map((f) =>
    parseAuthenticationResults(f.name, f.value, f.line),
  );
  // Received-SPF (RFC 7208 §9.1) is shown with them, as one spf result each.
  const receivedSpf = fieldsNamed(fields, 'Received-SPF').flatMap((f) => parseReceivedSpf(f.value, f.line) ?? []);
  const arcResults = fieldsNamed(fields, 'ARC-Authentication-Results').map((f) => parseAuthenticationResults(f.name, f.value, f.line));
  const attributed = first(fields, 'X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp');
  const eopTenant = first(fields, 'X-EOPTenantAttributedMessage');
  const tenantId =
    first(fields, 'X-MS-Exchange-CrossTenant-Id') ??
    (eopTenant ? (GUID.exec(eopTenant)?.[0] ?? null) : null) ??
    (attributed ? parseAttributedTenantConnectingIp(attributed).tenantId : null);
  const subject = first(fields, 'Subject');
  const from = first(fields, 'From');
  const to = first(fields, 'To');
  const date = first(fields, 'Date');
  return {
    source: { file, line: raw.line },
    messageId: first(fields, 'Message-ID'),
    subject: subject === null ? null : decodeEncodedWords(subject),
    from: from === null ? null : decodeEncodedWords(from),
    to: to === null ? null : decodeEncodedWords(to),
    date: date === null ? null : mailDateToIso(date),
    garbled: raw.garbled,
    fieldCount: raw.fields.length,
    hops,
    verdicts: {
      crossedPremises: kinds.has('exchange-online') && (kinds.has('exchange-on-premises') || kinds.has('exchange-edge')),
      treatedAsInternal: internal.value,
      internalBasis: internal.basis,
      gatewayHopsInHybridPath: gatewayHopsInHybridPath(hops),
      lowestTlsVersion: lowestTlsVersion(hops),
      hopsWithoutTls: hops.filter((h) => h.tls === null).map((h) => h.number),
      clockSkewHops: hops.filter((h) => h.clockSkew).map((h) => h.number),
      tenantId,
      antispamDirection: antispamDirection(forefront),
    },
    microsoftHeaders: known.map((h) => ({ ...h, value: decodeEncodedWords(h.value) })),
    forefrontAntispamReport: forefront === null ? null : decodeForefrontReport(forefront),
    microsoftAntispam: antispam === null ? null : decodeMicrosoftAntispam(antispam),
    authenticationResults: [...authResults.map(({ instance: _instance, ...r }) => r), ...receivedSpf],
    arc: buildArcSets(fieldsNamed(fields, 'ARC-Seal'), fieldsNamed(fields, 'ARC-Message-Signature'), arcResults),
    unknownMicrosoftHeaders: unknown.map((u) => ({ ...u, value: decodeEncodedWords(u.value) })),
  };
}

/** A decoded hop as evidence: what the rules read of it. */
export function observedHop(h: DecodedHop): HeaderHop {
  const hop: HeaderHop = { from: h.from, by: h.by, with: h.with, ip: h.ip, tls: h.tls, date: h.date, delaySeconds: h.delaySeconds, kind: h.kind };
  // Only when set, in this order (reports list the keys as they were added).
  if (h.clockSkew) hop.clockSkew = true;
  if (h.serverBuild) hop.serverBuild = h.serverBuild;
  return hop;
}

type StampName =
  | 'x-ms-exchange-organization-authas'
  | 'x-ms-exchange-organization-authsource'
  | 'x-ms-exchange-organization-authmechanism'
  | 'x-ms-exchange-crosstenant-id'
  | 'x-ms-exchange-crosstenant-authas'
  | 'x-ms-exchange-crosstenant-fromentityheader'
  | 'x-ms-exchange-organization-messagedirectionality'
  | 'x-originatororg';

/** The Microsoft stamps an observation carries as they are (first header of each name, trimmed; null when absent). */
export function stampedFields(header: (name: StampName) => string | null) {
  return {
    authAs: header('x-ms-exchange-organization-authas'),
    authSource: header('x-ms-exchange-organization-authsource'),
    authMechanism: header('x-ms-exchange-organization-authmechanism'),
    crossTenantId: header('x-ms-exchange-crosstenant-id'),
    crossTenantAuthAs: header('x-ms-exchange-crosstenant-authas'),
    crossTenantFromEntityHeader: header('x-ms-exchange-crosstenant-fromentityheader'),
    directionality: header('x-ms-exchange-organization-messagedirectionality'),
    originatorOrg: header('x-originatororg'),
  };
}

/** The evidence the rules read (model/evidence.ts). */
export function toObservation(m: DecodedMessage): HeaderMessageObservation {
  // The first header of each name, looked up by name: one pass instead of a scan per lookup.
  const firstByName = new Map<string, string>();
  for (const h of m.microsoftHeaders) {
    const lower = h.name.toLowerCase();
    if (!firstByName.has(lower)) firstByName.set(lower, h.value);
  }
  const header = (name: string) => firstByName.get(name)?.trim() || null;
  const attributed = header('x-ms-exchange-crosstenant-originalattributedtenantconnectingip');
  const eopTenant = header('x-eoptenantattributedmessage');
  return {
    messageId: m.messageId,
    subject: m.subject,
    from: m.from,
    hops: m.hops.map(observedHop),
    ...stampedFields(header),
    crossedPremises: m.verdicts.crossedPremises,
    treatedAsInternal: m.verdicts.treatedAsInternal,
    hybridPathGatewayHops: m.verdicts.gatewayHopsInHybridPath,
    lowestTlsVersion: m.verdicts.lowestTlsVersion,
    crossTenantAuthSource: header('x-ms-exchange-crosstenant-authsource'),
    attributedTenantId: (eopTenant ? (GUID.exec(eopTenant)?.[0] ?? null) : null) ?? (attributed ? parseAttributedTenantConnectingIp(attributed).tenantId : null),
    crossPremisesHeadersFilteredBySendConnector: header('x-crosspremisesheadersfilteredbysendconnector'),
    antispamDirection: m.verdicts.antispamDirection,
    // Enhanced Filtering signals (EXO-SEMANTICS M16): SPF's evaluated IP, compauth, skip-listing.
    // Exchange Online's own verdicts come from its Authentication-Results (M16); Received-SPF may be any receiver's.
    ...enhancedFilteringSignals(m.microsoftHeaders, m.authenticationResults.filter((h) => h.header !== 'Received-SPF')),
    source: m.source,
  };
}
