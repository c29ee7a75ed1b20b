import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The build to measure: BENCH_DIST (a private build's dist/), else this checkout's dist/. */
const dist = (path) => (process.env.BENCH_DIST ? pathToFileURL(join(process.env.BENCH_DIST, path)).href : new URL(`../dist/${path}`, import.meta.url).href);
const { matchCertificateName, matchOneName, normalizeCertName } = await import(dist('engine/cert-name-match.js'));
const { certificateProblem } = await import(dist('engine/certificate-usability.js'));
const { RELAY_DENIED, RELAY_DENIED_ATTR36 } = await import(dist('engine/inbound-attribution.js'));
const { parseIp, parseIpRange, rangeContains } = await import(dist('engine/ip-address.js'));

/**
 * The reference the connector index is checked and measured against: the same decision as
 * attribute() (EXO-SEMANTICS M3–M5) taken by scanning every connector of every tenant, and every
 * tenant's accepted domains, for each connection. No index; IP ranges are parsed once up front
 * (as the index does), certificate values go through the exported matchCertificateName.
 *
 * Where several connectors match equally well (an unsupported configuration, M3), attribute()
 * takes the one its lookups find first; this scan orders hits the same way, stated here as rules:
 * certificate hits by the order of the certificate's names, then exact before wildcard-certificate
 * before wildcard-value, then the longer wildcard suffix, then case order; IP hits by the longest
 * IPv4 prefix containing the address, then case order.
 *
 * SenderIPAddresses counts only IPv4 addresses and /24–/32 blocks (M3 [NIC]); other values are
 * ignored, and an IPv6 source matches nothing.
 */

/** M3 [NIC]: the only SenderIPAddresses values Exchange Online accepts. */
const isSupported = (r) => r.family === 4 && r.prefixLength !== null && r.prefixLength >= 24 && r.prefixLength <= 32;

export function prepareLinear(tenants) {
  let order = 0;
  return tenants.map((tenant) => ({
    tenant,
    domains: tenant.AcceptedDomains.map((d) => d.DomainName),
    entries: tenant.InboundConnectors.map((connector) => ({
      tenant,
      connector,
      value: connector.TlsSenderCertificateName,
      order: order++,
      ranges: connector.SenderIPAddresses.map((t) => parseIpRange(t)).filter((r) => r !== null && isSupported(r)),
    })),
  }));
}

function hasDomain(tenant, domain) {
  for (const d of tenant.AcceptedDomains) if (d.DomainName === domain) return true;
  return false;
}

/** M3 certificate-domain test [KB4019940]: the name itself or its immediate parent (`*.d` → d); never a grandparent. */
function certificateDomain(tenant, name) {
  if (name.startsWith('*.')) return hasDomain(tenant, name.slice(2)) ? name.slice(2) : null;
  if (hasDomain(tenant, name)) return name;
  const dot = name.indexOf('.');
  return dot >= 0 && hasDomain(tenant, name.slice(dot + 1)) ? name.slice(dot + 1) : null;
}

const KIND_RANK = { exact: 0, 'wildcard-certificate': 1, 'wildcard-value': 2 };

/** Where the index's lookups first find this connector (see the header comment). */
function certificateDiscoveryKey(value, names, order) {
  const v = normalizeCertName(value);
  for (let i = 0; i < names.length; i++) {
    const m = matchOneName(v, names[i]);
    if (m) return [i, KIND_RANK[m.kind], -m.specificity, order];
  }
  return [names.length, 0, 0, order];
}

function compareKeys(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

const isActiveOnPrem = (e) => e.connector.Enabled && e.connector.ConnectorType === 'OnPremises';

export function linearAttribute(conn, prepared, ctx) {
  const cert = conn.certificate;
  const ip = conn.sourceIp ? parseIp(conn.sourceIp) : null;
  const mailFrom = conn.mailFromDomain;
  const rcpt = conn.rcptToDomain;
  const certProblem = cert ? certificateProblem(cert, ctx.at) : 'no certificate presented';

  const certHits = [];
  const ipHits = [];
  const senderTenants = [];
  const recipientTenants = [];
  for (let ti = 0; ti < prepared.length; ti++) {
    const { tenant, domains, entries } = prepared[ti];
    for (let k = 0; k < domains.length; k++) {
      if (domains[k] === mailFrom) senderTenants.push(tenant);
      if (domains[k] === rcpt) recipientTenants.push(tenant);
    }
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k];
      const value = e.value;
      if (cert && value) {
        const match = matchCertificateName(value, cert.names);
        if (match) certHits.push({ entry: e, match, key: certificateDiscoveryKey(value, cert.names, e.order) });
      }
      if (ip && e.ranges.length > 0) {
        let best = -1;
        for (const r of e.ranges) if (rangeContains(r, ip)) best = Math.max(best, r.prefixLength);
        if (best >= 0) ipHits.push({ entry: e, key: [-best, e.order] });
      }
    }
  }
  certHits.sort((a, b) => compareKeys(a.key, b.key));
  ipHits.sort((a, b) => compareKeys(a.key, b.key));

  const decision = (d) => ({
    outcome: d.outcome,
    tenant: d.tenant ?? null,
    outsideTenantDomain: d.outsideTenantDomain ?? null,
    connector: d.connector ?? null,
    direction: d.direction,
    matchedBy: d.matchedBy ?? null,
    response: d.response ?? null,
    recipientInTenant: d.recipientInTenant ?? false,
    certificateProblem: certProblem,
    competingTenants: d.competingTenants ?? [],
  });

  // M3 attributed through an OnPremises connector; M4 relay conditions (the certificate name that
  // matched at step 1, or its immediate parent, or the P1 domain accepted); M5.1 drop only for a
  // return to a tenant left by connector with the recipient in another Exchange Online tenant.
  const fromOnPremises = (e, how, competing, certName) => {
    const t = e.tenant;
    const base = { tenant: t, connector: e.connector, matchedBy: how, competingTenants: competing };
    if (hasDomain(t, rcpt)) return decision({ ...base, outcome: 'accepted', direction: 'outbound', recipientInTenant: true });
    const certDomain = certName ? certificateDomain(t, certName) : null;
    if (!certDomain && !hasDomain(t, mailFrom)) return decision({ ...base, outcome: 'rejected', direction: 'none', response: RELAY_DENIED_ATTR36 });
    if (conn.previousTenants?.includes(t.Name) && ctx.isExchangeOnlineDomain(rcpt)) return decision({ ...base, outcome: 'dropped', direction: 'relay' });
    return decision({ ...base, outcome: 'accepted', direction: 'relay' });
  };

  // Step 1: certificate names against OnPremises connectors (a broken certificate matches nothing).
  const active = certHits.filter((h) => isActiveOnPrem(h.entry));
  if (cert && active.length > 0 && !certProblem) {
    let best = active[0];
    for (const h of active) if (h.match.specificity > best.match.specificity) best = h;
    const competing = distinctTenants(active.map((h) => h.entry), best.entry.tenant);
    return fromOnPremises(best.entry, 'certificate', competing, best.match.certName);
  }

  // Step 2: MAIL FROM domain, where that tenant's OnPremises connector matches the source IP.
  const activeIp = ipHits.map((h) => h.entry).filter(isActiveOnPrem);
  for (const e of activeIp) {
    if (senderTenants.includes(e.tenant)) return fromOnPremises(e, 'ip', distinctTenants(activeIp, e.tenant), null);
  }
  // Unknown source IP (CONTRACT v1.1): the sender tenant's IP-scoped OnPremises connector is taken to match.
  if (conn.sourceIp === null) {
    for (const st of senderTenants) {
      const e = prepared.find((x) => x.tenant === st)?.entries.find((x) => isActiveOnPrem(x) && x.ranges.length > 0);
      if (e) return fromOnPremises(e, 'ip', [], null);
    }
  }

  // Step 3: RCPT TO domain.
  const t = recipientTenants[0];
  if (t) {
    const ownIp = activeIp.find((e) => e.tenant === t);
    if (ownIp) return fromOnPremises(ownIp, 'ip', [], null);
    const partnerOf = (e) => e.tenant === t && e.connector.Enabled && e.connector.ConnectorType === 'Partner';
    const partner = (certProblem ? undefined : certHits.find((h) => partnerOf(h.entry))?.entry) ?? ipHits.map((h) => h.entry).find(partnerOf);
    // Partner restrictions (5.7.51) are judged after attribution, with the sender's TLS and the
    // hybrid cause (EXO-SEMANTICS M15; src/engine/partner-connectors.ts), not here.
    return decision({ outcome: 'accepted', direction: 'inbound', tenant: t, connector: partner?.connector ?? null, matchedBy: 'recipient', recipientInTenant: true });
  }
  if (ctx.isExchangeOnlineDomain(rcpt)) {
    return decision({ outcome: 'accepted', direction: 'inbound', outsideTenantDomain: rcpt, matchedBy: 'recipient', recipientInTenant: true });
  }
  return decision({ outcome: 'rejected', direction: 'none', response: RELAY_DENIED });
}

function distinctTenants(entries, except) {
  const out = [];
  for (const e of entries) if (e.tenant !== except && !out.includes(e.tenant)) out.push(e.tenant);
  return out;
}

/** The decision fields both implementations must agree on (the trace is prose, not compared). */
export function decisionOf(a) {
  return {
    outcome: a.outcome,
    tenant: a.tenant?.Name ?? null,
    connector: a.connector?.Name ?? null,
    direction: a.direction,
    response: a.response,
    matchedBy: a.matchedBy,
    outsideTenantDomain: a.outsideTenantDomain,
    recipientInTenant: a.recipientInTenant,
    certificateProblem: a.certificateProblem,
    competingTenants: a.competingTenants.map((t) => t.Name).sort().join(','),
  };
}

/** The first field where two decisions differ, or null. Connectors are also compared by identity. */
export function firstDifference(indexed, linear) {
  if (indexed.connector !== linear.connector) return 'connector (object identity)';
  if (indexed.tenant !== linear.tenant) return 'tenant (object identity)';
  const a = decisionOf(indexed);
  const b = decisionOf(linear);
  for (const k of Object.keys(a)) if (a[k] !== b[k]) return k;
  return null;
}
