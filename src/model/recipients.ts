import type { Case, Organization, Tenant } from './case.js';
import type { Provenance } from './provenance.js';

/**
 * The recipient directory of a tenant or an on-premises organization (EXO-SEMANTICS M11): what
 * `Get-Recipient` (or `Get-Mailbox` / `Get-MailUser` / `Get-MailContact`) lists. A side that
 * carries a `Recipients` list is taken as complete: an address missing there does not exist on
 * that side. A side without one says nothing (every address exists, as without any directory).
 */
export interface Recipient {
  /** Lower case. */
  PrimarySmtpAddress: string;
  /** Every SMTP address of the object, lower case, primary first (`SMTP:`/`smtp:` proxies; X500 and others left out). */
  EmailAddresses: string[];
  /** `UserMailbox`, `MailUser`, `RemoteUserMailbox`, `DynamicDistributionGroup`, `PublicFolder` …; null for a bare address. */
  RecipientTypeDetails: string | null;
  provenance: Provenance;
}

export type DirectorySide = { kind: 'tenant'; tenant: Tenant } | { kind: 'organization'; org: Organization };

/**
 * Types whose object stands for a mailbox on the other side: Exchange Online shows an on-premises
 * mailbox as a MailUser, Exchange Server shows a cloud mailbox as a Remote…Mailbox; contacts point
 * outside. Such an object makes the address known (DBEB lets it in) but the mail goes on.
 */
const POINTS_ELSEWHERE = /^(?:Remote\w*|MailUser|GuestMailUser|MailContact|MailForestContact|Contact)$/i;

/** Where the object listed on a side delivers: `here` (mailbox, group, public folder) or `elsewhere`. */
export function recipientLives(r: Recipient): 'here' | 'elsewhere' {
  return r.RecipientTypeDetails !== null && POINTS_ELSEWHERE.test(r.RecipientTypeDetails) ? 'elsewhere' : 'here';
}

/**
 * Objects Directory-Based Edge Blocking did not recognise before 2025-06 even when they were in
 * the tenant: dynamic distribution groups and mail-enabled public folders [DBEB25]. Entra Connect
 * never synchronises dynamic distribution groups, and public folders only with the MEPF option.
 */
export const LATE_DBEB_TYPES = /^(?:DynamicDistributionGroup|PublicFolder)$/i;
/** [DBEB25] (EXO-SEMANTICS M11): since June 2025 DBEB recognises MEPFs and DDGs that exist in the organization. */
export const DBEB_RECOGNISES_DDG_MEPF_FROM = new Date('2025-06-01T00:00:00Z');

/** What a side knows about an address. */
export type Presence =
  /** Listed, delivered on this side. */
  | { state: 'here'; recipient: Recipient }
  /** Listed as an object pointing at the other side (MailUser, RemoteUserMailbox, contact). */
  | { state: 'elsewhere'; recipient: Recipient }
  /** The side lists recipients and this address is not among them. */
  | { state: 'missing' }
  /** The side lists no recipients: nothing can be said. */
  | { state: 'unknown' };

interface Entry {
  owner: Tenant | Organization;
  recipient: Recipient;
}

const UNKNOWN: Presence = { state: 'unknown' };
const MISSING: Presence = { state: 'missing' };

/**
 * Every side's recipients by SMTP address, built once per case: each lookup is one map access,
 * whatever the size of the directory (a provider's tenant may list 100 000 recipients).
 */
export class RecipientDirectory {
  /** Address → the entry, or several when more than one side (or object) lists it. */
  private readonly byAddress = new Map<string, Entry | Entry[]>();
  /** True when any tenant or organization of the case carries a `Recipients` list. */
  readonly hasAnyData: boolean;
  readonly sidesWithData: readonly (Tenant | Organization)[];

  constructor(c: Case) {
    const sides: (Tenant | Organization)[] = [];
    for (const owner of [...c.tenants, ...c.organizations]) {
      if (!owner.Recipients) continue;
      sides.push(owner);
      for (const recipient of owner.Recipients) {
        const entry: Entry = { owner, recipient };
        for (const address of recipient.EmailAddresses) this.add(address, entry);
        if (!recipient.EmailAddresses.includes(recipient.PrimarySmtpAddress)) this.add(recipient.PrimarySmtpAddress, entry);
      }
    }
    this.sidesWithData = sides;
    this.hasAnyData = sides.length > 0;
  }

  private add(address: string, entry: Entry): void {
    const had = this.byAddress.get(address);
    if (had === undefined) this.byAddress.set(address, entry);
    else if (Array.isArray(had)) {
      if (!had.some((e) => e.owner === entry.owner && e.recipient === entry.recipient)) had.push(entry);
    } else if (had.recipient !== entry.recipient) this.byAddress.set(address, [had, entry]);
  }

  /** Whether a tenant or organization lists its recipients in the case. */
  hasData(owner: Tenant | Organization): boolean {
    return owner.Recipients !== undefined;
  }

  /** The objects listing an address, on every side. */
  lookup(address: string): readonly Entry[] {
    const e = this.byAddress.get(address.toLowerCase());
    return e === undefined ? [] : Array.isArray(e) ? e : [e];
  }

  /**
   * What `owner` knows about the first of `addresses` it lists (several spellings of one recipient:
   * the address written and the address a hybrid route rewrote it to).
   */
  presence(owner: Tenant | Organization, ...addresses: string[]): Presence {
    if (!owner.Recipients) return UNKNOWN;
    for (const address of addresses) {
      for (const e of this.lookup(address)) {
        if (e.owner !== owner) continue;
        return { state: recipientLives(e.recipient), recipient: e.recipient };
      }
    }
    return MISSING;
  }
}

const directories = new WeakMap<Case, RecipientDirectory>();

/** The case's directory, built on first use and kept as long as the case. */
export function recipientDirectory(c: Case): RecipientDirectory {
  let d = directories.get(c);
  if (!d) {
    d = new RecipientDirectory(c);
    directories.set(c, d);
  }
  return d;
}

/** `SMTP:a@b` / `smtp:a@b` / `a@b` → `a@b` (lower case); other proxy types (X500:, SIP:, EUM:) → null. */
export function smtpProxyAddress(text: string): string | null {
  let t = text.trim();
  const colon = t.indexOf(':');
  if (colon >= 0) {
    if (t.slice(0, colon).toLowerCase() !== 'smtp') return null;
    t = t.slice(colon + 1).trim();
  }
  const at = t.indexOf('@');
  if (at <= 0 || at === t.length - 1 || t.indexOf('@', at + 1) >= 0 || /\s/.test(t)) return null;
  return t.toLowerCase();
}

/** Whether `SMTP:` (upper case) marks the primary address among proxies, as Exchange writes it. */
export function isPrimaryProxy(text: string): boolean {
  return text.trimStart().startsWith('SMTP:');
}
