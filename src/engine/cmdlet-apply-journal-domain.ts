import type { AcceptedDomain, JournalRule } from '../model/case.js';
import { failValue } from './cmdlet-convert.js';
import { formatChanges } from './cmdlet-describe.js';
import { findByIdentity, organizationScopes, tenantScopes, type Lookup } from './cmdlet-identity.js';
import { failParameter, type ApplyContext, type ChangeOutcome, type ObjectKind } from './cmdlet-object-verbs.js';
import { applySettings, booleanRule, enumRule, textRule, type PropertyRules } from './cmdlet-settings.js';
import { checkSmtpAddress } from './cmdlet-value-checks.js';

/** Journal rules (New-/Set-/Remove-/Enable-/Disable-JournalRule) and Set-AcceptedDomain. */

const journalRules: PropertyRules = {
  Scope: enumRule(['Global', 'Internal', 'External']),
  Recipient: textRule({ nullable: true, check: (src, p, v) => checkSmtpAddress(src, p.name, v, p.value) }),
  // A recipient identity (name, alias or address), which the case cannot resolve: kept as given.
  JournalEmailAddress: textRule({ check: (src, p, v) => (v.trim() === '' ? failValue(src, p.value, `-${p.name} cannot be empty`) : v.trim()) }),
  Enabled: booleanRule,
};

/** The model keeps journal rules in tenants, where the simulation applies them (EXO-SEMANTICS M6). */
export const JOURNAL_RULE: ObjectKind<JournalRule> = {
  type: 'JournalRule',
  lookup: (c) => ({ what: 'journal rule', place: 'tenant', scopes: tenantScopes(c, (t) => t.JournalRules), nameOf: (x) => x.Name }),
  rules: journalRules,
};

/** New-JournalRule reference: "By default, new journal rules are disabled"; Scope defaults to Global. */
export function newJournalRule(name: string, file: string): JournalRule {
  return { Name: name, Scope: 'Global', Recipient: null, JournalEmailAddress: '', Enabled: false, extra: {}, provenance: { file } };
}

const DOMAIN_TYPES = ['Authoritative', 'InternalRelay', 'ExternalRelay'] as const;

function acceptedDomainLookup(ctx: ApplyContext): Lookup<AcceptedDomain> {
  return {
    what: 'accepted domain',
    place: 'tenant or organization',
    scopes: [...tenantScopes(ctx.case, (t) => t.AcceptedDomains), ...organizationScopes(ctx.case, (o) => o.AcceptedDomains)],
    nameOf: (d) => d.DomainName,
  };
}

/**
 * Set-AcceptedDomain: the identity is the domain name, found in tenants and organizations alike
 * (a hybrid domain is accepted on both sides, so it is usually qualified). Only DomainType is
 * modelled; the model's accepted domains have no place for the other settings.
 */
export function setAcceptedDomain(ctx: ApplyContext): ChangeOutcome {
  const lookup = acceptedDomainLookup(ctx);
  const found = findByIdentity(ctx.src, lookup, ctx.parsed.parameters.Identity!);
  const domain = found.item;
  const changes = applySettings(ctx.src, ctx.spec, ctx.parsed, domain, { DomainType: enumRule(DOMAIN_TYPES) }, ['Identity']);
  // Set-AcceptedDomain reference: ExternalRelay "is available only in on-premises Exchange organizations".
  if (found.scope.kind === 'tenant' && domain.DomainType === 'ExternalRelay') {
    failParameter(ctx, 'DomainType', `ExternalRelay is available only in on-premises Exchange, and ${domain.DomainName} is in tenant ${found.scope.name}`, 'Use Authoritative or InternalRelay');
  }
  return {
    description: `${ctx.spec.name}: accepted domain ${domain.DomainName} in ${found.scope.kind} ${found.scope.name}: ${formatChanges(changes)}`,
    subject:
      found.scope.kind === 'tenant'
        ? { type: 'AcceptedDomain', name: domain.DomainName, tenant: found.scope.name }
        : { type: 'AcceptedDomain', name: domain.DomainName, organization: found.scope.name },
  };
}
