import type { IndexedConnector } from '../engine/connector-index.js';
import type { FlowResult } from '../engine/flow-types.js';
import { parseIp, parseIpRange, rangeContains } from '../engine/ip-address.js';
import { domainOf } from '../model/domains.js';
import { formatSource } from '../model/provenance.js';
import type { Finding, FindingSubject, FixStep } from './finding.js';
import { psIdentity, psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { flowName, flowSubject } from './support/flow-subject.js';

/**
 * EXO-SEMANTICS M3 [NIC]: SenderIPAddresses of an inbound connector holds IPv4 addresses and CIDR
 * blocks /24 through /32 only; IPv6 is not supported. Other values are not valid for the
 * parameter (the input was hand-written or altered) and the simulator ignores them, so mail from
 * those addresses matches nothing. An IPv6 source never matches an IP-scoped connector: a sender
 * meant to match one must egress over IPv4 (anonymous IPv6 mail must also pass SPF or DKIM and
 * have a PTR record: 4.7.26 / 5.7.25 [NDRLIST]).
 */

const REFERENCES = ['https://learn.microsoft.com/powershell/module/exchange/new-inboundconnector', 'https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online'];

/** At most this many /24 blocks are written out for a shorter IPv4 prefix; beyond it, certificate scoping. */
const MAX_BLOCKS = 16;

/** The /24 blocks that cover a shorter IPv4 prefix (`198.51.100.0/22` → four /24s), or null when too many. */
function as24Blocks(text: string): string[] | null {
  const r = parseIpRange(text);
  if (!r || r.family !== 4 || r.prefixLength === null || r.prefixLength >= 24) return null;
  const count = 2 ** (24 - r.prefixLength);
  if (count > MAX_BLOCKS) return null;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const v = (r.start as number) + i * 256;
    out.push(`${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.0/24`);
  }
  return out;
}

function quoteList(values: readonly string[]): string {
  return values.map(psQuote).join(',');
}

/** Failing flows whose hop into Exchange Online came from an address only an ignored value covers. */
function flowsFromIgnored(flows: readonly FlowResult[], e: IndexedConnector): FlowResult[] {
  const ignored = e.ignoredIpValues.map((t) => parseIpRange(t)).filter((r) => r !== null);
  return flows.filter((f) => {
    if (f.outcome === 'delivered') return false;
    return f.hops.some((h) => {
      const ip = h.eop && h.presented.ip ? parseIp(h.presented.ip) : null;
      return ip !== null && ignored.some((r) => rangeContains(r, ip));
    });
  });
}

function unsupportedValues(rule: Rule, ctx: RuleContext, e: IndexedConnector): Finding {
  const c = e.connector;
  const v6 = e.ignoredIpValues.filter((t) => t.includes(':'));
  const v4 = e.ignoredIpValues.filter((t) => !t.includes(':'));
  const replacement: string[] = [];
  const unsplittable: string[] = [];
  for (const t of v4) {
    const blocks = as24Blocks(t);
    if (blocks) replacement.push(...blocks);
    else unsplittable.push(t);
  }
  const kept = e.ranges.map((r) => r.text);
  const fix: FixStep[] = [];
  const newList = [...kept, ...replacement];
  if (newList.length > 0) {
    fix.push({
      text: `In Exchange Online PowerShell, keep only values Exchange Online accepts on "${c.Name}"${replacement.length > 0 ? ` (the shorter prefixes written as /24 blocks: ${replacement.join(', ')})` : ''}.`,
      command: `Set-InboundConnector -Identity ${psIdentity(c.Name)} -SenderIPAddresses ${quoteList(newList)}`,
    });
  }
  if (v6.length > 0 || unsplittable.length > 0) {
    fix.push({
      text: `Scope "${c.Name}" by a certificate instead of ${[...v6, ...unsplittable].join(', ')}: set TlsSenderCertificateName to the name of the certificate the on-premises send connector presents, and make the servers egress over IPv4.`,
    });
  }
  const affected = flowsFromIgnored(ctx.simulation.flows, e);
  const subjects: FindingSubject[] = [{ type: 'InboundConnector', name: c.Name, tenant: e.tenant.Name }, ...affected.map(flowSubject)];
  const parts = [v6.length > 0 ? `IPv6 value${v6.length === 1 ? '' : 's'} ${v6.join(', ')}` : null, v4.length > 0 ? `${v4.join(', ')} (outside /24–/32)` : null].filter(Boolean);
  return {
    rule: rule.id,
    severity: 'error',
    title: rule.title,
    message: `${c.ConnectorType} connector "${c.Name}" of ${e.tenant.Name} lists ${parts.join(' and ')} in SenderIPAddresses. Exchange Online accepts only IPv4 addresses and /24–/32 blocks there; these values match no connection.${affected.length > 0 ? ` Flows failing from those addresses: ${affected.map(flowName).join(', ')}.` : ''}`,
    subjects,
    evidence: [{ source: formatSource(c.provenance), text: `"${c.Name}": SenderIPAddresses ${c.SenderIPAddresses.join(', ')}` }],
    fix,
    references: REFERENCES,
  };
}

/** Flows whose hop into Exchange Online leaves over IPv6 although the sender's tenant scopes its connector by IP. */
function ipv6Egress(rule: Rule, ctx: RuleContext): Finding[] {
  const index = ctx.simulation.context.index;
  const byConnector = new Map<IndexedConnector, FlowResult[]>();
  for (const f of ctx.simulation.flows) {
    for (const h of f.hops) {
      if (!h.eop || !h.presented.ip || parseIp(h.presented.ip)?.family !== 6) continue;
      const tenant = index.tenantsAccepting(domainOf(f.from))[0];
      const e = tenant ? index.ipScopedOnPremConnectors(tenant)[0] : undefined;
      if (!e) continue;
      const list = byConnector.get(e) ?? [];
      if (!list.includes(f)) list.push(f);
      byConnector.set(e, list);
    }
  }
  return [...byConnector].map(([e, flows]) => {
    const failing = flows.filter((f) => f.outcome !== 'delivered');
    const hosts = [...new Set(flows.flatMap((f) => f.hops.filter((h) => h.eop && h.presented.ip?.includes(':')).map((h) => `${h.from} (${h.presented.ip})`)))];
    return {
      rule: rule.id,
      severity: 'warning' as const,
      title: rule.title,
      message: `${hosts.join(', ')} connect${hosts.length === 1 ? 's' : ''} to Exchange Online over IPv6, but "${e.connector.Name}" of ${e.tenant.Name} is scoped by IPv4 addresses only: an IPv6 source never matches it, so that mail is not attributed to ${e.tenant.Name} by IP.`,
      subjects: [{ type: 'InboundConnector', name: e.connector.Name, tenant: e.tenant.Name }, ...failing.map(flowSubject)],
      evidence: [{ source: formatSource(e.connector.provenance), text: `"${e.connector.Name}": SenderIPAddresses ${e.connector.SenderIPAddresses.join(', ')}` }, ...flows.slice(0, 3).map((f) => ({ source: 'simulation', text: `${flowName(f)}: ${f.outcome}${f.response ? ` (${f.response})` : ''}` }))],
      fix: [{ text: `Make the on-premises servers reach Exchange Online over IPv4 (the send connector's source address), or scope "${e.connector.Name}" by the certificate they present (TlsSenderCertificateName).` }],
      references: REFERENCES,
    };
  });
}

export const rule: Rule = {
  id: 'ip-connector-unsupported-range',
  title: 'An inbound connector lists IP values Exchange Online does not accept',
  severity: 'error',
  description: 'SenderIPAddresses takes IPv4 addresses and /24–/32 blocks only; IPv6 values and wider prefixes never match, so mail from those senders is not attributed to the tenant.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const e of ctx.simulation.context.index.entries) {
      const type = e.connector.ConnectorType;
      if ((type !== 'OnPremises' && type !== 'Partner') || e.ignoredIpValues.length === 0) continue;
      findings.push(unsupportedValues(this, ctx, e));
    }
    findings.push(...ipv6Egress(this, ctx));
    return findings;
  },
};
