import type { ExchangeServer, Organization, OutboundConnector } from '../model/case.js';
import { certificateLabel, type Certificate } from '../model/certificate.js';
import { normalizeHost } from '../model/domains.js';
import { EXCHANGE_ONLINE_CERTIFICATE, EXCHANGE_ONLINE_SOURCE_IP } from './exchange-online-identity.js';
import { CANNOT_CONNECT, DNS_QUERY_FAILED, judgeCertificate, STARTTLS_REQUIRED, tlsSettingsMode } from './exo-to-onprem-validation.js';
import type { HopTls } from './flow-types.js';
import { parseIp, parseIpRange } from './ip-address.js';
import { landingConnector, type Landing } from './receive-connector-landing.js';
import { serverByName, serverFqdn } from './send-routing.js';
import { certificatesOfServer, type SimulationContext } from './simulation-context.js';
import { starttlsCertificate, type StarttlsOffer } from './starttls-certificate.js';

/**
 * One smart host or MX target of an Exchange Online → on-premises delivery (EXO-SEMANTICS M8.1–
 * M8.6): where it resolves, the receive connector EOP lands on, the STARTTLS certificate and the
 * outbound connector's verdict on it. Rules call this too, to name the object behind a failure.
 */

export type TargetProblem = 'dns' | 'no-connector' | 'starttls' | 'smtp-service' | 'validation';

export interface TargetEvaluation {
  host: string;
  org: Organization | null;
  server: ExchangeServer | null;
  /** null when the target is outside the case (a gateway, another system) and not judged here. */
  landing: Landing | null;
  offer: StarttlsOffer | null;
  tls: HopTls | null;
  /** TLS is negotiated (modelled or assumed). */
  tlsEstablished: boolean;
  /** Set when this target defers the message (M8.6). */
  problem: TargetProblem | null;
  response: string | null;
  decisions: string[];
  assumptions: string[];
}

const CLIENT_CERTIFICATE = certificateLabel(EXCHANGE_ONLINE_CERTIFICATE);

function isAddress(host: string): boolean {
  return parseIp(host) !== null || (host.includes('/') && parseIpRange(host) !== null);
}

/** The server a target names: by FQDN or name, by address (literal or A record), or by a receive connector's Fqdn. */
function serverOfTarget(ctx: SimulationContext, org: Organization, host: string, addresses: readonly string[]): ExchangeServer | null {
  const byName = serverByName(org, host);
  if (byName) return byName;
  const byIp = org.Servers.find((s) => s.IPAddresses.some((ip) => addresses.includes(ip)));
  if (byIp) return byIp;
  const rc = org.ReceiveConnectors.find((r) => r.Fqdn === host && r.Server);
  if (rc?.Server) return serverByName(org, rc.Server) ?? null;
  const transport = org.Servers.filter((s) => s.Role !== 'Edge');
  return transport.length === 1 ? transport[0]! : null;
}

/** The case holds A records for the organization's hosts: a name missing from them does not resolve (M8.1). */
function caseHasDnsFor(ctx: SimulationContext, org: Organization): boolean {
  const ips = new Set(org.Servers.flatMap((s) => s.IPAddresses));
  const domains = org.AcceptedDomains.map((d) => d.DomainName);
  for (const [name, addrs] of Object.entries(ctx.dns.A)) {
    if (addrs.some((a) => ips.has(a))) return true;
    if (domains.some((d) => name === d || name.endsWith(`.${d}`))) return true;
  }
  return false;
}

function placeOf(ctx: SimulationContext, host: string): { org: Organization | null; outside: boolean; addresses: string[] } {
  const addresses = isAddress(host) ? [host] : [...(ctx.dns.A[host] ?? [])];
  const direct = ctx.hosts.get(host);
  if (direct) return { org: direct.kind === 'organization' ? direct.org : null, outside: direct.kind !== 'organization', addresses };
  for (const ip of addresses) {
    const p = ctx.addresses.get(ip);
    if (p) return { org: p.kind === 'organization' ? p.org : null, outside: p.kind !== 'organization', addresses };
  }
  return { org: null, outside: addresses.length > 0, addresses };
}

function tlsOf(offered: boolean, cert: Certificate | null, validation: HopTls['validation'], landedOn: string | null): HopTls {
  return { offered, serverCertificate: cert ? certificateLabel(cert) : null, clientCertificate: offered ? CLIENT_CERTIFICATE : null, validation, landedOn };
}

export function evaluateTarget(ctx: SimulationContext, connector: OutboundConnector | null, target: string, homeOrg: Organization): TargetEvaluation {
  const host = normalizeHost(target);
  const ev: TargetEvaluation = { host, org: null, server: null, landing: null, offer: null, tls: null, tlsEstablished: false, problem: null, response: null, decisions: [], assumptions: [] };
  const place = placeOf(ctx, host);
  if (!place.org) {
    if (place.outside) {
      ev.decisions.push(`${host} is outside the organizations of the case; Exchange Online hands the message to it.`);
      return ev;
    }
    if (caseHasDnsFor(ctx, homeOrg)) {
      ev.problem = 'dns';
      ev.response = DNS_QUERY_FAILED;
      ev.decisions.push(`${host} is no server of the case and has no A record in the case's DNS, which holds ${homeOrg.Name}'s hosts: Exchange Online cannot resolve it (M8.1).`);
      return ev;
    }
    ev.assumptions.push(`assumed: smart host ${host} resolves (the case has no DNS A records for ${homeOrg.Name}); it is outside the case and not judged`);
    ev.decisions.push(`${host} is not a host of the case; Exchange Online hands the message to it.`);
    return ev;
  }
  const org = place.org;
  ev.org = org;
  const server = serverOfTarget(ctx, org, host, place.addresses);
  ev.server = server;
  const mode = tlsSettingsMode(connector);
  if (!server) {
    ev.tlsEstablished = true;
    ev.tls = tlsOf(true, null, mode === 'opportunistic' || mode === 'EncryptionOnly' ? 'NotRequired' : 'ok', null);
    ev.assumptions.push(`assumed: ${host} reaches a server of ${org.Name} configured by the Hybrid Configuration Wizard (which server it is, the case does not say)`);
    return ev;
  }
  const addresses = [...new Set([...place.addresses, ...server.IPAddresses])];
  const landing = landingConnector(org, server, EXCHANGE_ONLINE_SOURCE_IP, addresses);
  ev.landing = landing;
  ev.assumptions.push(...landing.assumptions);
  ev.decisions.push(landing.explanation);
  if (landing.kind === 'none') {
    ev.problem = 'no-connector';
    ev.response = CANNOT_CONNECT;
    return ev;
  }
  const landedOn = landing.kind === 'connector' ? landing.connector.Name : null;
  const certs = certificatesOf(ctx, server);
  if (landing.kind === 'unknown' || certs.length === 0) {
    if (landing.kind === 'connector') {
      ev.assumptions.push(`assumed: "${landedOn}" on ${server.Name} offers STARTTLS with a valid certificate for ${connector?.TlsDomain ?? host} (the case holds no certificate of ${server.Name}; export Get-ExchangeCertificate -Server ${server.Name} | ConvertTo-Json to check)`);
    }
    ev.tlsEstablished = true;
    ev.tls = tlsOf(true, null, mode === 'opportunistic' || mode === 'EncryptionOnly' ? 'NotRequired' : 'ok', landedOn);
    return ev;
  }
  const offer = starttlsCertificate(landing.connector, server, certs, ctx.at);
  ev.offer = offer;
  ev.decisions.push(offer.explanation);
  if (!offer.offered) {
    ev.tls = tlsOf(false, null, 'NotOffered', landedOn);
    if (mode === 'opportunistic') {
      ev.decisions.push('TlsSettings $null: Exchange Online delivers without TLS (opportunistic).');
      return ev;
    }
    ev.problem = 'starttls';
    ev.response = STARTTLS_REQUIRED;
    ev.decisions.push(`TlsSettings ${mode} requires TLS, and "${landedOn}" offers no STARTTLS (M8.6).`);
    return ev;
  }
  if (offer.smtpServiceMissing) {
    ev.tls = tlsOf(true, offer.certificate, 'NotOffered', landedOn);
    if (mode === 'opportunistic') {
      ev.assumptions.push(`assumed: after the failed TLS handshake with ${server.Name}, Exchange Online retries without TLS (TlsSettings $null)`);
      return ev;
    }
    ev.problem = 'smtp-service';
    ev.response = CANNOT_CONNECT;
    ev.assumptions.push(`assumed: Exchange Online reports the failed handshake with ${server.Name} as ${CANNOT_CONNECT} (the exact text is not documented)`);
    return ev;
  }
  const judged = judgeCertificate(connector, host, offer.certificate!, ctx.at);
  ev.decisions.push(judged.explanation);
  ev.tls = tlsOf(true, offer.certificate, judged.validation, landedOn);
  if (judged.response) {
    ev.problem = 'validation';
    ev.response = judged.response;
    return ev;
  }
  ev.tlsEstablished = true;
  return ev;
}

/** Certificates installed on a server: its `Certificates` thumbprints and those whose `Server` names it. */
export function certificatesOf(ctx: SimulationContext, server: ExchangeServer): Certificate[] {
  return certificatesOfServer(ctx, server.Certificates, serverFqdn(server));
}
