import { formatSource } from '../model/provenance.js';
import type { Evidence, Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { endpointText, evidenceOf, groupEvidence, isWeakTlsVersion } from './support/evidence.js';

/**
 * TLS 1.0 and 1.1 are deprecated (RFC 8996) and Exchange Online no longer accepts them for SMTP:
 * a connection that still negotiates them fails, or falls back to plaintext, once either side
 * enforces TLS 1.2. Seen in protocol logs, captures and Received headers.
 */
export const rule: Rule = {
  id: 'tls-weak-version',
  title: 'TLS below 1.2 negotiated',
  severity: 'warning',
  description: 'SSL 3.0, TLS 1.0 and 1.1 are deprecated; Exchange Online refuses them.',
  run(ctx: RuleContext): Finding[] {
    const byPair = new Map<string, { version: string; count: number; evidence: Evidence[]; subject: string }>();
    const add = (key: string, subject: string, version: string, count: number, ev: Evidence[]): void => {
      const e = byPair.get(key) ?? { version, count: 0, evidence: [], subject };
      e.count += count;
      if (e.evidence.length < 5) e.evidence.push(...ev.slice(0, 5 - e.evidence.length));
      byPair.set(key, e);
    };
    const ev = evidenceOf(ctx.case);
    for (const g of ev.sessions) {
      const v = g.sample.tls?.version;
      if (!isWeakTlsVersion(v)) continue;
      const s = g.sample;
      const pair = `${s.client.ip ?? s.ehlo ?? '?'} → ${s.server.ip ?? s.serverName ?? '?'}`;
      add(`${pair}|${v}`, pair, v!, g.count, groupEvidence(g, `${endpointText(s.client)} → ${endpointText(s.server)}: ${v}${s.tls?.cipher ? ` with ${s.tls.cipher}` : ''}`));
    }
    for (const m of ev.messages) {
      for (const h of m.hops) {
        if (!isWeakTlsVersion(h.tls?.version)) continue;
        const pair = `${h.from ?? h.ip ?? '?'} → ${h.by ?? '?'}`;
        add(`${pair}|${h.tls!.version}`, pair, h.tls!.version!, 1, [{ source: formatSource(m.source), text: `Received: from ${h.from ?? '?'} by ${h.by ?? '?'} with ${h.with ?? '?'} (${h.tls!.version}${h.tls!.cipher ? `, ${h.tls!.cipher}` : ''})` }]);
      }
    }
    return [...byPair.values()].map((e) => ({
      rule: this.id,
      severity: this.severity,
      title: this.title,
      message: `${e.subject} negotiated ${e.version} (${e.count} time${e.count === 1 ? '' : 's'} in the evidence). Exchange Online accepts only TLS 1.2 and later for SMTP; older versions fail or fall back to unencrypted mail as soon as a side enforces TLS 1.2.`,
      subjects: [{ type: 'Host', name: e.subject }],
      evidence: e.evidence,
      fix: [
        { text: 'Enable TLS 1.2 (and disable TLS 1.0/1.1) on both servers; on Windows Server, set the SCHANNEL protocol keys and .NET strong crypto (SchUseStrongCrypto) and restart.' },
        { text: 'Exchange Server: follow the TLS configuration best practices and run the Exchange Health Checker to confirm.', command: '.\\HealthChecker.ps1', where: 'Exchange Management Shell' },
      ],
      references: [
        'https://learn.microsoft.com/exchange/plan-and-deploy/post-installation-tasks/security-best-practices/exchange-tls-configuration',
        'https://techcommunity.microsoft.com/blog/exchange/understanding-email-scenarios-if-tls-versions-cannot-be-agreed-on-with-exchange-/2065089',
        'https://www.rfc-editor.org/rfc/rfc8996',
      ],
    }));
  },
};
