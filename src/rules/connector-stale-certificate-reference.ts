import { certificateTimeStatus, normalizeDistinguishedName, parseTlsCertificateName, type Certificate } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import { serverByName, serverFqdn } from '../engine/send-routing.js';
import { certificatesOfServer } from '../engine/simulate-flow.js';
import type { Finding, FixStep } from './finding.js';
import { psIdentity, psQuote } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import type { ExchangeServer } from '../model/case.js';

/**
 * S4.4: after a certificate renewal the connectors still name the old certificate. A send
 * connector fails with 454 4.7.5 (KB3156771); a receive connector stops offering STARTTLS and
 * Exchange Online gets 451 5.7.3 (KB2989382, event 12014).
 */
function check(ctx: RuleContext, servers: ExchangeServer[], value: string, at: Date): { problem: string; replacement: Certificate | null } | null {
  const parsed = parseTlsCertificateName(value);
  if (!parsed) return { problem: `TlsCertificateName "${value}" is not in <I>issuer<S>subject form`, replacement: null };
  const issuer = normalizeDistinguishedName(parsed.issuer);
  const subject = normalizeDistinguishedName(parsed.subject);
  const sim = ctx.simulation.context;
  for (const server of servers) {
    const certs = certificatesOfServer(sim, server.Certificates, serverFqdn(server));
    const named = certs.filter((c) => normalizeDistinguishedName(c.Issuer) === issuer && normalizeDistinguishedName(c.Subject) === subject);
    const sameSubject = certs.filter((c) => normalizeDistinguishedName(c.Subject) === subject && certificateTimeStatus(c, at) === 'valid');
    const replacement = sameSubject.find((c) => !named.includes(c)) ?? null;
    if (named.length === 0) return { problem: `no certificate on ${server.Name} has issuer ${parsed.issuer} and subject ${parsed.subject}`, replacement };
    if (named.every((c) => certificateTimeStatus(c, at) === 'expired')) return { problem: `the certificate it names on ${server.Name} expired on ${named[0]!.NotAfter}`, replacement };
  }
  return null;
}

export const rule: Rule = {
  id: 'connector-stale-certificate-reference',
  title: "A connector's TlsCertificateName names a certificate that is missing, expired or replaced",
  severity: 'error',
  description: 'Send connectors fail with 454 4.7.5; receive connectors stop offering STARTTLS (451 5.7.3 for Exchange Online).',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const org of ctx.case.organizations) {
      for (const sc of org.SendConnectors) {
        if (!sc.TlsCertificateName) continue;
        const servers = sc.SourceTransportServers.map((n) => serverByName(org, n)).filter((s): s is ExchangeServer => !!s);
        const r = check(ctx, servers, sc.TlsCertificateName, ctx.at);
        if (!r) continue;
        findings.push(make(this, 'Send', sc.Name, org.Name, sc.TlsCertificateName, r, formatSource(sc.provenance), `Outbound TLS on "${sc.Name}" fails: 454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found (KB3156771).`));
      }
      for (const rc of org.ReceiveConnectors) {
        if (!rc.TlsCertificateName) continue;
        const server = rc.Server ? serverByName(org, rc.Server) : undefined;
        const servers = server ? [server] : org.Servers;
        const r = check(ctx, servers, rc.TlsCertificateName, ctx.at);
        if (!r) continue;
        findings.push(make(this, 'Receive', rc.Name, org.Name, rc.TlsCertificateName, r, formatSource(rc.provenance), `"${rc.Name}" stops offering STARTTLS (event 12014); Exchange Online's hybrid connector then fails with 451 5.7.3 STARTTLS is required to send mail (KB2989382).`));
      }
    }
    return findings;
  },
};

function make(rule: Rule, kind: 'Send' | 'Receive', name: string, org: string, value: string, r: { problem: string; replacement: Certificate | null }, source: string, effect: string): Finding {
  const fix: FixStep[] = r.replacement
    ? [{ text: `Point the connector at the current certificate ${r.replacement.Subject} (${r.replacement.Thumbprint}).`, command: `Set-${kind}Connector -Identity ${psIdentity(name)} -TlsCertificateName ${psQuote(`<I>${r.replacement.Issuer}<S>${r.replacement.Subject}`)}` }]
    : [{ text: 'Install and enable the renewed certificate for SMTP, then name it on the connector.', command: 'Enable-ExchangeCertificate -Thumbprint <new thumbprint> -Services SMTP' }, { text: 'Name it by issuer and subject.', command: `Set-${kind}Connector -Identity ${psIdentity(name)} -TlsCertificateName '<I><issuer><S><subject>'` }];
  if (kind === 'Receive') fix.push({ text: 'Run the Hybrid Configuration Wizard again so the Exchange Online connectors match the new certificate.' });
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `${kind} connector "${name}" (${org}) names ${value}, but ${r.problem}. ${effect}`,
    subjects: [{ type: `${kind}Connector`, name, organization: org }],
    evidence: [{ source, text: `"${name}": TlsCertificateName ${value}` }],
    fix,
    references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/cannot-receive-mail-with-new-certificate', 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/mails-issues-occur-after-april-15-2016'],
  };
}
