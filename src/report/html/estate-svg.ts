import { clip, html, join, type Html } from './escape.js';
import type { EstateConnector, EstateIdentity, EstateMap } from './estate-model.js';

/**
 * The estate map: sending identities on the left (organizations' servers and gateways, with the
 * certificate names and IPs they present), tenants' inbound connectors on the right, and an edge
 * wherever Exchange Online would match one to the other (solid: certificate name, dashed: IP).
 * An orange edge is a match other organizations' mail can make (S1: the shared gateway's
 * certificate matches a tenant's wildcard; S3: one identity on a tenant route and an internet
 * route); a red box is a connector a finding names. Tables below say the same in text.
 */

const W = 900;
const LEFT_X = 10;
const RIGHT_X = 560;
const BOX_W = 330;
const ID_H = 50;
const TENANT_H = 26;
const CONN_H = 46;
const GAP = 10;

function identityText(i: EstateIdentity): string {
  const cert = i.certificate ?? (i.certNames[0] ? i.certNames[0] : null);
  return [cert ? `cert ${cert}` : 'no certificate', i.ips.length > 0 ? `IP ${i.ips.join(', ')}` : null].filter(Boolean).join(' · ');
}

function connectorText(k: EstateConnector): string {
  return [k.certName ? `cert ${k.certName}` : null, k.ips.length > 0 ? `IP ${k.ips.join(', ')}` : null, k.enabled ? null : 'disabled'].filter(Boolean).join(' · ') || 'no certificate or IP';
}

export function renderEstateSvg(map: EstateMap): Html {
  if (map.identities.length === 0 && map.connectors.length === 0) return html`<p class="muted">The case holds no sending identity or inbound connector to map.</p>`;
  const idY = new Map<string, number>();
  const idParts: Html[] = [];
  let y = 30;
  for (const i of map.identities) {
    idY.set(i.id, y + ID_H / 2);
    idParts.push(
      html`<g class="n ${i.ownerKind === 'gateway' ? 'gw' : 'srv'}" data-identity="${i.id}"><title>${i.owner} / ${i.host}: ${identityText(i)}; names ${i.certNames.join(', ') || 'none'}</title><rect x="${LEFT_X}" y="${y}" width="${BOX_W}" height="${ID_H}" rx="6"></rect><text x="${LEFT_X + 10}" y="${y + 19}" font-size="12" font-weight="600">${clip(`${i.owner} / ${i.host}`, 44)}</text><text class="sub" x="${LEFT_X + 10}" y="${y + 37}" font-size="11">${clip(identityText(i), 52)}</text></g>`,
    );
    y += ID_H + GAP;
  }
  const leftBottom = y;
  const kY = new Map<string, number>();
  const rightParts: Html[] = [];
  y = 30;
  const byTenant = new Map<string, EstateConnector[]>();
  for (const k of map.connectors) byTenant.set(k.tenant, [...(byTenant.get(k.tenant) ?? []), k]);
  for (const [tenant, list] of byTenant) {
    rightParts.push(html`<g class="t"><title>tenant ${tenant}</title><rect x="${RIGHT_X}" y="${y}" width="${BOX_W}" height="${TENANT_H}" rx="4"></rect><text x="${RIGHT_X + 10}" y="${y + 17}" font-size="12" font-weight="700">${clip(`tenant ${tenant}`, 48)}</text></g>`);
    y += TENANT_H + 4;
    for (const k of list) {
      kY.set(k.id, y + CONN_H / 2);
      rightParts.push(
        html`<g class="n k${k.flagged ? ' flagged' : ''}" data-connector="${k.id}"><title>${k.type} inbound connector "${k.name}" of ${k.tenant}: ${connectorText(k)}${k.flagged ? ' (named by a finding)' : ''}</title><rect x="${RIGHT_X + 14}" y="${y}" width="${BOX_W - 14}" height="${CONN_H}" rx="6"></rect><text x="${RIGHT_X + 24}" y="${y + 18}" font-size="12" font-weight="600">${clip(k.name, 42)}</text><text class="sub" x="${RIGHT_X + 24}" y="${y + 35}" font-size="11">${clip(`${k.type} · ${connectorText(k)}`, 48)}</text></g>`,
      );
      y += CONN_H + GAP;
    }
    y += 6;
  }
  const height = Math.max(leftBottom, y) + 10;
  const flagged = new Set(map.connectors.filter((k) => k.flagged).map((k) => k.id));
  const edges = map.matches.map((m) => {
    const y1 = idY.get(m.identity);
    const y2 = kY.get(m.connector);
    if (y1 === undefined || y2 === undefined) return html``;
    const x1 = LEFT_X + BOX_W;
    const x2 = RIGHT_X + 14;
    const cls = `m ${m.by === 'ip' ? 'ip' : 'cert'}${m.foreign ? ' foreign' : ''}${flagged.has(m.connector) && m.foreign ? ' flagged' : ''}`;
    return html`<g class="${cls}" data-match="${m.identity}-${m.connector}"><title>${m.by === 'ip' ? 'IP' : 'certificate'} match: ${m.detail}${m.foreign ? ' — other organizations’ mail can be attributed here' : ''}</title><path d="M${x1} ${y1} C ${x1 + 110} ${y1}, ${x2 - 110} ${y2}, ${x2} ${y2}"></path></g>`;
  });
  const heads = html`<text x="${LEFT_X}" y="18" font-size="12" font-weight="700">Sending identities (certificate, IP)</text><text x="${RIGHT_X}" y="18" font-size="12" font-weight="700">Tenants and inbound connectors</text>`;
  return html`<div class="scroll"><svg class="estate-map" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-labelledby="estate-map-t"><title id="estate-map-t">Estate map: ${map.identities.length} sending identities, ${map.connectors.length} inbound connectors, ${map.matches.length} matches</title>${heads}${join(edges)}${join(idParts)}${join(rightParts)}</svg></div>`;
}

export function renderEstate(map: EstateMap): Html {
  const t = map.totals;
  const trimmed = map.connectors.length < t.connectors || map.identities.length < t.identities;
  const legend = html`<ul class="legend"><li>solid edge: certificate name matches TlsSenderCertificateName</li><li>dashed edge: IP within SenderIPAddresses</li><li class="anomaly">orange edge: mail of an organization that does not own the tenant can match</li><li>red box: connector named by a finding</li></ul>`;
  const idName = new Map(map.identities.map((i) => [i.id, `${i.owner} / ${i.host}`]));
  const kName = new Map(map.connectors.map((k) => [k.id, `"${k.name}" (${k.tenant})`]));
  const matchRows = map.matches.map((m) => html`<tr${m.foreign ? html` class="anomaly"` : ''}><td>${idName.get(m.identity)}</td><td>${kName.get(m.connector)}</td><td>${m.by}</td><td>${m.detail}${m.foreign ? ' — other organizations’ mail can match' : ''}</td></tr>`);
  const matches = map.matches.length > 0 ? html`<div class="scroll"><table><caption class="muted">Which identity matches which connector</caption><thead><tr><th scope="col">identity</th><th scope="col">inbound connector</th><th scope="col">by</th><th scope="col">match</th></tr></thead><tbody>${matchRows}</tbody></table></div>` : html`<p class="muted">No sending identity matches an inbound connector.</p>`;
  const objects = html`<details><summary>Tenants (${t.tenants}), organizations (${t.organizations}), gateways (${t.gateways})${trimmed ? ' — those involved' : ''}</summary><div class="body"><ul>${map.tenants.map((x) => html`<li><b>tenant ${x.name}</b>${x.tenantId ? html` <code>${x.tenantId}</code>` : ''}: ${x.connectors} inbound connector(s); domains ${x.domains.join(', ') || '—'}; outbound ${x.outbound.map((o) => `"${o.name}" → ${o.smartHosts.join(', ') || 'MX'}${o.enabled ? '' : ' (disabled)'}`).join('; ') || '—'}</li>`)}${map.organizations.map((o) => html`<li><b>organization ${o.name}</b>: ${o.servers} server(s); domains ${o.domains.join(', ') || '—'}; send connectors ${o.sendConnectors.map((s) => `"${s.name}" → ${s.smartHosts.join(', ') || 'MX'}${s.enabled ? '' : ' (disabled)'}`).join('; ') || '—'}</li>`)}${map.gateways.map((g) => html`<li><b>gateway ${g.name}</b>: ${g.nodes} node(s); routes ${g.routes.map((r) => `"${r.name}" (${r.addressSpaces.join(', ')}) → ${r.smartHosts.join(', ') || 'MX'}`).join('; ') || '—'}</li>`)}</ul></div></details>`;
  const note = trimmed ? html`<p class="muted">A large estate: ${map.connectors.length} of ${t.connectors} inbound connectors and ${map.identities.length} of ${t.identities} sending identities are drawn — those a finding names and those other organizations' mail can match.</p>` : html``;
  return html`${note}${legend}${renderEstateSvg(map)}${matches}${objects}`;
}
