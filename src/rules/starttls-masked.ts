import type { Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { describeSpan, endpointText, evidenceOf, groupBy, groupEvidence, spanOf } from './support/evidence.js';

/**
 * S4.7 (seed 004): a firewall's SMTP inspection (Cisco "fixup smtp"/ESMTP inspection and the like)
 * rewrites the EHLO reply — STARTTLS becomes `XXXXXXXA` or asterisks — or answers STARTTLS with
 * 500 after it was offered. The mail then goes unencrypted or, where TLS is required (hybrid
 * connectors, RequireTls), not at all; Exchange Online cannot see the on-premises certificate.
 */
export const rule: Rule = {
  id: 'starttls-masked',
  title: 'STARTTLS is masked by a device between the mail servers',
  severity: 'error',
  description: 'A firewall rewriting the SMTP dialogue hides STARTTLS: TLS and certificate-based connector matching fail.',
  run(ctx: RuleContext): Finding[] {
    const masked = evidenceOf(ctx.case).sessions.filter((g) => g.sample.starttls === 'masked');
    const byServer = groupBy(masked, ({ sample: s }) => s.server.ip ?? s.serverName ?? s.connector ?? '(unknown server)');
    return [...byServer.entries()].map(([server, groups]) => {
      const { count, first, last } = spanOf(groups);
      const sample = groups[0]!.sample;
      const masked = sample.extensions.filter((e) => /^[X*]{4,}/i.test(e));
      return {
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `${describeSpan(count, first, last, 'session')} with ${server}${sample.serverName && sample.serverName !== server ? ` (${sample.serverName})` : ''} show STARTTLS masked${masked.length > 0 ? ` (the EHLO reply lists ${masked.join(', ')} where STARTTLS belongs)` : ' (STARTTLS refused after it was offered)'}. A device between the servers inspects and rewrites SMTP: mail goes unencrypted or fails where TLS is required, and no certificate can identify the sender to Exchange Online.`,
        subjects: [{ type: 'Host', name: server }],
        evidence: groups.flatMap((g) => groupEvidence(g, `${endpointText(g.sample.client)} → ${endpointText(g.sample.server)}: EHLO reply ${g.sample.extensions.join(' ') || '(none)'}; STARTTLS ${g.sample.starttls}`).slice(0, 2)),
        fix: [
          { text: 'Turn off SMTP/ESMTP inspection for the mail servers on the firewall in front of them (Cisco ASA: `no inspect esmtp` in the global policy, or a class that excludes them); let TLS pass through untouched.', where: 'firewall' },
          server === '(unknown server)'
            ? { text: 'Then check again from outside: the EHLO reply must list STARTTLS (Test-NetConnection to the server on port 25, then openssl s_client -starttls smtp).' }
            : { text: `Then check again: the EHLO reply of ${server} must list STARTTLS (then: openssl s_client -starttls smtp -connect ${server}:25).`, command: `Test-NetConnection ${server} -Port 25` },
        ],
        references: [
          'https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/118550-qa-esa-00.html',
          'https://techcommunity.microsoft.com/t5/exchange-team-blog/demystifying-and-troubleshooting-hybrid-mail-flow-when-is-a/ba-p/1420838',
        ],
      };
    });
  },
};
