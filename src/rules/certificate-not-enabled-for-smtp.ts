import type { ExchangeServer, Organization, SendConnector } from '../model/case.js';
import type { Certificate } from '../model/certificate.js';
import { formatSource } from '../model/provenance.js';
import { isCoexistenceDomain, isExchangeOnlineHost } from '../model/domains.js';
import { certificatesOf } from '../engine/exo-to-onprem-target.js';
import { presentedCertificate, serverByName } from '../engine/send-routing.js';
import type { Finding, FindingSubject } from './finding.js';
import { dedupeSubjects } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { candidate } from './support/fix-commands.js';
import { flowSubject } from './support/flow-subject.js';
import { landedConnector, onPremisesTargets, outboundConnectorSubject, receiveConnectorSubject } from './support/exo-to-onprem-flows.js';
import { enableSmtpStep, smtpEnabled } from './support/exo-to-onprem-fixes.js';

/**
 * RULES.md v2 `certificate-not-enabled-for-smtp` (EXO-SEMANTICS M2, M8.4, [KB4051498]): the
 * certificate a hybrid send or receive connector selects lacks SMTP in `Services`. Exchange still
 * selects it, and the TLS handshake fails (UnknownCredentials): on the send side the queue shows
 * `451 4.4.0 … 421 4.4.1 Connection timed out.`, on the receive side Exchange Online cannot connect.
 */

interface Hit {
  org: Organization;
  server: ExchangeServer;
  cert: Certificate;
  /** The connector that selects it, first subject after the certificate. */
  connector: FindingSubject;
  how: string;
  extra: FindingSubject[];
  source: string;
}

/** A send connector towards Exchange Online: coexistence address space, EOP smart host, or cross-premises headers. */
function isHybridSendConnector(sc: SendConnector): boolean {
  return sc.Enabled && (sc.CloudServicesMailEnabled || sc.AddressSpaces.some((a) => isCoexistenceDomain(a.Domain)) || sc.SmartHosts.some(isExchangeOnlineHost));
}

export const rule: Rule = {
  id: 'certificate-not-enabled-for-smtp',
  title: 'The certificate a hybrid connector selects is not enabled for SMTP',
  severity: 'error',
  description: 'Exchange selects the certificate for TLS but it is not enabled for the SMTP service, so the TLS handshake fails (UnknownCredentials) and hybrid mail queues.',
  run(ctx: RuleContext): Finding[] {
    const sim = ctx.simulation.context;
    const hits = new Map<string, Hit>();
    const add = (h: Hit): void => {
      const key = `${h.org.Name}|${h.server.Name}|${h.cert.Thumbprint}|${h.connector.type}|${h.connector.name}`;
      const known = hits.get(key);
      if (known) known.extra.push(...h.extra);
      else hits.set(key, h);
    };
    // Receive side: the connector Exchange Online lands on (M8.4).
    for (const t of onPremisesTargets(ctx)) {
      const rc = landedConnector(t.ev);
      const cert = t.ev.offer?.certificate;
      if (!rc || !cert || !t.ev.offer?.smtpServiceMissing) continue;
      add({ org: t.ev.org!, server: t.ev.server!, cert, connector: receiveConnectorSubject(rc, t.ev.org), how: `receive connector "${rc.Name}", where Exchange Online lands (${t.ev.offer.explanation})`, extra: [...outboundConnectorSubject(t), flowSubject(t.flow)], source: formatSource(rc.provenance) });
    }
    // Send side: the hybrid send connector's certificate on each source server (M2).
    for (const org of ctx.case.organizations) {
      for (const sc of org.SendConnectors) {
        if (!isHybridSendConnector(sc)) continue;
        for (const name of sc.SourceTransportServers) {
          const server = serverByName(org, name);
          if (!server) continue;
          const sel = presentedCertificate(sc, server, certificatesOf(sim, server), ctx.at);
          if (!sel.certificate || smtpEnabled(sel.certificate)) continue;
          const flows = ctx.simulation.flows.filter((f) => f.hops.some((h) => h.sender.type === 'send-connector' && h.sender.connector === sc && h.sender.server === server)).map(flowSubject);
          add({ org, server, cert: sel.certificate, connector: { type: 'SendConnector', name: sc.Name, organization: org.Name }, how: `send connector "${sc.Name}" (${sel.explanation})`, extra: flows, source: formatSource(sc.provenance) });
        }
      }
    }
    return [...hits.values()].map((h) => ({
      rule: this.id,
      severity: this.severity,
      title: this.title,
      message:
        `On ${h.server.Name} (${h.org.Name}), ${h.how} uses ${h.cert.Subject} (${h.cert.Thumbprint}), whose Services are ${h.cert.Services}: it is not enabled for SMTP, so the TLS handshake fails with UnknownCredentials ` +
        `(KB4051498)${h.connector.type === 'SendConnector' ? ' and hybrid mail to Exchange Online stays queued (451 4.4.0 … 421 4.4.1 Connection timed out.)' : ' and Exchange Online cannot deliver to on-premises over TLS'}.`,
      subjects: dedupeSubjects([{ type: 'ExchangeCertificate', name: h.cert.Thumbprint, organization: h.org.Name }, h.connector, ...h.extra]),
      evidence: [
        { source: formatSource(h.cert.provenance), text: `${h.cert.Subject} (${h.cert.Thumbprint}): Services ${h.cert.Services}` },
        { source: h.source, text: h.how },
      ],
      fix: [enableSmtpStep(h.cert, h.server)],
      candidates: [candidate(enableSmtpStep(h.cert, h.server))],
      references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/cannot-receive-mail-with-new-certificate'],
    }));
  },
};
