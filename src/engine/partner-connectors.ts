import type { InboundConnector, Tenant } from '../model/case.js';
import { certificateLabel } from '../model/certificate.js';
import { matchCertificateName } from './cert-name-match.js';
import type { ConnectorIndex } from './connector-index.js';
import type { AdmissionCheck } from './exo-admission.js';
import type { Hop } from './flow-types.js';
import { rejected } from './hop-failure.js';
import { ipInRanges } from './ip-address.js';
import { decidePartnerConnectors, type PartnerConnection, type PartnerDecision } from './partner-connector-decision.js';

/**
 * Partner connector restrictions on Incoming mail (EXO-SEMANTICS M15), applied here, after
 * attribution, rather than inside attribute(): M3's order of checks puts them after the tenant is
 * known and only for mail attributed Incoming (step 3) — Partner connectors never grant relay and
 * never apply to Originating mail — and the verdict needs what attribution does not see: whether
 * the sender uses TLS (RequireTls), the sender itself (tenant to tenant for TrustedOrganizations),
 * and, for the decision text, why the tenant's OnPremises connector did not match hybrid mail.
 * attribute() stays the hot path without any Partner work; tenants without an enabled Partner
 * connector cost one map lookup here.
 */

/**
 * Whether the hop's sender uses TLS towards Exchange Online, which always offers STARTTLS (M9).
 * Exchange Server send connectors use opportunistic TLS unless IgnoreSTARTTLS is $true; Exchange
 * Online always does. The case holds no TLS policy for a gateway route or an internet sender:
 * they are taken to use TLS, and the assumption is reported when a RequireTls connector relies on it.
 */
function senderTls(hop: Hop): { tls: boolean; assumption: string | null } {
  if (hop.tls !== null && hop.tls.validation === 'NotOffered') return { tls: false, assumption: null };
  const s = hop.sender;
  switch (s.type) {
    case 'send-connector':
      // Kept in `extra` as the export wrote it: a boolean (JSON, YAML) or `True` (CSV).
      return { tls: String(s.connector.extra.IgnoreSTARTTLS).toLowerCase() !== 'true', assumption: null };
    case 'exchange-online':
      return { tls: true, assumption: null };
    case 'gateway-route':
      return { tls: true, assumption: `assumed: gateway "${s.gateway.Name}" uses TLS towards Exchange Online (the case holds no TLS setting for its route "${s.route.Name}"; EXO-SEMANTICS M15)` };
    case 'internet':
      return { tls: true, assumption: 'assumed: the internet sender uses TLS towards Exchange Online (EXO-SEMANTICS M15)' };
  }
}

/** The Partner connectors' decision for a hop that entered Exchange Online attributed Incoming, or null. */
export function partnerDecisionForHop(hop: Hop, index: ConnectorIndex): PartnerDecision | null {
  const eop = hop.eop;
  if (eop === null) return null;
  const result = eop.result;
  // M15: Partner connectors apply to Incoming mail of the recipient's tenant only (M3 step 3).
  if (result.direction !== 'inbound' || result.tenant === null || result.outcome === 'rejected') return null;
  const partners = index.partnerConnectors(result.tenant);
  if (partners.length === 0) return null;
  const tls = senderTls(hop);
  const conn: PartnerConnection = {
    sourceIp: eop.connection.sourceIp,
    certificate: eop.connection.certificate,
    certificateProblem: result.certificateProblem,
    tls: tls.tls,
    tlsAssumption: tls.assumption,
    sendingTenant: hop.sender.type === 'exchange-online' ? hop.sender.tenant.Name.toLowerCase() : null,
    senderDomain: eop.connection.mailFromDomain,
    rcptDomain: eop.connection.rcptToDomain,
  };
  return decidePartnerConnectors(partners, conn);
}

/**
 * Hybrid mail that should have been attributed Originating (M3 step 1 or 2) but arrived as
 * Incoming: why each enabled OnPremises connector of the tenant did not match, or null when the
 * hop is not the tenant's own on-premises (or gateway) side sending its own domains.
 */
export function hybridCause(hop: Hop, tenant: Tenant, index: ConnectorIndex): string | null {
  const eop = hop.eop;
  const s = hop.sender;
  if (eop === null || (s.type !== 'send-connector' && s.type !== 'gateway-route')) return null;
  const own = index.acceptedDomain(tenant, eop.connection.mailFromDomain) !== undefined || (s.type === 'send-connector' && s.org.AcceptedDomains.some((d) => index.acceptedDomain(tenant, d.DomainName) !== undefined));
  if (!own) return null;
  const onPrem = tenant.InboundConnectors.filter((c) => c.Enabled && c.ConnectorType === 'OnPremises');
  const from = s.type === 'send-connector' ? `send connector "${s.connector.Name}" of ${s.org.Name}` : `gateway "${s.gateway.Name}"`;
  if (onPrem.length === 0) return `hybrid cause: mail from ${from} is the tenant's own on-premises mail, but ${tenant.Name} has no enabled OnPremises inbound connector, so it was not attributed Originating (M3).`;
  const causes = onPrem.map((c) => `the OnPremises connector "${c.Name}" did not match because ${whyNotMatched(c, hop)}`);
  return `Hybrid cause: mail from ${from} should have been attributed Originating, but ${causes.join('; ')}; so it counts as Incoming mail (M3 step 3) and the Partner connectors apply.`;
}

function whyNotMatched(c: InboundConnector, hop: Hop): string {
  const eop = hop.eop!;
  const cert = eop.connection.certificate;
  const reasons: string[] = [];
  if (c.TlsSenderCertificateName) {
    if (cert === null) reasons.push(`no client certificate was presented (it expects ${c.TlsSenderCertificateName})`);
    else if (matchCertificateName(c.TlsSenderCertificateName, cert.names) === null) {
      reasons.push(`the certificate presented, ${certificateLabel(cert)} (${cert.names.join(', ')}), does not match its TlsSenderCertificateName ${c.TlsSenderCertificateName}`);
    } else if (eop.result.certificateProblem !== null) reasons.push(`the ${eop.result.certificateProblem}`);
    else reasons.push(`the certificate ${certificateLabel(cert)} matches ${c.TlsSenderCertificateName}, but another connector matched it more precisely`);
  }
  if (c.SenderIPAddresses.length > 0) {
    const ip = eop.connection.sourceIp;
    if (ip === null) reasons.push('the source IP is not in the case');
    else if (!ipInRanges(ip, c.SenderIPAddresses)) reasons.push(`the source IP ${ip} is not in its SenderIPAddresses (${c.SenderIPAddresses.join(', ')})`);
    else reasons.push(`the source IP ${ip} is in its SenderIPAddresses but the tenant does not accept the MAIL FROM domain ${eop.connection.mailFromDomain}`);
  }
  return reasons.length > 0 ? reasons.join(', and ') : 'it names neither a certificate nor IP addresses';
}

export const partnerConnectorCheck: AdmissionCheck = (input) => {
  const decision = partnerDecisionForHop(input.hop, input.ctx.index);
  if (decision === null) return null;
  const tenant = input.result.tenant!;
  if (decision.outcome === 'admitted') return { decisions: [decision.why], assumptions: decision.assumptions, anomalies: [], failure: null };
  const cause = hybridCause(input.hop, tenant, input.ctx.index);
  const conclusion = `Exchange Online rejects the message at RCPT TO for ${tenant.Name}: ${decision.why}${cause ? ` ${cause}` : ''}`;
  return { decisions: [], assumptions: decision.assumptions, anomalies: [], failure: rejected(decision.response!, conclusion) };
};
