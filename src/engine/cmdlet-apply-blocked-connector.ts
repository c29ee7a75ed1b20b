import type { Tenant } from '../model/case.js';
import { blockedConnectorsOf, connectorGuid, isGuid } from './blocked-connectors.js';
import { failParameter, type ApplyContext, type ChangeOutcome } from './cmdlet-object-verbs.js';

/**
 * Remove-BlockedConnector -ConnectorId <Guid> (Exchange Online, [GBC]): unblocks an inbound
 * connector Exchange Online blocked as potentially compromised (EXO-SEMANTICS M12). The tenant is
 * the one whose Get-BlockedConnector list holds the GUID, or whose inbound connector has it.
 */
export function removeBlockedConnector(ctx: ApplyContext): ChangeOutcome {
  const given = ctx.parsed.parameters.ConnectorId;
  const id = given ? given.value.text.trim().replace(/^['"]|['"]$/g, '').replace(/[{}]/g, '') : '';
  if (!isGuid(id)) failParameter(ctx, 'ConnectorId', `-ConnectorId takes the GUID Get-BlockedConnector shows (e.g. 159eb7c4-75d7-43e2-95fe-ced44b3e0a56), not "${id}"`);
  const wanted = id.toLowerCase();
  for (const tenant of ctx.case.tenants) {
    const entries = blockedConnectorsOf(tenant);
    if (!entries) continue;
    const connector = tenant.InboundConnectors.find((c) => connectorGuid(c) === wanted);
    const kept = entries.filter((e) => (e.ConnectorId ? e.ConnectorId.toLowerCase() !== wanted : !(connector && e.ConnectorName?.toLowerCase() === connector.Name.toLowerCase())));
    if (kept.length === entries.length) continue;
    tenant.extra.BlockedConnectors = kept;
    return { description: `${ctx.spec.name}: tenant ${tenant.Name}: connector ${id}${connector ? ` ("${connector.Name}")` : ''} unblocked`, subject: subjectOf(tenant, connector?.Name ?? id) };
  }
  return failParameter(ctx, 'ConnectorId', `no blocked connector with ConnectorId ${id} in the case (Get-BlockedConnector lists the blocked ones)`);
}

function subjectOf(tenant: Tenant, name: string): { type: string; name: string; tenant: string } {
  return { type: 'InboundConnector', name, tenant: tenant.Name };
}
