import { domainOf } from '../model/domains.js';
import type { StatusObservation } from '../model/evidence.js';
import type { Finding, FixStep } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EXO, manualStep } from './support/fix-commands.js';
import { extraValue, outboundConnectorNamed } from './support/status-case-lookups.js';
import { statusesForRule } from './support/status-evidence.js';
import { enhancedCodeOf, groupStatuses, partiesOf, statusesShow, statusEvidence, statusSubjects, type StatusGroup } from './support/status-findings.js';

/**
 * RULES.md v2 `trace-dane-mtasts-failure`, NDR-CATALOG "Exchange Online outbound TLS policies":
 * Exchange Online's outbound SMTP DANE checks fail at the destination (4.7.321 starttls-not-supported,
 * 4.7.322 certificate-expired, 4.7.323 tlsa-invalid, 4.7.324 dnssec-invalid, 4.7.325
 * certificate-host-mismatch; 5.7.32x when final), or MTA-STS validation fails against a policy in
 * `enforce` (queued 24 h, then dropped; no code documented). The fault is the destination's; a
 * connector's SmtpDaneMode / MtaStsMode decides whether Exchange Online insists [NOC][MODES].
 */

const ID = 'trace-dane-mtasts-failure';

const DANE_MEANING: Record<string, string> = {
  '321': 'the destination does not offer STARTTLS (starttls-not-supported)',
  '322': "the destination's certificate has expired (certificate-expired)",
  '323': "the destination's TLSA record does not match its certificate (tlsa-invalid)",
  '324': "the destination's DNSSEC validation failed (dnssec-invalid)",
  '325': "the destination's certificate does not carry its host name (certificate-host-mismatch)",
};

function daneSuffix(o: StatusObservation): string | null {
  return /^[45]\.7\.(32[1-5])$/.exec(enhancedCodeOf(o.status) ?? '')?.[1] ?? null;
}

function failureFinding(rule: Rule, ctx: RuleContext, groups: StatusGroup[]): Finding {
  const o = groups[0]!.sample;
  const suffix = daneSuffix(o);
  const dane = suffix !== null;
  const destination = o.remoteHost ?? (o.recipient?.includes('@') ? domainOf(o.recipient) : null);
  const final = (enhancedCodeOf(o.status) ?? '').startsWith('5.');
  const found = outboundConnectorNamed(ctx.case, o.connector);
  const setting = dane ? 'SmtpDaneMode' : 'MtaStsMode';
  const mode = found ? extraValue(found.connector.extra, setting) : null;
  const modes = found ? ['SmtpDaneMode', 'MtaStsMode'].map((k) => `${k} ${extraValue(found.connector.extra, k) ?? '(not in the export)'}`).join(', ') : null;
  const what = dane ? `Exchange Online's SMTP DANE check failed${destination ? ` at ${destination}` : ''}: ${DANE_MEANING[suffix]}` : `Exchange Online's MTA-STS validation failed${destination ? ` for ${destination}` : ''} against a policy in enforce mode`;
  const outcome = final ? 'The message was returned to the sender.' : dane ? 'The message is deferred and returned when the queue expires (24 hours).' : 'The message is queued for 24 hours and then dropped.';
  const fix: FixStep[] = [manualStep('DNS', `The fault is at the destination: ask the admin of ${destination ?? 'the recipient domain'} to correct ${dane ? 'its TLSA records, DNSSEC signing or certificate' : 'its MTA-STS policy or the certificate its MX hosts present'}.`)];
  if (found) {
    fix.push({ text: `See how "${found.connector.Name}" (${found.tenant.Name}) applies DANE and MTA-STS.`, command: `Get-OutboundConnector -Identity ${psIdentity(found.connector.Name)} | Format-List Name,SmtpDaneMode,MtaStsMode,SmartHosts,UseMXRecord`, where: EXO });
    fix.push({ text: `Only if delivery without that check is acceptable until the destination is fixed: Set-OutboundConnector -Identity ${psIdentity(found.connector.Name)} -${setting} ${dane ? 'Opportunistic' : 'None'} (Exchange Online PowerShell).`, where: EXO });
  } else {
    fix.push({ text: 'See which outbound connector delivers there and how it applies DANE and MTA-STS.', command: 'Get-OutboundConnector | Format-List Name,RecipientDomains,SmtpDaneMode,MtaStsMode', where: EXO });
  }
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message:
      `${statusesShow(groups)} "${o.status.text}"${partiesOf(o) ? ` (${partiesOf(o)})` : ''}: ${what}. ${outcome}` +
      (found ? ` Outbound connector "${found.connector.Name}" (${found.tenant.Name}): ${modes}${mode ? '' : `; ${setting} is not in the export, so how it applies cannot be told (export Get-OutboundConnector with ${setting})`}.` : o.connector ? ` The outbound connector "${o.connector}" is not in the case, so its SmtpDaneMode/MtaStsMode are unknown.` : ''),
    subjects: found ? [{ type: 'OutboundConnector', name: found.connector.Name, tenant: found.tenant.Name }] : statusSubjects(groups, 'OutboundConnector'),
    evidence: statusEvidence(groups),
    fix,
    references: ['https://learn.microsoft.com/purview/how-smtp-dane-works', 'https://learn.microsoft.com/purview/enhancing-mail-flow-with-mta-sts'],
  };
}

export const rule: Rule = {
  id: ID,
  title: "Exchange Online's DANE or MTA-STS check failed at the destination",
  severity: 'warning',
  description: "Exchange Online defers (4.7.321–325) or returns (5.7.321–325) mail when the destination fails SMTP DANE, and drops it after 24 hours when MTA-STS in enforce mode fails.",
  run(ctx: RuleContext): Finding[] {
    const groups = statusesForRule(ctx.case, ID).filter((g) => daneSuffix(g.sample) !== null || /MTA-?STS/i.test(g.sample.status.text));
    return groupStatuses(groups, (o) => `${o.connector?.toLowerCase() ?? ''}|${o.remoteHost ?? (o.recipient ? domainOf(o.recipient) : '')}|${daneSuffix(o) ?? 'sts'}`).map((gs) => failureFinding(this, ctx, gs));
  },
};
