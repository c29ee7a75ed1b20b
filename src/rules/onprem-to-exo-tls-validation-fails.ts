import type { FlowResult } from '../engine/flow-types.js';
import { CERTIFICATE_VALIDATION_FAILURE, domainValidationFailure } from '../engine/onprem-to-exo.js';
import type { SimulationContext } from '../engine/simulation-context.js';
import type { Organization, SendConnector } from '../model/case.js';
import { exchangeOnlineEndpointOf, type ExchangeOnlineInstance } from '../model/domains.js';
import { eopCertificateName } from '../model/exchange-online-instance.js';
import { formatSource } from '../model/provenance.js';
import { dedupeSubjects, psQuote, type Finding } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EDGE, EMS, edgeSyncNote } from './support/fix-commands.js';
import { flowName, flowSubject } from './support/flow-subject.js';

/**
 * EXO-SEMANTICS M9 [NSC]: a send connector towards Exchange Online with RequireTLS and
 * TlsAuthLevel DomainValidation checks EOP's certificate name against TlsDomain (else the
 * recipient domain). A TlsDomain that does not match the certificate of the tenant's instance, or
 * none on the coexistence address space, fails every connection: the message queues on premises
 * with 454 4.7.5 Certificate validation failure and expires.
 */
export const rule: Rule = {
  id: 'onprem-to-exo-tls-validation-fails',
  title: "The send connector to Exchange Online cannot validate Exchange Online's certificate",
  severity: 'error',
  description: 'Mail from on-premises to Exchange Online queues with 454 4.7.5 Certificate validation failure until it expires.',
  run(ctx: RuleContext): Finding[] {
    const findings: Finding[] = [];
    const sim = ctx.simulation.context;
    for (const org of ctx.case.organizations) {
      for (const sc of org.SendConnectors) {
        if (!sc.Enabled) continue;
        const instance = instanceTowards(sc, sim);
        if (!instance) continue;
        const why = domainValidationFailure(sc, instance);
        if (!why) continue;
        const flows = ctx.simulation.flows.filter((f) => failsOn(f, sc));
        findings.push(finding(this, org, sc, instance, why, flows));
      }
    }
    return findings;
  },
};

/** The Exchange Online instance the connector's smart hosts (or, routing by MX, its address spaces' MX) belong to. */
function instanceTowards(sc: SendConnector, sim: SimulationContext): ExchangeOnlineInstance | null {
  const hosts = sc.DNSRoutingEnabled ? sc.AddressSpaces.filter((a) => !a.Domain.startsWith('*')).flatMap((a) => sim.dns.MX[a.Domain] ?? []) : sc.SmartHosts;
  for (const h of hosts) {
    const e = exchangeOnlineEndpointOf(h);
    if (e.kind === 'eop') return e.instances[0]!;
  }
  return null;
}

function failsOn(f: FlowResult, sc: SendConnector): boolean {
  const last = f.hops[f.hops.length - 1];
  return f.outcome === 'deferred' && f.response === CERTIFICATE_VALIDATION_FAILURE && last?.sender.type === 'send-connector' && last.sender.connector === sc;
}

function finding(rule: Rule, org: Organization, sc: SendConnector, instance: ExchangeOnlineInstance, why: string, flows: FlowResult[]): Finding {
  const name = eopCertificateName(instance);
  const edge = edgeSyncNote(org, sc);
  const affected = flows.length > 0 ? ` Affected: ${flows.map(flowName).join(', ')}.` : '';
  return {
    rule: rule.id,
    severity: rule.severity,
    title: rule.title,
    message: `Send connector "${sc.Name}" (${org.Name}) requires TLS with DomainValidation towards Exchange Online, but ${why}. Every message over it queues with ${CERTIFICATE_VALIDATION_FAILURE} and is returned when it expires (EXO-SEMANTICS M9).${affected}`,
    subjects: dedupeSubjects([{ type: 'SendConnector', name: sc.Name, organization: org.Name }, ...flows.map(flowSubject)]),
    evidence: [
      { source: formatSource(sc.provenance), text: `"${sc.Name}": RequireTLS ${sc.RequireTLS ? '$true' : '$false'}, TlsAuthLevel ${sc.TlsAuthLevel}, TlsDomain ${sc.TlsDomain ?? '$null'}` },
      ...flows.slice(0, 5).map((f) => ({ source: 'simulation', text: `${flowName(f)}: deferred ${f.response}` })),
    ],
    fix: [
      {
        text: `Validate against the name Exchange Online presents, ${name}, as the Hybrid Configuration Wizard sets it.${edge}`,
        command: `Set-SendConnector ${psQuote(sc.Name)} -TlsDomain ${name}`,
        where: edge ? EDGE : EMS,
      },
    ],
    references: ['https://learn.microsoft.com/powershell/module/exchangepowershell/set-sendconnector', 'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/hybrid-mail-flow-issues'],
  };
}
