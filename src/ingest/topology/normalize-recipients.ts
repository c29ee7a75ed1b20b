import { isPrimaryProxy, smtpProxyAddress, type Recipient } from '../../model/recipients.js';
import type { NormalizeContext } from './normalize-context.js';
import { has, isRecord, listItems, type Raw } from './normalize-values.js';
import type { PathSegment } from './yaml-positions.js';

/**
 * `Recipients` of a tenant or organization (CONTRACT v1.1, EXO-SEMANTICS M11): plain addresses,
 * or Get-Recipient / Get-Mailbox / Get-MailUser / Get-MailContact objects with
 * `PrimarySmtpAddress`, `EmailAddresses` (`SMTP:` primary, `smtp:` secondary; X500, SIP and other
 * proxy types are not mail addresses and are left out) and `RecipientTypeDetails`.
 *
 * Absent (or null) means the case says nothing about the side's directory; a list, even an empty
 * one, is the whole directory. A provider's tenant may list 100 000 recipients, so each item costs
 * a few string operations and one object.
 */
export function normalizeRecipients(ctx: NormalizeContext, raw: Raw, parentPath: readonly PathSegment[], owner: string): Recipient[] | undefined {
  if (!has(raw, 'Recipients') || raw.Recipients === null) return undefined;
  const out: Recipient[] = [];
  const seen = new Set<string>();
  let unusable = 0;
  for (const item of listItems(raw, 'Recipients', parentPath, true)) {
    ctx.records += 1;
    const r = ctx.hasOwnProblem(item.path) ? null : recipientOf(item.value, ctx, item.path);
    if (!r) {
      ctx.skipped += 1;
      // A large export with many such objects gets a few messages, not one per object.
      if (++unusable <= MAX_WARNINGS) ctx.warn(item.path, `recipient ${short(item.value)} in ${owner} has no SMTP address (expected an address, or an object with PrimarySmtpAddress or SMTP: EmailAddresses); ignored`);
      continue;
    }
    if (seen.has(r.PrimarySmtpAddress)) {
      // Two exports listing the same object (Get-Recipient and Get-Mailbox) are not an error.
      ctx.skipped += 1;
      continue;
    }
    seen.add(r.PrimarySmtpAddress);
    out.push(r);
  }
  if (unusable > MAX_WARNINGS) ctx.warn([...parentPath, 'Recipients'], `${unusable - MAX_WARNINGS} more recipients in ${owner} without an SMTP address were ignored`);
  return out;
}

const MAX_WARNINGS = 20;

function recipientOf(value: unknown, ctx: NormalizeContext, path: PathSegment[]): Recipient | null {
  if (typeof value === 'string') {
    const address = smtpProxyAddress(value);
    return address ? { PrimarySmtpAddress: address, EmailAddresses: [address], RecipientTypeDetails: null, provenance: ctx.provenance(path) } : null;
  }
  if (!isRecord(value)) return null;
  const proxies = proxyAddresses(value.EmailAddresses);
  const primary = addressOf(value.PrimarySmtpAddress) ?? proxies.primary ?? proxies.all[0] ?? null;
  if (!primary) return null;
  const all = [primary];
  for (const a of proxies.all) if (a !== primary) all.push(a);
  return { PrimarySmtpAddress: primary, EmailAddresses: all, RecipientTypeDetails: typeText(value.RecipientTypeDetails), provenance: ctx.provenance(path) };
}

/** A string, or the SmtpAddress object a live export writes (`{ Local, Domain, Address }`). */
function addressOf(v: unknown): string | null {
  if (typeof v === 'string') return smtpProxyAddress(v);
  if (isRecord(v)) {
    if (typeof v.Address === 'string') return smtpProxyAddress(v.Address);
    if (typeof v.Local === 'string' && typeof v.Domain === 'string') return smtpProxyAddress(`${v.Local}@${v.Domain}`);
  }
  return null;
}

/**
 * EmailAddresses as exports carry them: a list of `SMTP:`/`smtp:` strings (remote session), live
 * ProxyAddress objects (`ProxyAddressString`, or `PrefixString` + `AddressString`), or one string
 * joined with `;`, `,` or spaces (the usual `-join ';'` of a CSV export).
 */
function proxyAddresses(v: unknown): { primary: string | null; all: string[] } {
  const out = { primary: null as string | null, all: [] as string[] };
  const add = (text: string): void => {
    const a = smtpProxyAddress(text);
    if (!a) return;
    if (out.primary === null && isPrimaryProxy(text)) out.primary = a;
    if (!out.all.includes(a)) out.all.push(a);
  };
  const one = (x: unknown): void => {
    if (typeof x === 'string') {
      // One address per item is the common shape; only a joined string needs splitting.
      if (!/[;,\s]/.test(x)) add(x);
      else for (const part of x.split(/[;,\s]+/)) if (part !== '') add(part);
    } else if (isRecord(x)) {
      if (typeof x.ProxyAddressString === 'string') add(x.ProxyAddressString);
      else if (typeof x.AddressString === 'string') add(`${typeof x.PrefixString === 'string' ? x.PrefixString : 'smtp'}:${x.AddressString}`);
    }
  };
  if (Array.isArray(v)) for (const x of v) one(x);
  else one(v);
  return out;
}

/**
 * RecipientTypeDetails as text. Live objects (snap-in loaded in-process) give the enum's number;
 * the values below are Exchange's RecipientTypeDetails flags for the types that matter to mail flow.
 */
const TYPE_NUMBERS: ReadonlyMap<number, string> = new Map([
  [1, 'UserMailbox'],
  [2, 'LinkedMailbox'],
  [4, 'SharedMailbox'],
  [16, 'RoomMailbox'],
  [32, 'EquipmentMailbox'],
  [64, 'MailContact'],
  [128, 'MailUser'],
  [256, 'MailUniversalDistributionGroup'],
  [512, 'MailNonUniversalGroup'],
  [1024, 'MailUniversalSecurityGroup'],
  [2048, 'DynamicDistributionGroup'],
  [4096, 'PublicFolder'],
  [32768, 'MailForestContact'],
  [2147483648, 'RemoteUserMailbox'],
  [8589934592, 'RemoteRoomMailbox'],
  [17179869184, 'RemoteEquipmentMailbox'],
  [34359738368, 'RemoteSharedMailbox'],
]);

function typeText(v: unknown): string | null {
  if (typeof v === 'number') return TYPE_NUMBERS.get(v) ?? String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (isRecord(v) && typeof v.Value === 'string') return v.Value;
  return null;
}

function short(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}
