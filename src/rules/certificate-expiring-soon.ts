import { certificateLabel, certificateTimeStatus, type Certificate } from '../model/certificate.js';
import { isCoexistenceDomain } from '../model/domains.js';
import { formatSource } from '../model/provenance.js';
import type { Evidence, Finding, FindingSubject, FixCandidate, FixStep } from './finding.js';
import { dedupeSubjects } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { landedConnector, onPremisesTargets, receiveConnectorIdentity, receiveConnectorSubject } from './support/exo-to-onprem-flows.js';
import { certificateWhere, tlsCertificateNameValue } from './support/fix-commands.js';
import { replaceCertificateCandidates } from './support/fix-certificates.js';
import { sendsToExchangeOnline, type Presenter } from './support/presenters.js';

/**
 * RULES.md `certificate-expiring-soon` (EXO-SEMANTICS M2, [HC]): a certificate a hybrid or relay
 * route depends on — the one a send connector or gateway route presents to Exchange Online or that
 * an inbound connector matches, or the one the receive connector Exchange Online lands on offers —
 * expires within 60 days of the evaluation moment (`--at`); within 14 days it is an error
 * **[model]**. Once expired, Exchange Online stops matching it (M3) and TLS validation fails (M8):
 * that is `certificate-expired`'s finding, not this one.
 */

const WARN_DAYS = 60;
const ERROR_DAYS = 14;
const DAY_MS = 86_400_000;

interface Use {
  subject: FindingSubject;
  label: string;
  source: string;
}

interface Dependent {
  cert: Certificate;
  presenters: Presenter[];
  uses: Use[];
  /** Receive connectors that offer it to Exchange Online, with their server. */
  receive: { identity: string; server: string; org: string }[];
}

/** A route Exchange Online depends on: to EOP, carrying hybrid headers or the coexistence domain, or matched by an inbound connector. */
function isHybridOrRelayRoute(ctx: RuleContext, p: Presenter): boolean {
  if (sendsToExchangeOnline(p) || p.connector?.CloudServicesMailEnabled || p.addressSpaces.some((a) => isCoexistenceDomain(a.Domain))) return true;
  const cert = p.certificate;
  return cert !== null && ctx.simulation.context.index.matchCertificate(cert.names).some((h) => h.entry.connector.Enabled);
}

/** Days until the certificate expires, when that is within the warning window; else null (expired, undated or far off). */
function daysLeftOf(cert: Certificate, at: Date): number | null {
  if (certificateTimeStatus(cert, at) !== 'valid' || !cert.NotAfter) return null;
  const notAfter = Date.parse(cert.NotAfter);
  if (Number.isNaN(notAfter)) return null;
  const daysLeft = Math.floor((notAfter - at.getTime()) / DAY_MS);
  return daysLeft > WARN_DAYS ? null : daysLeft;
}

/**
 * The routes that depend on each certificate that expires soon. Certificates far from expiry are
 * skipped before their uses are listed: an estate's thousands of them would otherwise each get a
 * list of labels built and dropped (garbage that outlives the rule in the old generation).
 */
function dependents(ctx: RuleContext): Map<string, Dependent> {
  const out = new Map<string, Dependent>();
  // Judged by the first certificate seen with a thumbprint, as the finding is (its entry's `cert`).
  const soon = new Map<string, boolean>();
  const expiresSoon = (cert: Certificate): boolean => {
    let v = soon.get(cert.Thumbprint);
    if (v === undefined) soon.set(cert.Thumbprint, (v = daysLeftOf(cert, ctx.at) !== null));
    return v;
  };
  const entry = (cert: Certificate): Dependent => {
    let d = out.get(cert.Thumbprint);
    if (!d) out.set(cert.Thumbprint, (d = { cert, presenters: [], uses: [], receive: [] }));
    return d;
  };
  for (const p of ctx.presenters) {
    if (!p.certificate || !isHybridOrRelayRoute(ctx, p) || !expiresSoon(p.certificate)) continue;
    const d = entry(p.certificate);
    d.presenters.push(p);
    const subject: FindingSubject = p.connector && p.organization
      ? { type: 'SendConnector', name: p.connector.Name, organization: p.organization.Name }
      : { type: 'GatewayRoute', name: p.route?.Name ?? p.label, ...(p.gateway ? { gateway: p.gateway.Name } : {}) };
    d.uses.push({ subject, label: p.label, source: formatSource(p.provenance) });
  }
  for (const t of onPremisesTargets(ctx)) {
    const cert = t.ev.offer?.certificate;
    const rc = landedConnector(t.ev);
    if (!cert || !rc || !expiresSoon(cert)) continue;
    const d = entry(cert);
    const server = t.ev.server?.Name ?? rc.Server ?? '';
    d.uses.push({ subject: receiveConnectorSubject(rc, t.ev.org), label: `receive connector "${rc.Name}"${server ? ` on ${server}` : ''}, where Exchange Online delivers`, source: formatSource(rc.provenance) });
    d.receive.push({ identity: receiveConnectorIdentity(rc, t.ev.server?.Name), server, org: t.ev.org?.Name ?? '' });
  }
  return out;
}

/** Renewal for the receive side: the new certificate enabled for SMTP, and the connector pointed at it. */
function receiveSteps(ctx: RuleContext, d: Dependent): FixStep[] {
  const steps: FixStep[] = [];
  const seen = new Set<string>();
  for (const r of d.receive) {
    if (seen.has(r.identity)) continue;
    seen.add(r.identity);
    const org = ctx.case.organizations.find((o) => o.Name === r.org);
    steps.push({
      text: `On ${r.server || 'the receiving server'}, import the renewed certificate and enable it for SMTP (Import-ExchangeCertificate, then Enable-ExchangeCertificate -Services SMTP with its thumbprint), then point receive connector ${r.identity} at it: Set-ReceiveConnector -Identity ${r.identity} -TlsCertificateName with its <I>issuer<S>subject.`,
      where: certificateWhere(org, r.server ? [r.server] : []),
    });
  }
  return steps;
}

export const rule: Rule = {
  id: 'certificate-expiring-soon',
  title: 'A certificate a hybrid or relay route depends on expires soon',
  severity: 'warning',
  description: 'When it expires, Exchange Online no longer matches it to a certificate-scoped connector and TLS to on-premises fails: renew it before then.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    for (const d of dependents(ctx).values()) {
      const { cert } = d;
      const daysLeft = daysLeftOf(cert, ctx.at);
      if (daysLeft === null || !cert.NotAfter) continue;
      const renew = `Renew the certificate for ${cert.names.join(', ')} before ${cert.NotAfter}`;
      // Pointing a route at "another" certificate with this one's issuer and subject changes nothing.
      const itself = tlsCertificateNameValue(cert);
      const sendSide = (d.presenters.length > 0 ? replaceCertificateCandidates(ctx, cert, d.presenters, renew) : []).filter((c) => !c.steps.some((s) => s.command?.includes(itself)));
      const receive = receiveSteps(ctx, d);
      const candidates: FixCandidate[] =
        sendSide.length > 0
          ? sendSide.map((c, i) => (i === sendSide.length - 1 ? { steps: [...c.steps, ...receive] } : c))
          : [{ steps: [{ text: `${renew}.`, where: 'certificate authority' }, ...receive] }];
      const evidence: Evidence[] = [
        { source: formatSource(cert.provenance), text: `${cert.Subject}; NotAfter ${cert.NotAfter}` },
        ...d.uses.map((u) => ({ source: u.source, text: `${u.label} uses it` })),
      ];
      findings.push({
        rule: this.id,
        severity: daysLeft <= ERROR_DAYS ? 'error' : this.severity,
        title: this.title,
        message:
          `Certificate ${certificateLabel(cert)} (${cert.Thumbprint}) expires on ${cert.NotAfter}, ${daysLeft} day${daysLeft === 1 ? '' : 's'} after ${ctx.at.toISOString()}; ${[...new Set(d.uses.map((u) => u.label))].join('; ')} depend${d.uses.length === 1 ? 's' : ''} on it. ` +
          'Once it expires, Exchange Online stops matching it to a certificate-scoped connector (relay then fails with 550 5.7.64) and validating TLS towards on-premises fails.',
        subjects: dedupeSubjects([{ type: 'Certificate', name: certificateLabel(cert) }, ...d.uses.map((u) => u.subject)]),
        evidence,
        fix: candidates[0]!.steps,
        candidates,
        references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/tenantattribution-ndr', 'https://learn.microsoft.com/exchange/hybrid-deployment/hybrid-certificate-requirements'],
      });
    }
    return findings;
  },
};
