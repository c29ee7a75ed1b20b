import type { Tenant } from '../model/case.js';
import { CmdletError } from './cmdlet-error.js';
import { formatChanges } from './cmdlet-describe.js';
import { findByIdentity, tenantScopes, type Lookup } from './cmdlet-identity.js';
import type { ApplyContext, ChangeOutcome } from './cmdlet-object-verbs.js';
import { applySettings } from './cmdlet-settings.js';
import { listNames } from './cmdlet-suggest.js';

/**
 * Set-OrganizationConfig (Exchange Online): tenant-wide settings. They are kept in the tenant's
 * `extra` under the parameter names, where the simulation reads `RejectDirectSend` (EXO-SEMANTICS
 * M12: a boolean, `$true` rejects unattributed mail with an accepted P1 domain). A connection to
 * Exchange Online PowerShell is one tenant, so -Identity is needed only when the case holds several.
 */
export function setOrganizationConfig(ctx: ApplyContext): ChangeOutcome {
  const tenant = targetTenant(ctx);
  const changes = applySettings(ctx.src, ctx.spec, ctx.parsed, tenant, {}, ['Identity']);
  return {
    description: `${ctx.spec.name}: tenant ${tenant.Name}: ${formatChanges(changes)}`,
    subject: { type: 'Tenant', name: tenant.Name },
  };
}

function targetTenant(ctx: ApplyContext): Tenant {
  const tenants = ctx.case.tenants;
  const identity = ctx.parsed.parameters.Identity;
  if (identity) {
    // Each tenant is its own scope holding itself, so the tenant name (or TenantId) finds it.
    const lookup: Lookup<Tenant> = { what: 'tenant', place: 'case', scopes: tenantScopes(ctx.case, (t) => [t]), nameOf: (t) => t.Name };
    const byId = tenants.find((t) => t.TenantId !== null && t.TenantId.toLowerCase() === identity.value.text.trim().toLowerCase());
    return byId ?? findByIdentity(ctx.src, lookup, identity).item;
  }
  if (tenants.length === 1) return tenants[0]!;
  if (tenants.length === 0) throw new CmdletError(`${ctx.spec.name} changes an Exchange Online tenant, and the case has none`);
  throw new CmdletError(`${ctx.spec.name}: the case holds several tenants (${listNames(tenants.map((t) => t.Name))}); name one with -Identity, as each Exchange Online PowerShell session is connected to one tenant`);
}
