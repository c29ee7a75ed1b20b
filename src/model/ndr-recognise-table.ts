/**
 * Which catalog entry a status code found in text stands for. Where one code has several entries
 * (5.4.1 relay vs DBEB; 4.4.317 STARTTLS vs certificate validation), the words after the code decide:
 * the first option whose keywords occur wins; an option without keywords is the family's generic
 * entry. A code with no option here — or whose options all need words that are absent — is not
 * recognised: no guess (5.7.1 and 5.7.3 carry too many meanings outside hybrid mail flow).
 */
export interface EntryOption {
  entryId: string;
  /** Lower-case words; any one of them in the status text selects this option. */
  when?: readonly string[];
  /** Only when the code is quoted inside an Exchange Online deferral (`[Message=…]` of 4.4.317). */
  insideExoDeferral?: boolean;
}

const one = (entryId: string): EntryOption[] => [{ entryId }];

const EXACT: Record<string, EntryOption[]> = {
  '5.7.64': [{ entryId: '5.7.64-attr36', when: ['attr36'] }, { entryId: '5.7.64-tenant-attribution' }],
  '5.4.1': [
    { entryId: '5.4.1-relay-access-denied', when: ['relay access denied'] },
    { entryId: '5.4.1-dbeb', when: ['recipient address rejected', 'access denied'] },
    // The Exchange Online NDR table's 5.4.1 is "Relay Access Denied" [NDRLIST].
    { entryId: '5.4.1-relay-access-denied' },
  ],
  '4.4.62': one('4.4.62-wrong-region-attr35'),
  '4.5.3': [{ entryId: '4.5.3-attr38-mixed-region', when: ['attr38'] }, { entryId: '4.5.3-too-many-recipients' }],
  '5.7.68': one('5.7.68-direct-send'),
  '5.7.51': one('5.7.51-partner-connector'),
  '5.7.57': one('5.7.57-client-not-authenticated'),
  '5.1.10': one('5.1.10-recipient-not-found'),
  '5.1.1': one('5.1.1-recipient-not-found-onprem'),
  '4.7.230': one('4.7.230-out-of-date-throttled'),
  '5.7.230': one('5.7.230-out-of-date-blocked'),
  '5.7.705': one('5.7.705-tenant-threshold'),
  '5.7.708': one('5.7.708-ip-not-accepted'),
  '5.7.711': one('5.7.711-connector-blocked'),
  '5.7.750': one('5.7.750-unregistered-domain'),
  '5.7.703': one('5.7.703-tenant-block-list'),
  '5.7.511': one('5.7.511-banned-sender'),
  '5.7.1': [
    { entryId: '5.7.1-allow-list-relay-block', when: ['customer allow list'] },
    { entryId: '5.7.1-unable-to-relay', when: ['unable to relay'] },
  ],
  '4.7.26': one('4.7.26-ipv6-spf-dkim'),
  '5.7.25': one('5.7.25-ipv6-no-ptr'),
  '4.4.312': one('4.4.312-dns-query-failed'),
  '4.4.315': one('4.4.315-connection-timed-out'),
  '4.4.316': one('4.4.316-connection-refused'),
  '4.4.317': [
    { entryId: '4.4.317-starttls-required', when: ['starttls'] },
    { entryId: '4.4.317-subject-mismatch', when: ['subjectmismatch'] },
    { entryId: '4.4.317-untrusted-root', when: ['untrustedroot'] },
    { entryId: '4.4.317-cannot-connect' },
  ],
  '4.4.318': one('4.4.318-connection-closed'),
  '4.7.320': one('4.7.320-certificate-validation-failed'),
  '4.4.7': one('4.4.7-queue-expired'),
  '5.4.300': one('5.4.300-message-expired'),
  '4.7.5': [
    { entryId: '4.7.5-tls-certificate-not-found', when: ['could not be found', 'tlscertificatename'] },
    { entryId: '4.7.5-certificate-validation-failure' },
  ],
  '4.4.0': [{ entryId: '4.4.0-primary-target-responded', when: ['primary target'] }],
  '4.4.1': one('4.4.1-connection-timed-out'),
  '5.7.3': [
    { entryId: '5.7.3-must-issue-starttls', when: ['must issue a starttls'] },
    { entryId: '5.7.3-starttls-required-exo-deferral', when: ['starttls is required'], insideExoDeferral: true },
    { entryId: '5.7.3-starttls-required-onprem-sender', when: ['starttls is required'] },
  ],
  '5.7.0': [{ entryId: '5.7.3-must-issue-starttls', when: ['must issue a starttls'] }],
  '5.7.54': one('5.7.54-unable-to-relay-non-accepted'),
  '5.4.14': one('5.4.14-hop-count-attr34'),
  '5.4.6': one('5.4.6-hop-count-exceeded'),
  '4.7.0': [{ entryId: '4.7.0-proxy-session-setup-failed', when: ['proxy session setup failed'] }],
};

const DANE_NAMES: Record<number, string> = {
  321: 'starttls-not-supported',
  322: 'certificate-expired',
  323: 'tlsa-invalid',
  324: 'dnssec-invalid',
  325: 'certificate-host-mismatch',
};

/** The options for a code (`cls.subject.detail`, digits as written), or null when the catalog has none. */
export function optionsFor(cls: string, subject: string, detail: string): readonly EntryOption[] | null {
  const exact = EXACT[`${cls}.${subject}.${detail}`];
  if (exact) return exact;
  if (subject !== '7' || detail.length !== 3) return null;
  const n = Number(detail);
  // Families written as ranges in NDR-CATALOG: 4.7.500-699 (ASxxx), 4.7.850-899, 5.7.606-649, x.7.321-325.
  if (cls === '4' && n >= 500 && n <= 699) return one('4.7.5xx-as-graylisted');
  if (cls === '4' && n >= 850 && n <= 899) return one('4.7.85x-ip-throttled');
  if (cls === '5' && n >= 606 && n <= 649) return one('5.7.606-649-banned-ip');
  const dane = DANE_NAMES[n];
  if (dane && (cls === '4' || cls === '5')) return one(`x.7.${n}-dane-${dane}`);
  return null;
}

/** Words that are a status on their own, without a code (send protocol log lines). */
export const KEYWORD_ENTRY = 'tls-no-credentials';
