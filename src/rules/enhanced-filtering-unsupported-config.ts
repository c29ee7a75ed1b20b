import { parseIpRange, type IpRange } from '../engine/ip-address.js';
import type { InboundConnector, Tenant } from '../model/case.js';
import { formatSource } from '../model/provenance.js';
import type { Finding, FixCandidate, Severity } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EF_REFERENCE, enhancedFilteringOf, enhancedFilteringOn, type EnhancedFilteringSettings } from './support/enhanced-filtering.js';
import { exchangeOnlineRanges } from './support/evidence.js';
import { EXO } from './support/fix-commands.js';

/**
 * RULES.md `enhanced-filtering-unsupported-config` (EXO-SEMANTICS M16, [EF], [S31]):
 * - Enhanced Filtering is not supported together with centralized mail transport
 *   (`RouteAllMessagesViaOnPremises`): mail already passed the on-premises organization;
 * - Microsoft 365 addresses cannot be skip-listed and RFC 1918 addresses cannot be entered in
 *   `EFSkipIPs`: such entries skip nothing;
 * - `EFUsers` limits EF to messages whose recipients are all listed (info: a partial rollout).
 */

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((r) => parseIpRange(r)!);

const overlaps = (a: IpRange, b: IpRange): boolean => a.family === b.family && a.start <= b.end && b.start <= a.end;

interface Problem {
  severity: Severity;
  text: string;
  evidence: string;
  fix: FixCandidate;
}

function connectorIdentity(c: InboundConnector): string {
  return psIdentity(c.Name);
}

function skipListProblems(ctx: RuleContext, tenant: Tenant, c: InboundConnector, ef: EnhancedFilteringSettings): Problem[] {
  const microsoft = exchangeOnlineRanges(ctx.case).map((r) => parseIpRange(r)).filter((r) => r !== null);
  const bad = new Map<string, string>();
  for (const entry of ef.skipIps) {
    const r = parseIpRange(entry);
    if (!r) continue;
    if (microsoft.some((m) => overlaps(r, m))) bad.set(entry, 'a Microsoft 365 (Exchange Online) address, which cannot be skip-listed');
    else if (PRIVATE_RANGES.some((p) => overlaps(r, p))) bad.set(entry, 'a private (RFC 1918) address, which EFSkipIPs does not accept');
  }
  if (bad.size === 0) return [];
  const keep = ef.skipIps.filter((e) => !bad.has(e));
  return [
    {
      severity: 'warning',
      text: `EFSkipIPs of "${c.Name}" holds ${[...bad].map(([e, why]) => `${e} (${why})`).join(', ')}: Enhanced Filtering cannot skip ${bad.size === 1 ? 'it' : 'them'}, so the checks still see that address instead of the original sender.`,
      evidence: `EFSkipIPs ${ef.skipIps.join(', ')}`,
      fix: {
        steps: [
          {
            text: `List only the public addresses of the systems in front of Exchange Online in EFSkipIPs of "${c.Name}" (Exchange Online PowerShell connected to ${tenant.Name})${keep.length === 0 ? '; with none left, skip the last hop instead (EFSkipLastIP $true)' : ''}.`,
            command: keep.length > 0 ? `Set-InboundConnector -Identity ${connectorIdentity(c)} -EFSkipIPs ${keep.join(',')}` : `Set-InboundConnector -Identity ${connectorIdentity(c)} -EFSkipIPs $null -EFSkipLastIP $true`,
            where: EXO,
          },
        ],
      },
    },
  ];
}

function problemsOf(ctx: RuleContext, tenant: Tenant, c: InboundConnector): Problem[] {
  const ef = enhancedFilteringOf(c);
  const out: Problem[] = [];
  const cmt = tenant.OutboundConnectors.find((o) => o.Enabled && o.RouteAllMessagesViaOnPremises);
  if (enhancedFilteringOn(ef) && cmt) {
    out.push({
      severity: 'warning',
      text: `"${c.Name}" has Enhanced Filtering on (${ef.skipLastIp ? 'EFSkipLastIP $true' : `EFSkipIPs ${ef.skipIps.join(', ')}`}) while outbound connector "${cmt.Name}" routes all mail through on-premises (centralized mail transport): Microsoft does not support Enhanced Filtering with centralized mail transport.`,
      evidence: `EFSkipLastIP ${String(c.extra.EFSkipLastIP ?? '(not given)')}, EFSkipIPs ${ef.skipIps.join(', ') || '(empty)'}; "${cmt.Name}": RouteAllMessagesViaOnPremises $true`,
      fix: {
        steps: [
          {
            text: `Turn Enhanced Filtering off on "${c.Name}" (Exchange Online PowerShell connected to ${tenant.Name}), or stop routing all mail through on-premises if the gateway in front of Exchange Online needs it.`,
            command: `Set-InboundConnector -Identity ${connectorIdentity(c)} -EFSkipLastIP $false -EFSkipIPs $null`,
            where: EXO,
          },
        ],
      },
    });
  }
  out.push(...skipListProblems(ctx, tenant, c, ef));
  if (ef.users.length > 0 && enhancedFilteringOn(ef)) {
    out.push({
      severity: 'info',
      text: `EFUsers of "${c.Name}" lists ${ef.users.length} recipient${ef.users.length === 1 ? '' : 's'}: Enhanced Filtering applies only to messages whose recipients are all listed (every proxy address); other mail is still judged against the gateway.`,
      evidence: `EFUsers ${ef.users.join(', ')}`,
      fix: {
        steps: [
          {
            text: `When the trial is over, apply Enhanced Filtering to every recipient on "${c.Name}" (Exchange Online PowerShell connected to ${tenant.Name}).`,
            command: `Set-InboundConnector -Identity ${connectorIdentity(c)} -EFUsers $null`,
            where: EXO,
          },
        ],
      },
    });
  }
  return out;
}

export const rule: Rule = {
  id: 'enhanced-filtering-unsupported-config',
  title: 'Enhanced Filtering for Connectors is set up in a way that does not work as intended',
  severity: 'warning',
  description: 'Enhanced Filtering with centralized mail transport is unsupported, Microsoft 365 and private addresses cannot be skip-listed, and EFUsers limits it to listed recipients.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const tenant of ctx.case.tenants) {
      for (const c of tenant.InboundConnectors) {
        if (!c.Enabled) continue;
        for (const p of problemsOf(ctx, tenant, c)) {
          findings.push({
            rule: this.id,
            severity: p.severity,
            title: this.title,
            message: p.text,
            subjects: [{ type: 'InboundConnector', name: c.Name, tenant: tenant.Name }],
            evidence: [{ source: formatSource(c.provenance), text: `"${c.Name}": ${p.evidence}` }],
            fix: p.fix.steps,
            candidates: [p.fix],
            references: [EF_REFERENCE],
          });
        }
      }
    }
    return findings;
  },
};
