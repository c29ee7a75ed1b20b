import { isExchangeOnlineHost, normalizeHost } from '../model/domains.js';
import type { Organization, SendConnector } from '../model/case.js';
import type { StatusObservation } from '../model/evidence.js';
import type { Finding, FixStep } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { isExchangeOnlineName, sendConnectorNamed } from './support/evidence.js';
import { EMS, manualStep } from './support/fix-commands.js';
import { statusesForRule } from './support/status-evidence.js';
import { groupStatuses, partiesOf, routeKey, statusesShow, statusEvidence, statusLines, statusSubjects, type StatusGroup } from './support/status-findings.js';

/**
 * RULES.md v2 `trace-onprem-send-tls-error`, NDR-CATALOG "On-premises sender (send connector)
 * errors" (EXO-SEMANTICS M2, M9): the on-premises server cannot set up TLS towards Exchange
 * Online, so mail queues. Each text has a cause the configuration rules check:
 * `454 4.7.5 The certificate specified in TlsCertificateName … could not be found` →
 * connector-stale-certificate-reference; `454 4.7.5 Certificate validation failure` →
 * onprem-to-exo-tls-validation-fails; `UnknownCredentials`/`NoCredentials` →
 * certificate-not-enabled-for-smtp / certificate-no-private-key; `451 5.7.3 STARTTLS is required
 * to send mail` (written by the on-premises sender) → an SMTP-inspecting firewall masks STARTTLS
 * (starttls-masked); `Must issue a STARTTLS command first` → the receiver requires TLS.
 */

const ID = 'trace-onprem-send-tls-error';

type Kind = 'certificate-not-found' | 'validation' | 'credentials' | 'starttls-required' | 'must-issue-starttls';

function kindOf(o: StatusObservation): Kind | null {
  const t = o.status.text;
  // Inside an Exchange Online trace (4.4.317 [Message=451 5.7.3 …]) the same words are Exchange Online's deferral: not this rule.
  if (o.origin === 'message-trace' || /\b4\.4\.317\b|Cannot connect to remote server/i.test(t)) return null;
  if (/TlsCertificateName/i.test(t)) return 'certificate-not-found';
  if (/Certificate validation failure/i.test(t)) return 'validation';
  if (/UnknownCredentials|NoCredentials/i.test(t)) return 'credentials';
  if (/STARTTLS is required/i.test(t)) return 'starttls-required';
  if (/Must issue a STARTTLS command first/i.test(t)) return 'must-issue-starttls';
  return null;
}

const CAUSE: Record<Kind, { why: string; rule: string | null }> = {
  'certificate-not-found': { why: 'no installed certificate matches the connector\'s TlsCertificateName (renewed with a new issuer, never imported on a source server, or Status Invalid / RevocationCheckFailure), so the server cannot start TLS', rule: 'connector-stale-certificate-reference' },
  validation: { why: "the connector validates Exchange Online's certificate (TlsAuthLevel CertificateValidation/DomainValidation) and the validation fails: a TlsDomain typo, DomainValidation without TlsDomain, the wrong cloud instance, or a root store without Exchange Online's root", rule: 'onprem-to-exo-tls-validation-fails' },
  credentials: { why: 'the server cannot use its certificate for TLS: it is not enabled for SMTP, or the transport service cannot read its private key', rule: 'certificate-not-enabled-for-smtp / certificate-no-private-key' },
  'starttls-required': { why: "the connector requires TLS and Exchange Online's STARTTLS did not reach the server: a firewall inspecting SMTP masks it (EHLO shows XXXXXXXA or asterisks)", rule: 'starttls-masked' },
  'must-issue-starttls': { why: 'the receiving side requires TLS (RequireTLS) and the session did not start TLS', rule: null },
};

/** Whether the connector delivers to Exchange Online: null when neither the connector nor the host is known. */
function towardsExchangeOnline(found: { connector: SendConnector } | null, o: StatusObservation): boolean | null {
  if (o.remoteHost) return isExchangeOnlineName(o.remoteHost) || isExchangeOnlineHost(normalizeHost(o.remoteHost));
  if (!found) return null;
  const c = found.connector;
  return c.SmartHosts.some((h) => isExchangeOnlineHost(h)) || c.AddressSpaces.some((a) => /\.mail\.onmicrosoft\.com$/i.test(a.Domain));
}

function fixFor(kind: Kind, found: { org: Organization; connector: SendConnector } | null): FixStep[] {
  const c = found?.connector ?? null;
  const id = c ? psIdentity(c.Name) : null;
  const servers = c?.SourceTransportServers ?? [];
  const server = servers[0] ?? null;
  const certs = server ? `Get-ExchangeCertificate -Server ${psIdentity(server)} | Format-List Thumbprint,Issuer,Subject,NotAfter,Status,Services` : 'Get-ExchangeCertificate | Format-List Thumbprint,Issuer,Subject,NotAfter,Status,Services';
  const look: FixStep = { text: c ? `Check send connector "${c.Name}" (${found!.org.Name}) and the certificates on ${server ?? 'its source servers'}.` : 'Find the send connector to Exchange Online and the certificates on its source servers.', command: `${id ? `Get-SendConnector -Identity ${id}` : 'Get-SendConnector'} | Format-List Name,SmartHosts,TlsCertificateName,TlsAuthLevel,TlsDomain,RequireTLS,SourceTransportServers; ${certs}`, where: EMS };
  switch (kind) {
    case 'certificate-not-found':
      return [look, { text: `Import the renewed certificate on every source server${servers.length > 0 ? ` (${servers.join(', ')})` : ''} and name it by issuer and subject: Set-SendConnector -Identity ${id ?? '(the connector)'} -TlsCertificateName with "<I>issuer<S>subject" of that certificate; or run the Hybrid Configuration Wizard's "Update Secure Mail Certificate for Connectors".`, where: EMS }];
    case 'validation':
      return c
        ? [look, { text: `Validate the name Exchange Online presents on "${c.Name}".`, command: `Set-SendConnector -Identity ${id} -RequireTLS $true -TlsAuthLevel DomainValidation -TlsDomain ${c.SmartHosts.some((h) => /office365\.us$/i.test(h)) ? 'mail.protection.office365.us' : 'mail.protection.outlook.com'}`, where: EMS }]
        : [look, { text: 'On the hybrid send connector: Set-SendConnector -RequireTLS $true -TlsAuthLevel DomainValidation -TlsDomain mail.protection.outlook.com (mail.protection.office365.us for GCC High/DoD).', where: EMS }];
    case 'credentials':
      return [look, { text: `Enable the certificate the connector uses for SMTP on ${server ?? 'the source server'} (Enable-ExchangeCertificate -Thumbprint with its thumbprint -Services SMTP; answer No to replacing the default certificate), and grant the transport service read access to its private key.`, where: EMS }];
    case 'starttls-required':
      return [look, manualStep('firewall', 'Turn off SMTP inspection ("fixup", "ESMTP inspection") on the firewall between the server and Exchange Online, so STARTTLS reaches it.')];
    case 'must-issue-starttls':
      return [look, { text: `The receiver requires TLS: make sure ${c ? `"${c.Name}"` : 'the send connector'} starts TLS (RequireTLS, a usable certificate) or that the receiving connector's RequireTLS is intended.` }];
  }
}

function tlsFinding(rule: Rule, ctx: RuleContext, kind: Kind, groups: StatusGroup[], toExo: boolean | null): Finding {
  const o = groups[0]!.sample;
  const found = sendConnectorNamed(ctx.case, o.connector);
  const cause = CAUSE[kind];
  const who = found ? `send connector "${found.connector.Name}" (${found.org.Name})` : o.connector ? `send connector "${o.connector}"` : 'the on-premises sender';
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message:
      `${statusesShow(groups)} ${statusLines(groups).map((l) => `"${l}"`).join(', ')} on ${who}${partiesOf(o, false) ? ` (${partiesOf(o, false)})` : ''}: ${cause.why}. Mail to Exchange Online queues on premises and is returned when it expires.` +
      (cause.rule ? ` The configuration check for this cause is ${cause.rule}.` : '') +
      (toExo === null ? ' The evidence names no destination and the case does not hold the connector, so that it leads to Exchange Online is assumed.' : ''),
    subjects: found ? [{ type: 'SendConnector', name: found.connector.Name, organization: found.org.Name }] : statusSubjects(groups, 'SendConnector'),
    evidence: statusEvidence(groups),
    fix: fixFor(kind, found),
    references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/send-connector-certificate-not-found', 'https://learn.microsoft.com/exchange/mail-flow/connectors/send-connectors'],
  };
}

export const rule: Rule = {
  id: ID,
  title: 'The on-premises server cannot set up TLS to Exchange Online',
  severity: 'error',
  description: 'A queue, tracking log or send protocol log shows the send connector to Exchange Online failing TLS (certificate not found, validation failure, unusable credentials, STARTTLS masked): mail queues on premises.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const groups = statusesForRule(ctx.case, ID).filter((g) => kindOf(g.sample) !== null);
    for (const gs of groupStatuses(groups, (o) => `${kindOf(o)}|${routeKey(o)}`)) {
      const o = gs[0]!.sample;
      const toExo = towardsExchangeOnline(sendConnectorNamed(ctx.case, o.connector), o);
      // A connector the case shows leading elsewhere is not a hybrid route (RULES.md: "on a connector to Exchange Online").
      if (toExo === false) continue;
      findings.push(tlsFinding(this, ctx, kindOf(o)!, gs, toExo));
    }
    return findings;
  },
};
