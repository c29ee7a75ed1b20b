import { psIdentity, type Finding, type FixStep } from './finding.js';
import type { Organization, SendConnector } from '../model/case.js';
import { usableCertificatesFor } from './support/fix-certificates.js';
import { EMS, tlsCertificateNameStep } from './support/fix-commands.js';
import type { Rule, RuleContext } from './rule.js';
import { describeSpan, endpointText, evidenceOf, groupEvidence, sendConnectorToExchangeOnlineFrom, serverIsExchangeOnline } from './support/evidence.js';

/**
 * S2 (seed 002): "when in doubt, grab a network capture". Exchange Online asks every sender for a
 * client certificate (CertificateRequest); an on-premises server whose send connector names no
 * usable certificate answers with an empty Certificate message, so no certificate-scoped
 * OnPremises connector can match and relaying fails with 5.7.64 (EXO-SEMANTICS M2, M3).
 */
export const rule: Rule = {
  id: 'capture-no-client-certificate',
  title: 'The sender presented no certificate to Exchange Online',
  severity: 'error',
  description: 'A captured TLS handshake with Exchange Online shows an empty client Certificate message: certificate-scoped connectors cannot match.',
  run(ctx: RuleContext): Finding[] {
    const byClient = new Map<string, Finding>();
    for (const g of evidenceOf(ctx.case).sessions) {
      const s = g.sample;
      if (s.origin !== 'capture' || !s.tls || !serverIsExchangeOnline(s)) continue;
      // An empty Certificate message answers a CertificateRequest; [] without a request is "not asked".
      if (s.tls.clientCertificateRequested !== true || s.tls.clientCertificates === null || s.tls.clientCertificates.length > 0) continue;
      const client = s.client.ip ?? s.ehlo ?? '(unknown client)';
      const text = `${endpointText(s.client)}${s.ehlo ? ` (EHLO ${s.ehlo})` : ''} → ${endpointText(s.server)} ${s.serverName ?? ''}: server asked for a client certificate; the client's Certificate message was empty (${s.tls.version ?? 'TLS'})`;
      const existing = byClient.get(client);
      if (existing) {
        existing.evidence.push(...groupEvidence(g, text).slice(0, 1));
        continue;
      }
      // The send connector this host uses, when the case can tell: by its server's address.
      const named = sendConnectorToExchangeOnlineFrom(ctx.case, s.client.ip);
      byClient.set(client, {
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `${describeSpan(g.count, g.first, g.last, 'captured session')} from ${client} to Exchange Online ${s.serverName ? `(${s.serverName}) ` : ''}sent an empty client Certificate message: the sender presented no certificate, so Exchange Online cannot match it to a certificate-scoped OnPremises connector and refuses to relay (550 5.7.64).${named ? ` ${client} belongs to ${named.org.Name}; its send connector to Exchange Online is "${named.connector.Name}".` : ''}`,
        subjects: named ? [{ type: 'SendConnector', name: named.connector.Name, organization: named.org.Name }] : [{ type: 'Host', name: client }],
        evidence: groupEvidence(g, text).slice(0, 2),
        fix: [presentCertificateStep(ctx, named), { text: 'Capture again: the client Certificate message must now carry the certificate.' }],
        references: ['https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-7-64-in-exchange-online'],
      });
    }
    return [...byClient.values()];
  },
};

/**
 * The installed certificate to name on the send connector: one Exchange Online accepts (valid,
 * public, on every source server) whose names a tenant's OnPremises connector matches (M3).
 */
function presentCertificateStep(ctx: RuleContext, named: { org: Organization; connector: SendConnector } | null): FixStep {
  const sim = ctx.simulation.context;
  const cert = named
    ? usableCertificatesFor(sim, named.org, named.connector, ctx.at, null).find((c) => sim.index.matchCertificate(c.names).some((h) => h.entry.connector.Enabled && h.entry.connector.ConnectorType === 'OnPremises'))
    : undefined;
  if (named && cert) return { ...tlsCertificateNameStep(named.connector.Name, cert.Issuer, cert.Subject, 'Send'), text: `Make send connector "${named.connector.Name}" (${named.org.Name}) present ${cert.Subject} (${cert.Thumbprint}), named by issuer and subject.` };
  const which = named ? `send connector ${psIdentity(named.connector.Name)}` : 'the send connector to Exchange Online';
  return { text: `Associate the organization's publicly trusted certificate with ${which}: Set-SendConnector -TlsCertificateName with the certificate's <I>issuer<S>subject (or set its Fqdn to the certificate's name).`, where: EMS };
}
