import type { InboundConnector } from '../../model/case.js';
import { extraFlag } from '../../engine/cross-premises-trust.js';

/**
 * Enhanced Filtering for Connectors settings of an Exchange Online inbound connector
 * (EXO-SEMANTICS M16, [EF][NIC]). They live in `extra` (Get-InboundConnector's EFSkipLastIP,
 * EFSkipIPs, EFUsers): `EFSkipLastIP $true` skips the last source; `$false` (the default) skips
 * the `EFSkipIPs` list and, when that is empty, EF is off. `EFUsers` limits EF to messages whose
 * recipients are all listed.
 */
export interface EnhancedFilteringSettings {
  skipLastIp: boolean;
  skipIps: string[];
  users: string[];
  /** EFSkipLastIP or EFSkipIPs is in the case (else the defaults are assumed). */
  given: boolean;
}

/** A multi-valued property as exports and topologies write it: a list, or one comma-separated string. */
function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter((v) => v !== '');
  if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter((v) => v !== '' && v !== '{}');
  return [];
}

export function enhancedFilteringOf(c: InboundConnector): EnhancedFilteringSettings {
  return {
    skipLastIp: extraFlag(c.extra.EFSkipLastIP),
    skipIps: listOf(c.extra.EFSkipIPs),
    users: listOf(c.extra.EFUsers),
    given: c.extra.EFSkipLastIP !== undefined || c.extra.EFSkipIPs !== undefined,
  };
}

/** EF is on: the last IP is skipped, or a skip list is given (M16). */
export function enhancedFilteringOn(s: EnhancedFilteringSettings): boolean {
  return s.skipLastIp || s.skipIps.length > 0;
}

export const EF_REFERENCE = 'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors';
