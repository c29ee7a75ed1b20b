/**
 * Writes objects the way `Export-Clixml` does (FORMATS.md 4.4, MS-PSRP 2.2.5): UTF-16LE with a
 * byte-order mark, `<Objs Version="1.1.0.1">`, one `<Obj RefId>` per object with its type names in
 * `<TN>` the first time a list of names appears and `<TNRef>` after, `<ToString>`, typed `<Props>`.
 * Objects from a remote Exchange session: `Deserialized.` type names, Exchange values
 * pre-stringified (FORMATS.md 4.2), multi-valued properties as `<Obj><LST>`, dates as `<DT>` with
 * the exporting machine's offset, the remoting note properties (`PSComputerName`, …) in `<MS>`.
 * Enums of types outside Exchange's data layer arrive as `<Obj>` with `<ToString>` and `<I32>`.
 */

type Obj = Record<string, unknown>;

const NS = 'http://schemas.microsoft.com/powershell/2004/04';
const DATA = 'Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';
const DIRECTORY = 'Microsoft.Exchange.Data.Directory, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';

/** The export's clock: Pacific standard time, as an admin in Redmond would have it. */
const OFFSET_MINUTES = -8 * 60;

const AD_CHAIN = [
  'Deserialized.Microsoft.Exchange.Data.Directory.ADConfigurationObject',
  'Deserialized.Microsoft.Exchange.Data.Directory.ADObject',
  'Deserialized.Microsoft.Exchange.Data.ConfigurableObject',
  'Deserialized.System.Object',
];

/** Type names per export file (writer's file key), most specific first. */
export const CLIXML_TYPES: Record<string, string[]> = {
  inbound: ['Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantInboundConnector', ...AD_CHAIN],
  outbound: ['Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantOutboundConnector', ...AD_CHAIN],
  'accepted-domains': ['Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain', ...AD_CHAIN],
  'journal-rules': ['Deserialized.Microsoft.Exchange.MessagingPolicies.Journaling.JournalRuleObject', 'Deserialized.Microsoft.Exchange.MessagingPolicies.Rules.Tasks.RulePresentationObjectBase', 'Deserialized.Microsoft.Exchange.Data.Directory.ADPresentationObject', 'Deserialized.Microsoft.Exchange.Data.ConfigurableObject', 'Deserialized.System.Object'],
  servers: ['Deserialized.Microsoft.Exchange.Data.Directory.Management.ExchangeServer', 'Deserialized.Microsoft.Exchange.Data.Directory.ADPresentationObject', 'Deserialized.Microsoft.Exchange.Data.ConfigurableObject', 'Deserialized.System.Object'],
  'send-connectors': [
    'Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig',
    'Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.SendConnector',
    'Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.MailGateway',
    'Deserialized.Microsoft.Exchange.Data.Directory.ADLegacyVersionableObject',
    ...AD_CHAIN,
  ],
  'receive-connectors': ['Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector', ...AD_CHAIN],
  'remote-domains': ['Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.DomainContentConfig', ...AD_CHAIN],
  certificates: [
    'Deserialized.Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate',
    'Deserialized.System.Security.Cryptography.X509Certificates.X509Certificate2',
    'Deserialized.System.Security.Cryptography.X509Certificates.X509Certificate',
    'Deserialized.System.Object',
  ],
};

/** Element type of each multi-valued property, for its `MultiValuedProperty`1[[…]]` type name. */
const ELEMENT_TYPES: Record<string, string> = {
  SenderIPAddresses: `Microsoft.Exchange.Data.IPRange, ${DATA}`,
  RemoteIPRanges: `Microsoft.Exchange.Data.IPRange, ${DATA}`,
  SenderDomains: `Microsoft.Exchange.Data.AddressSpace, ${DATA}`,
  AddressSpaces: `Microsoft.Exchange.Data.AddressSpace, ${DATA}`,
  SmartHosts: `Microsoft.Exchange.Data.SmartHost, ${DATA}`,
  RecipientDomains: `Microsoft.Exchange.Data.SmtpDomainWithSubdomains, ${DATA}`,
  CertificateDomains: `Microsoft.Exchange.Data.SmtpDomainWithSubdomains, ${DATA}`,
  SourceTransportServers: `Microsoft.Exchange.Data.Directory.ADObjectId, ${DIRECTORY}`,
};

/** Enums written as `<Obj>` with name and number (not pre-stringified), with their type and values. */
const ENUMS: Record<string, { type: string; values: Record<string, number>; flags?: boolean }> = {
  Services: { type: 'Microsoft.Exchange.Management.SystemConfigurationTasks.AllowedServices', values: { None: 0, IMAP: 1, POP: 2, UM: 4, IIS: 8, SMTP: 16, Federation: 32, UMCallRouter: 64 }, flags: true },
  RootCAType: { type: 'Microsoft.Exchange.Security.Cryptography.X509Certificates.CertificateRootCAType', values: { None: 0, ThirdParty: 1, Enterprise: 2, Registry: 3, GroupPolicy: 4, Unknown: 5 } },
  Status: { type: 'Microsoft.Exchange.Management.SystemConfigurationTasks.CertificateStatus', values: { Unknown: 0, Valid: 1, Revoked: 2, DateInvalid: 3, Untrusted: 4, Invalid: 5, RevocationCheckFailure: 6, PendingRequest: 7 } },
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Properties PowerShell remoting adds to every object; they go to `<MS>`. */
const REMOTING = new Set(['PSComputerName', 'RunspaceId', 'PSShowComputerName']);

/** XML text, with what XML cannot carry (and a literal `_x…_`) escaped the PowerShell way. */
export function psText(s: string): string {
  return s
    .replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\r\n]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A date as `<DT>` holds it: local time with its offset, seven fraction digits when there are any. */
function dateText(ms: number): string {
  const local = new Date(ms + OFFSET_MINUTES * 60_000);
  const sign = OFFSET_MINUTES < 0 ? '-' : '+';
  const abs = Math.abs(OFFSET_MINUTES);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const base = local.toISOString().slice(0, 19);
  const fraction = local.getUTCMilliseconds() === 0 ? '' : `.${String(local.getUTCMilliseconds()).padStart(3, '0')}0000`;
  return `${base}${fraction}${offset}`;
}

class ClixmlWriter {
  private objRef = 0;
  private readonly typeRefs = new Map<string, number>();
  private readonly lines: string[] = [];

  /** `<TN>` the first time a list of type names appears, `<TNRef>` after. */
  private typeNames(names: string[], indent: string): void {
    const key = names.join('\n');
    const known = this.typeRefs.get(key);
    if (known !== undefined) {
      this.lines.push(`${indent}<TNRef RefId="${known}" />`);
      return;
    }
    const id = this.typeRefs.size;
    this.typeRefs.set(key, id);
    this.lines.push(`${indent}<TN RefId="${id}">`);
    for (const n of names) this.lines.push(`${indent}  <T>${psText(n)}</T>`);
    this.lines.push(`${indent}</TN>`);
  }

  private value(name: string | null, v: unknown, indent: string): void {
    const n = name === null ? '' : ` N="${psText(name)}"`;
    if (v === null || v === undefined) {
      this.lines.push(`${indent}<Nil${n} />`);
    } else if (typeof v === 'boolean') {
      this.lines.push(`${indent}<B${n}>${v}</B>`);
    } else if (typeof v === 'number') {
      this.lines.push(Number.isInteger(v) ? `${indent}<I32${n}>${v}</I32>` : `${indent}<Db${n}>${v}</Db>`);
    } else if (typeof v === 'string') {
      const enumInfo = name === null ? undefined : ENUMS[name];
      if (enumInfo) this.enumValue(n, v, enumInfo, indent);
      else if (GUID.test(v) && (name === 'Guid' || name === 'RunspaceId')) this.lines.push(`${indent}<G${n}>${v}</G>`);
      else this.lines.push(`${indent}<S${n}>${psText(v)}</S>`);
    } else if (Array.isArray(v)) {
      const element = (name !== null && ELEMENT_TYPES[name]) || 'System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089';
      this.lines.push(`${indent}<Obj${n} RefId="${this.objRef++}">`);
      this.typeNames([`Deserialized.Microsoft.Exchange.Data.MultiValuedProperty\`1[[${element}]]`, 'Deserialized.Microsoft.Exchange.Data.MultiValuedPropertyBase', 'Deserialized.System.Object'], `${indent}  `);
      if (v.length === 0) {
        this.lines.push(`${indent}  <LST />`);
      } else {
        this.lines.push(`${indent}  <LST>`);
        for (const item of v) this.value(null, item, `${indent}    `);
        this.lines.push(`${indent}  </LST>`);
      }
      this.lines.push(`${indent}</Obj>`);
    } else if (typeof v === 'object' && typeof (v as Obj).date === 'number' && Object.keys(v as Obj).length === 1) {
      this.lines.push(`${indent}<DT${n}>${dateText((v as { date: number }).date)}</DT>`);
    } else {
      throw new Error(`clixml-writer: no rendering for ${name ?? 'an item'} = ${JSON.stringify(v)}`);
    }
  }

  private enumValue(n: string, text: string, info: { type: string; values: Record<string, number>; flags?: boolean }, indent: string): void {
    const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const number = names.reduce((acc, x) => (info.flags ? acc | (info.values[x] ?? 0) : info.values[x] ?? acc), 0);
    this.lines.push(`${indent}<Obj${n} RefId="${this.objRef++}">`);
    this.typeNames([`Deserialized.${info.type}`, 'Deserialized.System.Enum', 'Deserialized.System.ValueType', 'Deserialized.System.Object'], `${indent}  `);
    this.lines.push(`${indent}  <ToString>${psText(names.length === 0 ? 'None' : names.join(', '))}</ToString>`);
    this.lines.push(`${indent}  <I32>${number}</I32>`);
    this.lines.push(`${indent}</Obj>`);
  }

  object(o: Obj, types: string[], toString: string): void {
    this.lines.push(`  <Obj RefId="${this.objRef++}">`);
    this.typeNames(types, '    ');
    this.lines.push(`    <ToString>${psText(toString)}</ToString>`);
    this.lines.push('    <Props>');
    for (const [k, v] of Object.entries(o)) if (!REMOTING.has(k)) this.value(k, v, '      ');
    this.lines.push('    </Props>');
    const remoting = Object.entries(o).filter(([k]) => REMOTING.has(k));
    if (remoting.length > 0) {
      this.lines.push('    <MS>');
      for (const [k, v] of remoting) this.value(k, v, '      ');
      this.lines.push('    </MS>');
    }
    this.lines.push('  </Obj>');
  }

  text(): string {
    return [`<Objs Version="1.1.0.1" xmlns="${NS}">`, ...this.lines, '</Objs>'].join('\r\n');
  }
}

/** What `<ToString>` shows: the name for Exchange objects, the X509 summary for certificates. */
function toStringOf(o: Obj): string {
  if (typeof o.Thumbprint === 'string') {
    return `[Subject]\r\n  ${String(o.Subject)}\r\n\r\n[Issuer]\r\n  ${String(o.Issuer)}\r\n\r\n[Thumbprint]\r\n  ${o.Thumbprint}\r\n`;
  }
  return String(o.Name ?? o.Identity ?? '');
}

/** The XML text of an Export-Clixml file holding `objects`. */
export function clixmlText(objects: Obj[], types: string[]): string {
  const w = new ClixmlWriter();
  for (const o of objects) w.object(o, types, toStringOf(o));
  return w.text();
}

/** The file's bytes: Export-Clixml writes UTF-16LE with a byte-order mark in every PowerShell edition. */
export function clixml(objects: Obj[], kind: string, runspace: string | null = null): Buffer {
  const types = CLIXML_TYPES[kind] ?? ['Deserialized.System.Object'];
  const withRemoting = runspace === null ? objects : objects.map((o) => ({ ...o, RunspaceId: runspace, PSShowComputerName: false }));
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(clixmlText(withRemoting, types), 'utf16le')]);
}
