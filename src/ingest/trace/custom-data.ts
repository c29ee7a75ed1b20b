/**
 * The `custom_data` column of an extended message trace (and the CustomData blob inside
 * Get-MessageTraceDetail's `Data`), FORMATS.md 1d: records `S:<Key>=<Value>` separated by `;`,
 * the letter naming the value's type (`S` string, `I` integer, …). Some values hold `;`-separated
 * `key=value` pairs of their own (`S:InboundConnectorData=Name=Inbound from …;ConnectorType=
 * OnPremises;TenantId=…`), so a new record starts only where `;` is followed by a type letter, a
 * colon and a key (`;S:Oorg=`); any other `;` belongs to the value before it. Copies pasted from
 * a mail or a blog carry `; ` with a space (seed 001), which is accepted too.
 */

export interface CustomDataItem {
  /** The type letter before the colon (`S`, `I`, …), '' when the record had none. */
  type: string;
  key: string;
  /** Verbatim, '' when empty; null when the record had no `=` at all. */
  value: string | null;
}

/** `key=value` pairs inside one value, in order (duplicates kept). */
export type SubFields = Array<{ key: string; value: string }>;

export interface InboundConnectorData {
  name: string | null;
  type: string | null;
  tenantId: string | null;
  /** Every pair of the value, known keys included. */
  fields: SubFields;
}

export interface InboundTlsDetails {
  /** `TLSv1.2` from `TLS=SP_PROT_TLS1_2_SERVER`, null when not stated. */
  version: string | null;
  cipher: string | null;
  raw: string;
}

export interface DecodedCustomData {
  /** Every record in order, unknown keys and duplicates included. */
  items: CustomDataItem[];
  inboundConnector: InboundConnectorData | null;
  /** `S:Microsoft.Exchange.Hygiene.TenantOutboundConnectorCustomData=Name=…` on SEND events. */
  outboundConnector: InboundConnectorData | null;
  /** `HybridOnPrem`, `Hosted`, `Internet`, … (who Exchange Online took the sender to be). */
  fromEntity: string | null;
  toEntity: string | null;
  /** Originator organization: the organization Exchange Online attributed the message to. */
  originatorOrg: string | null;
  /** Empty values are null. */
  proxiedClientIp: string | null;
  proxiedClientHostname: string | null;
  inboundTls: InboundTlsDetails | null;
}

/**
 * Record boundaries and records are found by scanning characters, not with regular expressions:
 * an extended report has a custom_data cell on every entry and SEND event, and splitting it with
 * a lookahead regex and matching each record cost more than tokenizing the row. The scanner
 * follows the grammar exactly: a boundary is `;`, then whitespace (as `\s`), then a type letter
 * `A`–`Z`, `:`, one or more key characters `[A-Za-z0-9_.-]` and `=`, `;` or the end of the text;
 * a record is optional whitespace, an optional type letter and `:`, the key up to the first `=`
 * (trailing whitespace dropped) and the value after it.
 */
function isSpace(c: number): boolean {
  // The characters of `\s` (and of String.prototype.trim).
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function isKeyChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

/** Where the record after the `;` at `semi` starts, or -1 when that `;` is inside a value. */
function recordStartAfter(text: string, semi: number): number {
  const len = text.length;
  let p = semi + 1;
  while (p < len && isSpace(text.charCodeAt(p))) p++;
  const letter = text.charCodeAt(p);
  if (!(letter >= 65 && letter <= 90) || text.charCodeAt(p + 1) !== 58) return -1;
  let k = p + 2;
  while (k < len && isKeyChar(text.charCodeAt(k))) k++;
  if (k === p + 2) return -1;
  if (k < len && text.charCodeAt(k) !== 61 && text.charCodeAt(k) !== 59) return -1;
  return p;
}

/** The value without a trailing `;` and the whitespace after it (a record list ending in a separator). */
function withoutTrailingSemicolon(value: string): string {
  let e = value.length;
  while (e > 0 && isSpace(value.charCodeAt(e - 1))) e--;
  return e > 0 && value.charCodeAt(e - 1) === 59 ? value.slice(0, e - 1) : value;
}

export function decodeCustomData(text: string): DecodedCustomData {
  const out: DecodedCustomData = {
    items: [],
    inboundConnector: null,
    outboundConnector: null,
    fromEntity: null,
    toEntity: null,
    originatorOrg: null,
    proxiedClientIp: null,
    proxiedClientHostname: null,
    inboundTls: null,
  };
  const len = text.length;
  let from = 0;
  while (from <= len) {
    // The record runs to the next boundary (`;` + whitespace consumed), or to the end.
    let end = len;
    let next = len + 1;
    for (let semi = text.indexOf(';', from); semi >= 0; semi = text.indexOf(';', semi + 1)) {
      const start = recordStartAfter(text, semi);
      if (start >= 0) {
        end = semi;
        next = start;
        break;
      }
    }
    const recordFrom = from;
    from = next;
    let p = recordFrom;
    while (p < end && isSpace(text.charCodeAt(p))) p++;
    // Blank records (between two separators, or a blank cell) are no record.
    if (p === end) continue;
    let type = '';
    if (p + 1 < end && text.charCodeAt(p + 1) === 58) {
      const letter = text.charCodeAt(p);
      if (letter >= 65 && letter <= 90) {
        type = text[p]!;
        p += 2;
      }
    }
    let eq = text.indexOf('=', p);
    if (eq >= end) eq = -1;
    let keyEnd = eq < 0 ? end : eq;
    while (keyEnd > p && isSpace(text.charCodeAt(keyEnd - 1))) keyEnd--;
    const key = text.slice(p, keyEnd);
    const value = eq < 0 ? null : withoutTrailingSemicolon(text.slice(eq + 1, end));
    out.items.push({ type, key, value });
    const v = value === null ? null : value.trim();
    switch (key) {
      case 'InboundConnectorData':
        out.inboundConnector ??= connectorData(v ?? '');
        break;
      case 'Microsoft.Exchange.Hygiene.TenantOutboundConnectorCustomData':
        out.outboundConnector ??= connectorData(v ?? '');
        break;
      case 'FromEntity':
        out.fromEntity ??= v || null;
        break;
      case 'ToEntity':
        out.toEntity ??= v || null;
        break;
      case 'Oorg':
        out.originatorOrg ??= v || null;
        break;
      case 'ProxiedClientIPAddress':
        out.proxiedClientIp ??= v || null;
        break;
      case 'ProxiedClientHostname':
        out.proxiedClientHostname ??= v || null;
        break;
      case 'InboundTlsDetails':
        out.inboundTls ??= v ? tlsDetails(v) : null;
        break;
    }
  }
  return out;
}

/**
 * `Name=Inbound from X;ConnectorType=OnPremises;TenantId=…`: a chunk that does not start with a
 * key and `=` continues the value before it (a connector name may itself contain `;`).
 */
export function subFields(value: string): SubFields {
  const out: SubFields = [];
  for (const chunk of value.split(';')) {
    // `key=value`: optional whitespace, a letter, key characters, `=` (scanned, as in decodeCustomData).
    let p = 0;
    while (p < chunk.length && isSpace(chunk.charCodeAt(p))) p++;
    const letter = chunk.charCodeAt(p) | 32;
    let k = p + 1;
    if (letter >= 97 && letter <= 122) while (k < chunk.length && isKeyChar(chunk.charCodeAt(k))) k++;
    if (letter >= 97 && letter <= 122 && chunk.charCodeAt(k) === 61) out.push({ key: chunk.slice(p, k), value: chunk.slice(k + 1).trim() });
    else if (out.length > 0) out[out.length - 1]!.value += `;${chunk}`;
    else if (chunk.trim() !== '') out.push({ key: '', value: chunk.trim() });
  }
  return out;
}

function first(fields: SubFields, key: string): string | null {
  const lower = key.toLowerCase();
  const f = fields.find((x) => x.key.toLowerCase() === lower);
  return f && f.value !== '' ? f.value : null;
}

function connectorData(value: string): InboundConnectorData {
  const fields = subFields(value);
  // A value without `Name=` (seen truncated in copies) is the name itself.
  const bare = fields.length === 1 && fields[0]!.key === '' ? fields[0]!.value : null;
  return { name: first(fields, 'Name') ?? bare, type: first(fields, 'ConnectorType'), tenantId: first(fields, 'TenantId'), fields };
}

/** Schannel protocol names (SP_PROT_TLS1_2_SERVER / _CLIENT) as TLS versions. */
const SCHANNEL_VERSIONS: Record<string, string> = {
  SSL2: 'SSLv2',
  SSL3: 'SSLv3',
  TLS1: 'TLSv1',
  TLS1_0: 'TLSv1',
  TLS1_1: 'TLSv1.1',
  TLS1_2: 'TLSv1.2',
  TLS1_3: 'TLSv1.3',
};

function tlsDetails(raw: string): InboundTlsDetails {
  const fields = subFields(raw);
  const protocol = first(fields, 'TLS') ?? first(fields, 'Protocol') ?? raw;
  const m = /SP_PROT_(SSL[23]|TLS1(?:_[0-3])?)_(?:SERVER|CLIENT)/i.exec(protocol) ?? /\b(TLS ?1\.[0-3]|TLSv1(?:\.[0-3])?)\b/i.exec(protocol);
  let version: string | null = null;
  if (m) {
    const k = m[1]!.toUpperCase().replace(/^TLSV?\s?/, 'TLS').replace('.', '_');
    version = SCHANNEL_VERSIONS[k] ?? null;
  }
  return { version, cipher: first(fields, 'Cipher') ?? first(fields, 'CipherSuite'), raw };
}
