/**
 * What `collect-script` is asked for: which side the script collects (Exchange Management Shell,
 * Exchange Online PowerShell or both) and the defaults of the script's own parameters. Every value
 * ends up inside the script text, so each is checked here to be plain (numbers, domain names).
 */

export type CollectSide = 'onprem' | 'online' | 'both';

export interface CollectOptions {
  side: CollectSide;
  /** Days of SMTP send/receive protocol logs to copy (0: none). */
  protocolLogDays: number;
  /** Days of Exchange Online message trace to save (0: none; at most 90, Get-MessageTraceV2 keeps no more). */
  messageTraceDays: number;
  /** Get-Recipient on each side (can be large: one object per recipient). */
  recipients: boolean;
  /** Get-Queue / Get-Message LastError on every transport server. */
  queues: boolean;
  /** Tenants a partner manages (Connect-ExchangeOnline -DelegatedOrganization), in order. */
  delegatedOrganizations: string[];
}

export const DEFAULT_COLLECT_OPTIONS: CollectOptions = {
  side: 'both',
  protocolLogDays: 0,
  messageTraceDays: 2,
  recipients: false,
  queues: false,
  delegatedOrganizations: [],
};

/** Get-MessageTraceV2 searches the last 90 days (10 per query; the script splits longer periods). */
export const MAX_MESSAGE_TRACE_DAYS = 90;
/** Exchange keeps protocol logs 30 days by default (ProtocolLogMaxAge); more is allowed where kept longer. */
export const MAX_PROTOCOL_LOG_DAYS = 365;

/** A DNS domain name: letters, digits, hyphens and dots only — nothing that could end a quoted string. */
const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isDomainName(text: string): boolean {
  return DOMAIN.test(text);
}

/** Problems with the options, one sentence each (empty when they are usable). */
export function checkCollectOptions(o: CollectOptions): string[] {
  const problems: string[] = [];
  const whole = (n: number, max: number, name: string): void => {
    if (!Number.isInteger(n) || n < 0 || n > max) problems.push(`${name} must be a whole number from 0 to ${max} (got ${n}).`);
  };
  whole(o.protocolLogDays, MAX_PROTOCOL_LOG_DAYS, '--protocol-log-days');
  whole(o.messageTraceDays, MAX_MESSAGE_TRACE_DAYS, '--message-trace-days');
  for (const d of o.delegatedOrganizations) {
    if (!isDomainName(d)) problems.push(`--delegated-organization must be a domain name such as fabrikam.onmicrosoft.com (got "${d}").`);
  }
  if (o.side === 'onprem' && o.delegatedOrganizations.length > 0) problems.push('--delegated-organization is for Exchange Online: use it with --online or --both.');
  if (o.side === 'onprem' && o.messageTraceDays !== DEFAULT_COLLECT_OPTIONS.messageTraceDays) problems.push('--message-trace-days is for Exchange Online: use it with --online or --both.');
  if (o.side === 'online' && o.protocolLogDays > 0) problems.push('--protocol-log-days is for on-premises Exchange: use it with --onprem or --both.');
  if (o.side === 'online' && o.queues) problems.push('--queues is for on-premises Exchange: use it with --onprem or --both.');
  return problems;
}
