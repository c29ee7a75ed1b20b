import type { InboundConnector, Tenant } from '../model/case.js';

/**
 * Inbound connectors Exchange Online blocked as potentially compromised (EXO-SEMANTICS M12,
 * [GBC]): `Get-BlockedConnector` lists them by `ConnectorId` (a GUID, the value
 * `Remove-BlockedConnector -ConnectorId` takes); its other properties — ConnectorName, Reason,
 * CreatedTime, ExpirationTime, TenantId — are known from third-party scripts only. A topology
 * writes `BlockedConnectors` on the tenant as connector names or GUIDs, or as those objects.
 */

/**
 * The rejection a blocked connector's mail gets. M12 calls it undocumented ([model] "connector
 * blocked"); Microsoft's "Remove blocked connectors from the Restricted entities portal" quotes
 * the NDR as `550;5.7.711 Access denied, bad inbound connector. AS(2204).`
 */
export const CONNECTOR_BLOCKED = '550 5.7.711 Access denied, bad inbound connector. AS(2204)';

export interface BlockedConnectorEntry {
  ConnectorId: string | null;
  ConnectorName: string | null;
  Reason: string | null;
  CreatedTime: string | null;
  ExpirationTime: string | null;
}

const GUID = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

export function isGuid(v: string): boolean {
  return GUID.test(v.trim());
}

function text(v: unknown): string | null {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'number') return String(v);
  return null;
}

/** The tenant's blocked-connector list, null when the case says nothing about it. */
export function blockedConnectorsOf(tenant: Tenant): BlockedConnectorEntry[] | null {
  const raw = tenant.extra.BlockedConnectors;
  if (raw === undefined || raw === null) return null;
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
  const out: BlockedConnectorEntry[] = [];
  for (const item of items) {
    const s = text(item);
    if (s !== null) {
      out.push(isGuid(s) ? { ConnectorId: s.replace(/[{}]/g, ''), ConnectorName: null, Reason: null, CreatedTime: null, ExpirationTime: null } : { ConnectorId: null, ConnectorName: s, Reason: null, CreatedTime: null, ExpirationTime: null });
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    const id = text(o.ConnectorId) ?? text(o.Identity);
    const name = text(o.ConnectorName) ?? text(o.Name);
    if (!id && !name) continue;
    out.push({ ConnectorId: id ? id.replace(/[{}]/g, '') : null, ConnectorName: name, Reason: text(o.Reason), CreatedTime: text(o.CreatedTime), ExpirationTime: text(o.ExpirationTime) });
  }
  return out;
}

/** The connector's GUID as Get-InboundConnector exports it (`Guid`, `ExchangeObjectId`, or an `Identity` that is a GUID). */
export function connectorGuid(c: InboundConnector): string | null {
  for (const k of ['Guid', 'ExchangeObjectId', 'Identity', 'Id']) {
    const v = text(c.extra[k]);
    if (v && isGuid(v)) return v.replace(/[{}]/g, '').toLowerCase();
  }
  return null;
}

/** The entry that blocks this connector: by GUID, else by name. */
export function blockingEntry(entries: readonly BlockedConnectorEntry[], c: InboundConnector, at: Date): BlockedConnectorEntry | null {
  const guid = connectorGuid(c);
  const name = c.Name.toLowerCase();
  for (const e of entries) {
    // An entry whose block has expired no longer refuses mail [model].
    const until = e.ExpirationTime ? Date.parse(e.ExpirationTime) : NaN;
    if (!Number.isNaN(until) && until <= at.getTime()) continue;
    if (e.ConnectorId && guid && e.ConnectorId.toLowerCase() === guid) return e;
    if (e.ConnectorName && e.ConnectorName.toLowerCase() === name) return e;
    if (e.ConnectorId && !guid && e.ConnectorName === null && e.ConnectorId.toLowerCase() === name) return e;
  }
  return null;
}

/** The GUID to unblock with: the entry's ConnectorId, else the connector's own GUID. */
export function unblockId(e: BlockedConnectorEntry, c: InboundConnector): string | null {
  return e.ConnectorId ?? connectorGuid(c);
}
