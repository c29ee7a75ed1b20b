import type { FlowSpec, JournalRule, Tenant } from '../model/case.js';
import { domainOf } from '../model/domains.js';
import type { ConnectorIndex } from './connector-index.js';

/**
 * Journal rules of a tenant that apply to a message (EXO-SEMANTICS M6): Scope Global (all),
 * Internal (sender and recipient both in the tenant's accepted domains), External (one side
 * outside); an optional Recipient limits the rule to messages from or to that address. Journaling
 * treats a message as internal whenever its P1 domain is accepted (research S36).
 */
export function journalReportsFor(tenant: Tenant, spec: FlowSpec, index: ConnectorIndex): { rule: JournalRule; spec: FlowSpec }[] {
  const senderInternal = index.acceptedDomain(tenant, domainOf(spec.From)) !== undefined;
  const recipientInternal = index.acceptedDomain(tenant, domainOf(spec.To)) !== undefined;
  const out: { rule: JournalRule; spec: FlowSpec }[] = [];
  for (const rule of tenant.JournalRules) {
    if (!rule.Enabled || !rule.JournalEmailAddress) continue;
    if (rule.Scope === 'Internal' && !(senderInternal && recipientInternal)) continue;
    if (rule.Scope === 'External' && senderInternal && recipientInternal) continue;
    if (rule.Recipient) {
      const r = rule.Recipient.toLowerCase();
      if (spec.From.toLowerCase() !== r && spec.To.toLowerCase() !== r) continue;
    }
    out.push({
      rule,
      spec: {
        From: `MicrosoftExchange@${tenant.Name}`,
        To: rule.JournalEmailAddress,
        Origin: tenant.Name,
        Destination: null,
        Expect: null,
        provenance: rule.provenance,
      },
    });
  }
  return out;
}
