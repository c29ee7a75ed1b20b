import type { Case } from '../model/case.js';
import type { RedactionMap, WordCategory } from './redaction-map.js';
import { collectText } from './redact-text.js';
import { addCaseTopLevelName, isPublicCaName } from './vocabulary.js';

/**
 * The names a case gives its objects — organizations, servers, connectors, gateways, routes,
 * rules — and the customer parts of certificate subjects and issuers. Their words (those that are
 * not generic, see vocabulary.ts) are pseudonymised wherever they appear, in any file: a server
 * named EX01 is SRV1 in the topology, in `Default Frontend SRV1` in a protocol log and in
 * `ex01.contoso.local` alike.
 */
export function collectCaseNames(c: Case, map: RedactionMap): void {
  const name = (text: string | null | undefined, category: WordCategory): void => {
    if (text) collectText(text, map, category);
  };
  // The case's own domains say which top-level names are domains here (`.law`, `.bank` …).
  for (const side of [...c.tenants, ...c.organizations]) for (const d of side.AcceptedDomains) addCaseTopLevelName(d.DomainName);
  for (const cert of c.certificates) for (const d of cert.CertificateDomains) addCaseTopLevelName(d);
  for (const t of c.tenants) {
    name(t.Name, 'tenant');
    for (const x of t.InboundConnectors) name(x.Name, 'conn');
    for (const x of t.OutboundConnectors) name(x.Name, 'conn');
    for (const x of t.JournalRules) name(x.Name, 'rule');
  }
  for (const o of c.organizations) {
    name(o.Name, 'org');
    for (const s of o.Servers) name(s.Name, 'srv');
    for (const x of o.SendConnectors) name(x.Name, 'conn');
    for (const x of o.ReceiveConnectors) {
      name(x.Name, 'conn');
      name(x.Server, 'srv');
    }
    for (const x of o.RemoteDomains) name(x.Name, 'name');
    const h = o.HybridConfiguration;
    if (h) for (const s of [...h.ReceivingTransportServers, ...h.SendingTransportServers, ...h.EdgeTransportServers]) name(s, 'srv');
  }
  for (const g of c.gateways) {
    name(g.Name, 'gw');
    for (const n of g.Nodes) name(n.Name, 'srv');
    for (const r of g.Routes) name(r.Name, 'route');
  }
  for (const cert of c.certificates) {
    for (const dn of [cert.Subject, cert.Issuer]) {
      // A public CA's name identifies no customer (DigiCert, Let's Encrypt …); a private CA's does.
      if (dn && !isPublicCaName(dn)) for (const value of dnValues(dn)) name(value, 'name');
    }
    const friendly = cert.extra.FriendlyName;
    if (typeof friendly === 'string') name(friendly, 'name');
  }
}

/** Values of the naming attributes of a distinguished name (`CN=…, O=…, OU=…, L=…, ST=…`); C= is a country. */
function dnValues(dn: string): string[] {
  const out: string[] = [];
  for (const part of dn.split(/,(?=\s*[A-Za-z.0-9]+=)/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toUpperCase();
    if (['CN', 'O', 'OU', 'L', 'ST', 'S', 'STREET', 'DC'].includes(key)) out.push(part.slice(eq + 1).trim().replace(/^"|"$/g, ''));
  }
  return out;
}
