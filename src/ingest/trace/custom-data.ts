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

/** `;` then optional spaces, a type letter, `:`, a key, `=` (or the record's end): a record boundary. */
const RECORD_START = /;\s*(?=[A-Z]:[A-Za-z0-9_.\-]+(?:=|;|$))/g;
const RECORD = /^\s*(?:([A-Z]):)?([^=]*?)\s*(?:=([\s\S]*))?$/;

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
  if (text.trim() === '') return out;
  for (const record of text.split(RECORD_START)) {
    if (record.trim() === '') continue;
    const m = RECORD.exec(record);
    if (!m) continue;
    const type = m[1] ?? '';
    const key = m[2] ?? '';
    // Trailing `;` (a record list ending in a separator) is not part of the value.
    const value = m[3] === undefined ? null : m[3].replace(/;\s*$/, '');
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
    const m = /^\s*([A-Za-z][A-Za-z0-9_.\-]*)=([\s\S]*)$/.exec(chunk);
    if (m) out.push({ key: m[1]!, value: m[2]!.trim() });
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
