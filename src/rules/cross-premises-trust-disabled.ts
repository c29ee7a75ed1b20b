import type { FlowResult } from '../engine/flow-types.js';
import { formatSource } from '../model/provenance.js';
import { formatTlsDomainCapabilities, receiveConnectorTlsDomainCapabilities } from '../model/receive-connector-settings.js';
import { dedupeSubjects, psQuote, type Finding, type FindingSubject, type FixStep } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { EDGE, EMS, EXO, edgeSyncNote } from './support/fix-commands.js';
import { flowName, flowSubject } from './support/flow-subject.js';
import { CLOUD_TLS_DOMAIN, trustBreakers, type TrustBreaker } from './support/trust-causes.js';

/**
 * EXO-SEMANTICS M10, S4 (seed 004), KB3212872: cross-premises mail arrives
 * `X-MS-Exchange-Organization-AuthAs: Internal` only when CloudServicesMailEnabled is $true on the
 * on-premises send connector, the tenant's OnPremises inbound connector and its OnPremises
 * outbound connector, and the receive connector Exchange Online lands on grants
 * mail.protection.outlook.com:AcceptCloudServicesMail (2010: AcceptOorgProtocol). Otherwise mail
 * routes but arrives Anonymous: shown as external, out-of-office and free/busy behave as for
 * outsiders. A non-Exchange sender using TreatMessagesAsInternal is not this rule's concern.
 */
export const rule: Rule = {
  id: 'cross-premises-trust-disabled',
  title: 'Cross-premises trust is not established: hybrid mail arrives Anonymous',
  severity: 'error',
  description: 'Mail between on-premises Exchange and Exchange Online routes, but arrives as anonymous internet mail instead of internal mail.',
  run(ctx: RuleContext): Finding[] {
    const sim = ctx.simulation.context;
    const byObject = new Map<string, { breaker: TrustBreaker; given: boolean; flows: FlowResult[] }>();
    for (const f of ctx.simulation.flows) {
      if (f.outcome !== 'delivered') continue;
      for (let i = 0; i < f.hops.length; i++) {
        for (const b of trustBreakers(f, i, sim)) {
          const key = JSON.stringify(subjectOf(b));
          const entry = byObject.get(key) ?? { breaker: b, given: false, flows: [] };
          entry.given ||= b.given;
          if (!entry.flows.includes(f)) entry.flows.push(f);
          byObject.set(key, entry);
        }
      }
    }
    return [...byObject.values()].map(({ breaker, given, flows }) => ({
      rule: this.id,
      // Unknown is not false: a value the case does not hold yields a warning naming it.
      severity: given ? this.severity : 'warning',
      title: this.title,
      message: `${describe(breaker, given)} Cross-premises messages then arrive with X-MS-Exchange-Organization-AuthAs: Anonymous — they route, but count as external mail (EXO-SEMANTICS M10, seed 004). Affected: ${flows.map(flowName).join(', ')}.`,
      subjects: dedupeSubjects([subjectOf(breaker), ...flows.map(flowSubject)]),
      evidence: [
        { source: formatSource(breaker.connector.provenance), text: setting(breaker, given) },
        ...flows.slice(0, 5).map((f) => ({ source: 'simulation', text: `${flowName(f)}: ${f.hops.map((h) => `${h.to} (AuthAs ${h.authAs ?? 'n/a'})`).join(' → ')}` })),
      ],
      fix: [fixFor(breaker)],
      references: ['https://learn.microsoft.com/exchange/troubleshoot/email-delivery/hybrid-mail-flow-issues', 'https://learn.microsoft.com/powershell/module/exchangepowershell/set-inboundconnector'],
    }));
  },
};

function subjectOf(b: TrustBreaker): FindingSubject {
  switch (b.kind) {
    case 'send-connector':
      return { type: 'SendConnector', name: b.connector.Name, organization: b.org.Name };
    case 'inbound-connector':
      return { type: 'InboundConnector', name: b.connector.Name, tenant: b.tenant.Name };
    case 'outbound-connector':
      return { type: 'OutboundConnector', name: b.connector.Name, tenant: b.tenant.Name };
    case 'receive-connector':
      return { type: 'ReceiveConnector', name: b.connector.Name, organization: b.org.Name };
  }
}

function describe(b: TrustBreaker, given: boolean): string {
  const unknown = given ? '' : ' The case does not give the value; this is Exchange\'s default.';
  switch (b.kind) {
    case 'send-connector':
      return `Send connector "${b.connector.Name}" (${b.org.Name}) has CloudServicesMailEnabled $false, so it strips the cross-premises headers.${given ? '' : ' The case does not give CloudServicesMailEnabled; $false is the New-SendConnector default (export Get-SendConnector to confirm).'}`;
    case 'inbound-connector':
      return `Inbound connector "${b.connector.Name}" of ${b.tenant.Name} has CloudServicesMailEnabled $false, so Exchange Online does not promote the cross-premises headers.${given ? '' : ' The case does not give CloudServicesMailEnabled; $false is the New-InboundConnector default (export Get-InboundConnector to confirm).'}`;
    case 'outbound-connector':
      return `Outbound connector "${b.connector.Name}" of ${b.tenant.Name} has CloudServicesMailEnabled $false, so Exchange Online sends no cross-premises headers to on-premises.${given ? '' : ' The case does not give CloudServicesMailEnabled; $false is the New-OutboundConnector default (export Get-OutboundConnector to confirm).'}`;
    case 'receive-connector':
      return `Receive connector "${b.connector.Name}" (${b.org.Name}), where Exchange Online lands, does not grant ${CLOUD_TLS_DOMAIN}:${b.capability} in TlsDomainCapabilities, so the session from Exchange Online is anonymous.${unknown}`;
  }
}

function setting(b: TrustBreaker, given: boolean): string {
  if (b.kind === 'receive-connector') {
    const caps = receiveConnectorTlsDomainCapabilities(b.connector);
    return `"${b.connector.Name}": TlsDomainCapabilities ${caps && caps.length > 0 ? formatTlsDomainCapabilities(caps).join(', ') : '(none)'}`;
  }
  return `"${b.connector.Name}": CloudServicesMailEnabled $false${given ? '' : ' (default; not in the case)'}`;
}

function fixFor(b: TrustBreaker): FixStep {
  switch (b.kind) {
    case 'send-connector': {
      const edge = edgeSyncNote(b.org, b.connector);
      return { text: `Let the hybrid send connector carry the cross-premises headers, as the Hybrid Configuration Wizard sets it.${edge}`, command: `Set-SendConnector ${psQuote(b.connector.Name)} -CloudServicesMailEnabled $true`, where: edge ? EDGE : EMS };
    }
    case 'inbound-connector':
      return { text: `Let Exchange Online accept the cross-premises headers from on-premises on "${b.connector.Name}".`, command: `Set-InboundConnector ${psQuote(b.connector.Name)} -CloudServicesMailEnabled $true`, where: EXO };
    case 'outbound-connector':
      return { text: `Let Exchange Online send the cross-premises headers to on-premises over "${b.connector.Name}".`, command: `Set-OutboundConnector ${psQuote(b.connector.Name)} -CloudServicesMailEnabled $true`, where: EXO };
    case 'receive-connector': {
      const caps = receiveConnectorTlsDomainCapabilities(b.connector) ?? [];
      const values = [...formatTlsDomainCapabilities(caps.filter((c) => c.domain !== CLOUD_TLS_DOMAIN)), `${CLOUD_TLS_DOMAIN}:${b.capability}`];
      const identity = b.connector.Server ? `${b.connector.Server}\\${b.connector.Name}` : b.connector.Name;
      return {
        text: `Grant Exchange Online's TLS sessions the cross-premises capability on "${b.connector.Name}" (its certificate must be the hybrid certificate Exchange Online validates).`,
        command: `Set-ReceiveConnector ${psQuote(identity)} -TlsDomainCapabilities ${values.join(',')}`,
        where: EMS,
      };
    }
  }
}
