import { topologySchema } from '../ingest/topology/schema.js';

/**
 * What redaction leaves alone because it names nobody: Microsoft's own service names, reserved
 * documentation names (RFC 2606 / RFC 6761), public certification authorities, and the generic
 * words Exchange admins build object names from ("Inbound from …", "Default Frontend …").
 */

/** Domains (and everything under them) that belong to Microsoft's service or to standards bodies. */
const KEPT_DOMAIN_SUFFIXES = [
  'outlook.com', 'office365.com', 'office.com', 'office.net', 'microsoft.com', 'microsoftonline.com', 'windows.net', 'azure.com',
  'outlook.cn', 'partner.outlook.cn', 'office365.us', 'outlook.office365.us', 'microsoft.us', 'protection.office365.us',
  'live.com', 'hotmail.com', 'msn.com', 'exchangelabs.com', 'windows.com', 'sharepoint.com', 'lync.com', 'skype.com',
  'w3.org', 'ietf.org', 'iana.org', 'xmlsoap.org', 'openxmlformats.org', 'purl.org',
  'letsencrypt.org', 'lencr.org', 'digicert.com', 'sectigo.com', 'globalsign.com', 'entrust.net', 'godaddy.com', 'usertrust.com',
  'comodoca.com', 'identrust.com', 'pki.goog', 'amazontrust.com',
  // RFC 2606 second-level names.
  'example.com', 'example.net', 'example.org',
];

/** Reserved top-level names (RFC 2606, RFC 6761): already names of nobody. */
const RESERVED_TLDS = new Set(['example', 'test', 'invalid', 'localhost']);

/** Special-use private names: a pseudonym keeps them, so an internal name stays internal. */
export const PRIVATE_TLDS = new Set(['local', 'lan', 'corp', 'internal', 'intranet', 'home', 'localdomain', 'private', 'arpa']);

/** Multi-label public suffixes common in mail estates (a short list; the Public Suffix List has thousands). */
const MULTI_LABEL_SUFFIXES = new Set([
  'co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'ltd.uk', 'plc.uk', 'me.uk', 'com.au', 'net.au', 'org.au', 'edu.au', 'gov.au', 'co.nz', 'org.nz',
  'co.jp', 'ne.jp', 'or.jp', 'ac.jp', 'co.za', 'org.za', 'com.br', 'com.cn', 'com.mx', 'co.in', 'com.tr', 'co.kr', 'com.sg', 'com.hk',
  'gv.at', 'co.at', 'or.at', 'ac.at', 'com.pl', 'co.il', 'com.ar', 'com.my', 'com.tw', 'co.th', 'com.ph', 'com.vn', 'com.ua', 'co.id',
  'home.arpa', 'in-addr.arpa', 'ip6.arpa',
]);

/** Generic top-level names recognised as the end of a domain (two-letter country codes are all accepted). */
const GENERIC_TLDS = new Set([
  'com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'name', 'pro', 'aero', 'coop', 'museum', 'mobi', 'asia', 'tel', 'travel',
  'jobs', 'cat', 'app', 'dev', 'cloud', 'online', 'site', 'tech', 'xyz', 'shop', 'store', 'email', 'group', 'company', 'systems',
  'solutions', 'services', 'digital', 'global', 'agency', 'media', 'network', 'consulting', 'partners', 'swiss', 'berlin', 'bayern',
  'wien', 'nrw', 'hamburg', 'koeln', 'paris', 'london', 'nyc', 'eu', 'io', 'ai', 'me', 'tv', 'cc', 'ws', 'onion',
  ...RESERVED_TLDS, ...PRIVATE_TLDS,
]);

/** Two-letter endings that are file extensions in practice, not countries, where both read alike. */
const NOT_TLDS = new Set(['md', 'sh', 'py', 'js', 'ts', 'cs', 'rb', 'ps', 'pm', 'so', 'gz', 'bz', 'xz', 'db']);

/** Top-level names the case itself uses (a customer on `.law` or `.bank`), beyond the built-in list. */
const CASE_TLDS = new Set<string>();

export function addCaseTopLevelName(domain: string): void {
  const tld = domain.slice(domain.lastIndexOf('.') + 1).toLowerCase();
  if (domain.includes('.') && /^[a-z]{2,24}$/.test(tld)) CASE_TLDS.add(tld);
}

/** Grows whenever the case adds a top-level name: a cache of scan results is valid only while it stays the same. */
export function caseTopLevelNameCount(): number {
  return CASE_TLDS.size;
}

export function isTopLevelName(label: string): boolean {
  // Domains are written lower case (or, rarely, upper case); `System.Net` is a .NET type name.
  if (label !== label.toLowerCase() && label !== label.toUpperCase()) return false;
  const l = label.toLowerCase();
  if (!/^[a-z]{2,24}$/.test(l)) return false;
  if (l.length === 2) return !NOT_TLDS.has(l);
  return GENERIC_TLDS.has(l) || CASE_TLDS.has(l);
}

/** The public suffix of a lower-case domain: its last label, or two for the known multi-label suffixes. */
export function publicSuffixOf(labels: readonly string[]): number {
  if (labels.length >= 3 && MULTI_LABEL_SUFFIXES.has(`${labels[labels.length - 2]}.${labels[labels.length - 1]}`)) return 2;
  return 1;
}

/**
 * Mail security services' domains: the service's name stays (the tool recognises a gateway hop by
 * it, see ingest/headers/hop-kind.ts), the customer-specific labels under it are pseudonymised.
 */
const SERVICE_REGISTRABLES = new Set([
  'mimecast.com', 'mimecast.co.za', 'mimecast-offshore.com', 'pphosted.com', 'ppe-hosted.com', 'ppops.net', 'proofpoint.com',
  'barracudanetworks.com', 'cudamail.com', 'cuda-inc.com', 'iphmx.com', 'iphmx-eu.com', 'sophos.com', 'trendmicro.com', 'trendmicro.eu',
  'messagelabs.com', 'messagelabs.net', 'postini.com', 'psmtp.com', 'hornetsecurity.com', 'antispameurope.com', 'mailcontrol.com',
  'retarus.com', 'retarus.net', 'seppmail.cloud', 'fortimail.com', 'google.com', 'googlemail.com', 'gmail.com', 'amazonses.com',
]);

export function isServiceRegistrable(lower: string): boolean {
  return SERVICE_REGISTRABLES.has(lower);
}

export function isKeptDomain(lower: string): boolean {
  const tld = lower.slice(lower.lastIndexOf('.') + 1);
  if (RESERVED_TLDS.has(tld)) return true;
  for (const s of KEPT_DOMAIN_SUFFIXES) if (lower === s || (lower.endsWith(s) && lower.charCodeAt(lower.length - s.length - 1) === 46)) return true;
  return false;
}

/**
 * Words object names are built from that say nothing about whose estate it is. A word of a name
 * not listed here (a company, a server, a site) is pseudonymised wherever it appears.
 */
const GENERIC_WORDS = `
a an the and or of to from for via by on in out at with without all any only no not is new old default custom
inbound outbound internal external internet intranet incoming outgoing relay relays send receive sender receiver recipient
recipients mail mails email e-mail smtp esmtp mx gateway gateways gw connector connectors route routes routing server servers
host hosts node nodes office 365 o365 m365 microsoft exchange online exo eop hybrid onpremises premises onprem on-premises prem cloud
tenant tenants organization organisation org domain domains accepted remote partner partners client clients proxy frontend front end
backend back hub edge transport mailbox mailboxes journal journaling rule rules all-mail archive archiving policy policies
secure security tls ssl cert certificate certificates encrypted encryption smarthost smarthosts direct anonymous authenticated
auth users user group groups team shared primary secondary backup test testing prod production dev staging lab
admin administrator administrators it helpdesk service services system systems notification notifications alerts alert
scanner scan printer printers app apps application applications crm erp legacy migration migrated temp tmp
ag gmbh mbh kg ohg ug se sa sas sarl srl spa bv nv ab as asa oy oyj inc incorporated ltd limited llc llp plc corp corporation co company
holding holdings group international global europe eu emea na us uk de at ch fr nl
wildcard catch catchall forward forwarding fallback route53 dns mx01 mx02
contact contacts distribution list lists dl dynamic public folder folders room rooms equipment resource resources
autodiscover owa ecp ews www webmail smtpin smtpout mailin mailout outgoing
ip ips ipv4 ipv6 address addresses range ranges subnet nat dmz lan wan vpn firewall proxy loadbalancer lb vip cluster dag
down up over under through into onto off back away here there this that these those it its their our your my his her
lock locked lockdown unlock block blocked allow allowed deny denied accept reject rejected bounce bounced spam junk quarantine
everything anything nothing something every each other others another same own only also just more most less least many much
first second third last next previous main sub top bottom left right north south east west central head branch site sites
local remote near far big small large little short long high low fast slow good bad best better old new current future
use used using set get add remove change changed update updated enable enabled disable disabled keep kept run running
mail-flow flow flows message messages delivery deliver delivered queue queues retry bounce copy copies cc bcc
office offices hq department dept sales marketing finance hr legal support info contact contacts news newsletter billing
customer customers client vendor vendors supplier suppliers partner subsidiary subsidiaries division divisions region regions
do does did done be been being have has had will would can could should may might must shall not none yes no ok
sender senders receiving sending sent received forward forwarded forwarders relay relayed smart host route routed
when where why how what who which while before after during until since than then else if because so as such
one two three four five six seven eight nine ten hundred thousand
outbound-only inbound-only day days week weeks month months year years hour hours minute minutes time times date dates
name names id ids number numbers type types kind kinds value values list lists item items entry entries object objects
1 2 3 4 5 6 7 8 9 10 11 12 01 02 03 04 05 06 07 08 09 2010 2013 2016 2019 2022 2024 2025 2026 se v1 v2
`;

/** Public certification authorities: an issuer naming one of them is kept whole. */
const PUBLIC_CA_MARKERS = [
  "let's encrypt", 'lets encrypt', 'isrg', 'digicert', 'sectigo', 'comodo', 'globalsign', 'entrust', 'go daddy', 'godaddy', 'starfield',
  'microsoft', 'amazon', 'google trust services', 'baltimore', 'certum', 'buypass', 'identrust', 'quovadis', 'swisssign', 't-systems',
  'telekom', 'd-trust', 'actalis', 'harica', 'usertrust', 'thawte', 'geotrust', 'rapidssl', 'symantec', 'verisign', 'network solutions',
  'ssl.com', 'zerossl', 'trustwave', 'certigna', 'secom', 'cybertrust', 'affirmtrust', 'emsign', 'twca', 'asseco', 'gts ', 'geant',
];

export function isPublicCaName(dn: string): boolean {
  const l = dn.toLowerCase();
  return PUBLIC_CA_MARKERS.some((m) => l.includes(m));
}

let generic: Set<string> | undefined;

/** Words of the topology format itself (keys and enumerations), so a name made of them is kept too. */
function schemaWords(node: unknown, out: Set<string>, depth = 0): void {
  if (depth > 40 || node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    for (const w of key.toLowerCase().split(/[^a-z0-9]+/)) if (w) out.add(w);
    if (key === 'enum' && Array.isArray(value)) for (const v of value) if (typeof v === 'string') out.add(v.toLowerCase());
    // An enumeration (enumSchema) describes itself as the list of its values.
    const n = node as Record<string, unknown>;
    if (key === 'description' && typeof value === 'string' && typeof n.pattern === 'string') for (const w of value.toLowerCase().split(/[^a-z0-9]+/)) if (w) out.add(w);
    schemaWords(value, out, depth + 1);
  }
}

/** True when a (lower-case) word is generic: it names nobody, so it stays as it is. */
export function isGenericWord(lower: string): boolean {
  if (!generic) {
    generic = new Set(GENERIC_WORDS.split(/\s+/).filter((w) => w.length > 0));
    schemaWords(topologySchema, generic);
  }
  if (/^\d{1,4}$/.test(lower)) return true;
  return generic.has(lower);
}

/** Local parts RFC 2142 reserves for roles (and the wildcard): they stay, as Exchange treats some of them specially. */
const ROLE_LOCAL_PARTS = new Set(['*', 'postmaster', 'abuse', 'hostmaster', 'webmaster', 'mailer-daemon', 'noreply', 'no-reply', 'microsoftexchange329e71ec88ae4615bbc36ab6ce41109e']);

export function isRoleLocalPart(lower: string): boolean {
  return ROLE_LOCAL_PARTS.has(lower);
}

/** .NET public key tokens of Microsoft's assemblies (`PublicKeyToken=31bf3856ad364e35` in CLIXML type names). */
const KEPT_HEX = new Set(['31bf3856ad364e35', 'b77a5c561934e089', 'b03f5f7f11d50a3a', '7cec85d7bea7798e']);

export function isKeptHex(lower: string): boolean {
  return KEPT_HEX.has(lower);
}
