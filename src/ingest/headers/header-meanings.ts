/**
 * What Microsoft's headers mean, from Microsoft's documentation where it exists. Sources:
 *  [FW]   Header firewall (Exchange Server 2013), "Organization X-headers and forest X-headers":
 *         https://learn.microsoft.com/exchange/header-firewall-exchange-2013-help
 *  [ASH]  Anti-spam message headers in cloud organizations:
 *         https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo
 *  [SCL]  Spam confidence level: https://learn.microsoft.com/defender-office-365/anti-spam-spam-confidence-level-scl-about
 *  [BCL]  Bulk complaint level: https://learn.microsoft.com/defender-office-365/anti-spam-bulk-complaint-level-bcl-about
 *  [HMF]  Exchange Team blog, "Demystifying and troubleshooting hybrid mail flow: when is a message internal?"
 *         https://techcommunity.microsoft.com/t5/exchange-team-blog/demystifying-and-troubleshooting-hybrid-mail-flow-when-is-a/ba-p/1420838
 *  [ATT]  EOP field notes, "Use headers to determine which Exchange Online tenant a message was attributed to"
 *         https://blogs.technet.microsoft.com/eopfieldnotes/2019/01/03/use-headers-to-determine-which-exchange-online-tenant-a-message-was-attributed-to/
 *  [CSM]  CloudServicesMailEnabled (New-SendConnector): outbound, X-MS-Exchange-Organization-* headers travel as
 *         X-MS-Exchange-CrossPremises-*; inbound they are promoted back; with $false they are removed
 *         https://learn.microsoft.com/powershell/module/exchangepowershell/new-sendconnector
 *  [EF]   Enhanced Filtering for Connectors in Exchange Online:
 *         https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors
 *  [EDGE] "Email sent from Edge Transport server appears as mail from external contacts"
 *         https://learn.microsoft.com/exchange/troubleshoot/email-delivery/email-sent-from-edge-transport-server-appears-as-mail-from-external-contacts
 * A meaning marked "not documented" is what the header is seen to hold, said as such.
 */

export { MEANING_SOURCES } from '../../model/message-headers.js';

export const NOT_DOCUMENTED = 'not documented by Microsoft';

/**
 * `table[key]` only when the table itself holds `key`. Keys come from header text, and a plain
 * object answers `constructor`, `toString`, `__proto__`… from Object.prototype (RFC 8601 §2.2
 * allows any Keyword as a method, result or property value): those name nothing here.
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** [ASH]: "Fields that aren't described in the table are used exclusively by the Microsoft anti-spam team for diagnostic purposes." */
export const DIAGNOSTIC_FIELD = 'not documented: used by Microsoft\'s anti-spam team for diagnostics [ASH]';

/** Header name (lower case) → meaning. */
export const MICROSOFT_HEADERS: Record<string, string> = {
  'x-ms-exchange-organization-authas':
    'how the organization authenticated the sender: Anonymous, Internal, External or Partner; present whenever the message\'s security was evaluated [FW]. Cross-premises mail in a working hybrid arrives Internal [HMF]',
  'x-ms-exchange-organization-authsource': 'FQDN of the server that evaluated the message\'s authentication on behalf of the organization [FW]',
  'x-ms-exchange-organization-authmechanism':
    'the authentication mechanism of the message\'s submission, a 2-digit hexadecimal number [FW]; Microsoft does not publish what each value means',
  'x-ms-exchange-organization-authdomain': 'FQDN of the remote domain authenticated by Domain Secure [FW]',
  'x-ms-exchange-organization-scl': 'spam confidence level the organization assigned (-1 to 9; higher is more likely spam; -1 skipped filtering) [FW][SCL]',
  'x-ms-exchange-organization-pcl': 'phishing confidence level, 1 to 8; higher is more suspicious [FW]',
  'x-ms-exchange-organization-originalarrivaltime': 'when the message first entered the Exchange organization [FW]',
  'x-ms-exchange-organization-originalsize': 'original size of a quarantined message when it first entered the organization [FW]',
  'x-ms-exchange-organization-original-sender': 'original sender of a quarantined message [FW]',
  'x-ms-exchange-organization-original-scl': 'original SCL of a quarantined message [FW]',
  'x-ms-exchange-organization-quarantine': 'the message was quarantined (and a DSN sent) or released from quarantine [FW]',
  'x-ms-exchange-organization-senderidresult': 'result of the Sender ID (SPF) check [FW]',
  'x-ms-exchange-organization-antispam-report': 'summary of the Content Filter agent\'s anti-spam results [FW]',
  'x-ms-exchange-forest-rulesexecuted': 'transport rules that acted on the message [FW]',
  'x-ms-exchange-organization-messagedirectionality':
    'whether Exchange judged the message Originating (from inside the organization) or Incoming (from outside) [HMF]',
  'x-ms-exchange-organization-network-message-id': `the message's network message id, the id message trace uses (${NOT_DOCUMENTED} as a header)`,
  'x-ms-exchange-crosstenant-id': 'the Exchange Online tenant (GUID) the message was attributed to [ATT]',
  'x-ms-exchange-crosstenant-authas': `how Exchange Online authenticated the message as it crossed into the tenant: Internal or Anonymous (${NOT_DOCUMENTED})`,
  'x-ms-exchange-crosstenant-authsource': `the server that evaluated that authentication: an Exchange Online server, an EOP front end, or the on-premises server for hybrid mail (${NOT_DOCUMENTED})`,
  'x-ms-exchange-crosstenant-fromentityheader': `where the message came from as Exchange Online saw it: Internet, Hosted (another mailbox of Exchange Online) or HybridOnPrem (the organization's on-premises servers) (${NOT_DOCUMENTED})`,
  'x-ms-exchange-crosstenant-originalarrivaltime': `when the message arrived in Exchange Online (${NOT_DOCUMENTED})`,
  'x-ms-exchange-crosstenant-network-message-id': `the network message id in Exchange Online, the id message trace uses (${NOT_DOCUMENTED})`,
  'x-ms-exchange-crosstenant-mailboxtype': `the kind of recipient mailbox, e.g. HOSTED (${NOT_DOCUMENTED})`,
  'x-ms-exchange-crosstenant-userprincipalname': `an encoded form of the mailbox's user principal name (${NOT_DOCUMENTED})`,
  'x-ms-exchange-crosstenant-originalattributedtenantconnectingip': `the tenant, connecting IP and HELO as first attributed (TenantId=…;Ip=[…];Helo=[…]) (${NOT_DOCUMENTED})`,
  'x-ms-exchange-crosstenant-rms-persistedconsumerorg': `${NOT_DOCUMENTED}`,
  'x-ms-exchange-transport-crosstenantheadersstamped': `the Exchange Online server that stamped the CrossTenant headers (${NOT_DOCUMENTED})`,
  'x-ms-exchange-transport-crosstenantheadersstripped': `the Exchange Online server that removed CrossTenant headers on the way in (${NOT_DOCUMENTED})`,
  'x-originatororg': `the organization (accepted domain) the message originated in, as Exchange Online stamps it (${NOT_DOCUMENTED})`,
  'x-eoptenantattributedmessage': 'the tenant (GUID) EOP attributed the message to [ATT]',
  'x-eopattributedmessage': `whether EOP attributed the message to a tenant (${NOT_DOCUMENTED})`,
  'x-ms-publictraffictype': `traffic type, e.g. Email (${NOT_DOCUMENTED})`,
  'x-ms-office365-filtering-correlation-id': `correlation id; equals the network message id (${NOT_DOCUMENTED})`,
  'x-originating-ip': `the client address at submission (${NOT_DOCUMENTED})`,
  'x-crosspremisesheaderspromoted': `the EOP server that promoted cross-premises headers to organization headers — done for mail from an OnPremises connector with CloudServicesMailEnabled (${NOT_DOCUMENTED})`,
  'x-crosspremisesheadersfiltered': `the EOP server that filtered cross-premises headers (${NOT_DOCUMENTED})`,
  'x-crosspremisesheadersfilteredbysendconnector':
    'an Edge Transport send connector without CloudServicesMailEnabled removed the cross-premises headers, so the message arrives in Exchange Online as external [EDGE]',
  'x-ms-exchange-organization-cross-premises-headers-processed': `the server that processed the cross-premises headers (${NOT_DOCUMENTED})`,
  'x-ms-exchange-organization-cross-premises-headers-promoted': `the server that promoted cross-premises headers (${NOT_DOCUMENTED})`,
  'x-forefront-antispam-report': 'how Exchange Online Protection processed the message: connecting IP, country, language, SCL, filtering verdicts [ASH]',
  'x-microsoft-antispam': 'bulk complaint level and other anti-spam data [ASH]',
  'x-ms-exchange-authentication-results': 'SPF, DKIM and DMARC results as Exchange Online recorded them (same syntax as Authentication-Results [ASH])',
  'x-ms-exchange-skiplistedinternetsender':
    'Enhanced Filtering for Connectors skipped the listed gateway addresses and took this as the original internet sender; without it behind a third-party gateway, SPF and spoof checks see the gateway [EF]',
  'x-ms-exchange-externaloriginalinternetsender': 'the original internet sender Enhanced Filtering for Connectors found behind the skipped gateway addresses [EF]',
};

/**
 * X-MS-Exchange-CrossPremises-<Name>: the copy of X-MS-Exchange-Organization-<Name> that a connector
 * with CloudServicesMailEnabled carries between on-premises Exchange and Exchange Online [CSM].
 */
export function crossPremisesMeaning(name: string): string | null {
  const m = /^x-ms-exchange-crosspremises-(.+)$/i.exec(name);
  if (!m) return null;
  return `X-MS-Exchange-Organization-${m[1]} carried across premises by a connector with CloudServicesMailEnabled, to be promoted back on arrival [CSM]`;
}

/** Values of X-MS-Exchange-Organization-AuthAs [FW]; the hybrid reading from seed 004 / [HMF]. */
export const AUTH_AS_VALUES: Record<string, string> = {
  internal: 'authenticated as inside the organization — what cross-premises hybrid mail must show',
  anonymous: 'not authenticated: treated as mail from the internet (cross-premises hybrid mail must not arrive so)',
  partner: 'authenticated as a partner organization (e.g. Domain Secure, a partner connector)',
  external: 'authenticated, but as outside the organization',
};

/**
 * AuthMechanism values: Microsoft publishes none [FW]. Values seen in public headers are named
 * here only by where they are seen, never given a meaning.
 */
export const AUTH_MECHANISM_SEEN: Record<string, string> = {
  '04': 'seen on anonymous internet mail accepted by EOP and on client submissions',
  '10': 'seen on hybrid mail from on-premises Exchange arriving Internal (with AuthSource the on-premises server)',
};

/** [SCL] */
export function sclMeaning(value: string): string {
  const n = Number(value.trim());
  if (!Number.isInteger(n)) return 'not an SCL value';
  if (n === -1) return 'skipped spam filtering (safe sender, safe recipient, IP Allow List, or set by a rule) [SCL]';
  if (n === 0 || n === 1) return 'not spam [SCL]';
  if (n >= 2 && n <= 4) return 'a value spam filtering never stamps (2–4): set by something else [SCL]';
  if (n === 5 || n === 6) return 'spam [SCL]';
  if (n >= 7 && n <= 9) return 'high confidence spam [SCL]';
  return 'outside the documented range -1..9';
}

/** [BCL] */
export function bclMeaning(value: string): string {
  const n = Number(value.trim());
  if (!Number.isInteger(n)) return 'not a BCL value';
  if (n === 0) return 'not from a bulk sender [BCL]';
  if (n >= 1 && n <= 3) return 'bulk sender that generates few complaints [BCL]';
  if (n >= 4 && n <= 7) return 'bulk sender that generates a mixed number of complaints [BCL]';
  if (n === 8 || n === 9) return 'bulk sender that generates a high number of complaints [BCL]';
  return 'outside the documented range 0..9';
}

/** X-Forefront-Antispam-Report fields [ASH]. */
export const FOREFRONT_FIELDS: Record<string, string> = {
  ARC: 'ARC protocol data (AAR, AMS, AS with cv=) [ASH]',
  CAT: 'category of threat policy applied to the message [ASH]',
  CIP: 'the connecting IP address [ASH]',
  CTRY: 'source country/region as determined by the connecting IP address [ASH]',
  DIR: 'directionality of the message [ASH]',
  H: 'the HELO or EHLO string of the connecting email server [ASH]',
  IPV: 'IP reputation verdict [ASH]',
  LANG: 'the language the message was written in [ASH]',
  PTR: 'the PTR record (reverse DNS) of the source IP address [ASH]',
  SCL: 'the spam confidence level of the message [ASH][SCL]',
  SFTY: 'the message was identified as phishing; the value says how [ASH]',
  SFV: 'spam filtering verdict [ASH]',
  SRV: 'bulk mail verdict [ASH]',
};

export const FOREFRONT_VALUES: Record<string, Record<string, string>> = {
  CAT: {
    AMP: 'anti-malware',
    BIMP: 'brand impersonation (Defender for Office 365)',
    BULK: 'bulk',
    DIMP: 'domain impersonation (Defender for Office 365)',
    FTBP: 'anti-malware common attachments filter',
    GIMP: 'mailbox intelligence impersonation (Defender for Office 365)',
    HPHSH: 'high confidence phishing',
    HPHISH: 'high confidence phishing',
    HSPM: 'high confidence spam',
    INTOS: 'intra-organization phishing',
    MALW: 'malware',
    OSPM: 'outbound spam',
    PHSH: 'phishing',
    SAP: 'Safe Attachments (Defender for Office 365)',
    SPM: 'spam',
    SPOOF: 'spoofing',
    UIMP: 'user impersonation (Defender for Office 365)',
    NONE: 'no threat policy category applied',
  },
  DIR: { INB: 'inbound message', OUT: 'outbound message', INT: 'internal message' },
  IPV: {
    CAL: 'skipped spam filtering: the source IP address is in the IP Allow List',
    NLI: 'the IP address was not found on any IP reputation list',
  },
  SFTY: {
    '9.19': 'domain impersonation',
    '9.20': 'user impersonation',
    '9.25': 'first contact safety tip',
  },
  SFV: {
    BLK: 'filtering skipped; blocked because the sender is in the user\'s Blocked Senders list',
    NSPM: 'spam filtering marked the message as nonspam',
    SFE: 'filtering skipped; allowed because the sender is in the user\'s Safe Senders list',
    SKA: 'skipped spam filtering: sender in an anti-spam policy\'s allowed senders or domains',
    SKB: 'marked as spam: sender in an anti-spam policy\'s blocked senders or domains',
    SKI: 'skipped spam filtering for another reason, like SKN — for example mail inside the organization (intra-organizational email within the tenant)',
    SKN: 'marked nonspam before spam filtering (e.g. SCL -1 or "Bypass spam filtering" by a mail flow rule)',
    SKQ: 'released from quarantine',
    SKS: 'marked as spam before spam filtering (e.g. SCL 5–9 set by a mail flow rule)',
    SPM: 'spam filtering marked the message as spam',
  },
  SRV: { BULK: 'identified as bulk email by spam filtering and the BCL threshold' },
};

/** Authentication-Results: compauth `reason` codes [ASH]. */
export function compauthReasonMeaning(code: string): string {
  const c = code.trim();
  const exact: Record<string, string> = {
    '000': 'failed explicit authentication (e.g. DMARC fail with p=quarantine or p=reject)',
    '001': 'failed implicit authentication (no authentication records, or weak policies such as ~all or p=none)',
    '002': 'the organization prohibits this sender/domain pair from sending spoofed email',
    '010': 'failed DMARC with p=reject or p=quarantine, and the sending domain is one of the organization\'s accepted domains (intra-org spoofing)',
    '130': 'passed authentication; the ARC result overrode a DMARC failure',
  };
  const known = ownEntry(exact, c);
  if (known !== undefined) return `${known} [ASH]`;
  if (!/^\d{3}$/.test(c)) return 'not a compauth reason code';
  const first = c[0];
  if (first === '1' || first === '7') return 'passed composite authentication (last two digits: internal codes) [ASH]';
  if (first === '2') return 'soft-passed implicit authentication (last two digits: internal codes) [ASH]';
  if (first === '3') return 'not checked for composite authentication [ASH]';
  if (first === '4' || first === '9') return 'bypassed composite authentication (last two digits: internal codes) [ASH]';
  if (first === '6') return 'failed implicit authentication, and the sending domain is one of the organization\'s accepted domains [ASH]';
  return 'a reason code Microsoft does not document';
}

/** Authentication-Results result meanings per method [ASH]. */
export const AUTH_RESULT_VALUES: Record<string, Record<string, string>> = {
  spf: {
    pass: 'the source is in the domain\'s SPF record',
    fail: 'hard fail: the source is not in the SPF record and the domain says reject (-all)',
    softfail: 'soft fail: the source is not in the SPF record and the domain says accept and mark (~all)',
    neutral: 'the source is not in the SPF record and the domain gives no instruction (?all)',
    none: 'the domain has no SPF record, or it evaluates to no result',
    temperror: 'a temporary error (e.g. DNS)',
    permerror: 'a permanent error (e.g. a badly formatted SPF record)',
  },
  dkim: {
    pass: 'the DKIM check passed',
    fail: 'the DKIM check failed',
    none: 'the message was not signed',
  },
  dmarc: {
    pass: 'the DMARC check passed',
    fail: 'the DMARC check failed',
    bestguesspass: 'no DMARC record exists; had there been one, the check would have passed',
    none: 'no DMARC record exists for the sending domain',
  },
  compauth: {
    pass: 'composite authentication passed',
    fail: 'composite authentication failed',
    softpass: 'composite authentication soft-passed',
    none: 'composite authentication not checked or bypassed',
  },
};

/** DMARC `action=` values [ASH]. */
export const DMARC_ACTIONS: Record<string, string> = {
  none: 'no DMARC action was applied',
  'pct.quarantine': 'failed DMARC with p=quarantine, but pct < 100 let this message through',
  'pct.reject': 'failed DMARC with p=reject, but pct < 100 let this message through',
  oreject: 'listed in the documented syntax (with dmarc=fail) but its meaning is not described',
  permerror: 'permanent error during DMARC evaluation (e.g. a malformed DMARC record)',
  temperror: 'temporary error during DMARC evaluation',
};

