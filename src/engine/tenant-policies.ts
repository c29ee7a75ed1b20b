import { NEXT_BASELINE_RAISE } from '../data/exchange-server-baseline.js';
import type { InboundConnector, Tenant } from '../model/case.js';
import { certificateLabel } from '../model/certificate.js';
import { blockedConnectorsOf, blockingEntry, CONNECTOR_BLOCKED } from './blocked-connectors.js';
import { matchCertificateName } from './cert-name-match.js';
import { familyOf } from './exchange-version.js';
import type { AdmissionCheck, AdmissionInput, AdmissionResult } from './exo-admission.js';
import { deferredByExchangeServer, rejected } from './hop-failure.js';
import { ipInRanges, parseIp } from './ip-address.js';
import { buildText, judgeServer, OUT_OF_DATE_BLOCKED, OUT_OF_DATE_THROTTLED, requiredUpdate, serverReportOf } from './server-enforcement.js';

/**
 * Tenant-level policies at Exchange Online (EXO-SEMANTICS M12): blocked connectors and tenants,
 * out-of-date on-premises servers, RejectDirectSend. The first two apply to mail attributed to an
 * OnPremises connector (Originating), RejectDirectSend to anonymous Incoming mail (M3, "Order of
 * checks at EOP").
 */

export const DIRECT_SEND_REJECTED = '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources';

function result(partial: Partial<AdmissionResult>): AdmissionResult {
  return { decisions: [], assumptions: [], anomalies: [], failure: null, ...partial };
}

/** `Set-OrganizationConfig -RejectDirectSend` as the case holds it (topology, export or what-if): true, false or null (not given). */
export function rejectDirectSendOf(tenant: Tenant): boolean | null {
  const v = tenant.extra.RejectDirectSend;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^\s*\$?(true|false)\s*$/i.test(v)) return /true/i.test(v);
  return null;
}

/** M12 [GBC]: an inbound connector Exchange Online blocked as potentially compromised sends nothing. */
export const blockedConnectorCheck: AdmissionCheck = ({ ctx, hop, result: a }) => {
  const tenant = a.tenant;
  const connector = a.connector;
  if (!tenant || !connector) return null;
  const entries = blockedConnectorsOf(tenant);
  if (!entries || entries.length === 0) return null;
  const entry = blockingEntry(entries, connector, ctx.at);
  if (!entry) return null;
  const reason = entry.Reason ? ` (reason given: ${entry.Reason})` : '';
  const decision = `Inbound connector "${connector.Name}" of ${tenant.Name} is blocked as potentially compromised (Get-BlockedConnector${entry.ConnectorId ? ` ConnectorId ${entry.ConnectorId}` : ''})${reason}: Exchange Online refuses the mail it would accept through it (M12).`;
  return result({
    decisions: [decision],
    assumptions: [`assumed: the rejection text of a blocked connector is "${CONNECTOR_BLOCKED}" (quoted by Microsoft's "Remove blocked connectors" article; EXO-SEMANTICS M12 lists it as undocumented)`],
    failure: rejected(CONNECTOR_BLOCKED, `${hop.from} hands the message to ${tenant.Name} through "${connector.Name}", which Exchange Online has blocked (connector blocked): the sender gets a non-delivery report.`),
  });
};

/** M12 [PV23][BASE26]: an on-premises server below the baseline, handing mail over an OnPremises connector. */
export const outOfDateServerCheck: AdmissionCheck = ({ ctx, hop, result: a }) => {
  const sender = hop.sender;
  const connector = a.connector;
  const tenant = a.tenant;
  if (sender.type !== 'send-connector' || !connector || !tenant) return null;
  const server = sender.server;
  const j = judgeServer(server, ctx.at, serverReportOf(tenant));
  if (connector.ConnectorType !== 'OnPremises') {
    // [PV23]: mail over Partner connectors is not enforced "for now".
    if (j.kind === 'out-of-date' || j.kind === 'su-unknown') {
      return result({ assumptions: [`assumed: ${server.Name} (${buildText(j.build)}) is below the Exchange Online baseline, but its mail arrives over the Partner connector "${connector.Name}", which Exchange Online does not throttle or block "for now" (EXO-SEMANTICS M12, [PV23])`] });
    }
    return null;
  }
  switch (j.kind) {
    case 'unknown-version':
      return result({
        assumptions: [
          `assumed: the Exchange version of ${server.Name} is not in the case, so whether Exchange Online throttles or blocks it as out-of-date is not judged (EXO-SEMANTICS M12); give AdminDisplayVersion (Get-ExchangeServer) or a Get-OnPremServerReportInfo export of ${tenant.Name}`,
        ],
      });
    case 'up-to-date': {
      const f = familyOf(j.build);
      if (f === '2016' || f === '2019') return result({ assumptions: [`assumed: ${server.Name} (${buildText(j.build)}) meets today's baseline; ${NEXT_BASELINE_RAISE.text} (EXO-SEMANTICS M12, [BASE26])`] });
      return null;
    }
    case 'su-unknown':
      return result({
        decisions: [`${server.Name} reports ${buildText(j.build)} (AdminDisplayVersion): the cumulative update the baseline needs, but AdminDisplayVersion does not show security updates, so whether it has ${j.row.minimumLabel} (build ${j.row.minimumBuild}) is unknown (M12).`],
        assumptions: [
          `assumed: ${server.Name} has the security update the Exchange Online baseline requires (${j.row.minimumLabel}, build ${j.row.minimumBuild}); without it Exchange Online throttles (450 4.7.230) and then blocks (550 5.7.230) its mail. Check ExSetup.exe's file version on the server, or give a Get-OnPremServerReportInfo export of ${tenant.Name} (EXO-SEMANTICS M12)`,
        ],
      });
    case 'out-of-date':
      break;
  }
  const what = `${server.Name} (${buildText(j.build)}) hands the message to Exchange Online over the OnPremises connector "${connector.Name}" and is below the baseline valid on ${ctx.at.toISOString().slice(0, 10)} (${requiredUpdate(j.row)})`;
  const stageText =
    j.stageFrom === 'report'
      ? `Get-OnPremServerReportInfo of ${tenant.Name} puts it at the ${j.stage} stage (first detected ${j.report?.FirstDetectedDate ?? 'unknown'}, throttling from ${j.report?.ThrottleEnabledDate ?? 'unknown'}, blocking from ${j.report?.BlockingEnabledDate ?? 'unknown'})`
      : j.stageFrom === 'version-blocked'
        ? `every build of this version is blocked since ${j.row.since}`
        : j.stageFrom === 'days-since-baseline'
          ? `the baseline started on ${j.row.since}, fewer than 30 days earlier, so the server can only be in the report-only stage`
          : `the day Exchange Online first detected it is not in the case`;
  const decisions = [`${what}; ${stageText} (M12).`];
  const assumptions: string[] = [];
  if (j.stageFrom === 'model-default') {
    assumptions.push(
      `assumed: ${server.Name} is at the throttling stage (450 4.7.230, retried); from day 70 after first detection Exchange Online blocks it (550 5.7.230) and a pause (New-TenantExemptionInfo) holds the stage. Give a Get-OnPremServerReportInfo export of ${tenant.Name} for the real stage (EXO-SEMANTICS M12)`,
    );
  }
  if (j.stage === 'report-only') {
    return result({ decisions, assumptions: [...assumptions, `assumed: ${server.Name} is in the report-only window: its mail is still accepted, throttling starts 30 days after first detection (EXO-SEMANTICS M12, [PV23])`] });
  }
  if (j.stage === 'blocked') {
    return result({ decisions, assumptions, failure: rejected(OUT_OF_DATE_BLOCKED, `Exchange Online blocks ${server.Name} as an out-of-date Exchange server: the message is returned with a non-delivery report.`) });
  }
  return result({
    decisions,
    assumptions,
    failure: deferredByExchangeServer(OUT_OF_DATE_THROTTLED, `Exchange Online throttles ${server.Name} as an out-of-date Exchange server: the message stays in its queue and is retried until it expires.`, server.extra.MessageExpirationTimeout),
  });
};

/** M12 [SOC][RDS]: RejectDirectSend refuses anonymous mail from the tenant's own domains. */
export const directSendCheck: AdmissionCheck = (input) => {
  const { ctx, result: a, senderDomain } = input;
  const tenant = a.tenant;
  if (!tenant || a.outcome !== 'accepted' || a.direction !== 'inbound' || a.connector !== null) return null;
  if (rejectDirectSendOf(tenant) !== true) return null;
  // P1 only: the P2 From: is not checked [RDS]; a null sender has no domain.
  if (senderDomain === '' || !ctx.index.acceptedDomain(tenant, senderDomain)) return null;
  const why = whyNoConnector(input, tenant);
  return result({
    decisions: [`RejectDirectSend is on in ${tenant.Name}, and this anonymous message from its accepted domain ${senderDomain} matched no IP- or certificate-scoped inbound connector: ${why} (M12, [RDS]).`],
    failure: rejected(DIRECT_SEND_REJECTED, `Exchange Online rejects the message as Direct Send to ${tenant.Name} (RejectDirectSend): ${why}. The sender gets a non-delivery report.`),
  });
};

/** Why no IP- or certificate-scoped connector of the tenant matched this connection, in words. */
export function whyNoConnector({ hop }: Pick<AdmissionInput, 'hop'>, tenant: Tenant): string {
  const conn = hop.eop?.connection;
  const cert = conn?.certificate ?? null;
  const ip = conn?.sourceIp ?? null;
  const scoped = tenant.InboundConnectors.filter((c) => c.TlsSenderCertificateName || c.SenderIPAddresses.length > 0);
  if (scoped.length === 0) return `${tenant.Name} has no inbound connector scoped to a certificate or IP address`;
  const reasons: string[] = [];
  const certScoped = scoped.filter((c) => c.TlsSenderCertificateName);
  if (certScoped.length > 0) {
    const names = certScoped.map((c) => `"${c.Name}" (${c.TlsSenderCertificateName})`).join(', ');
    if (!cert) reasons.push(`the sender presented no TLS certificate for ${names}`);
    else {
      const hit = certScoped.find((c) => matchCertificateName(c.TlsSenderCertificateName!, cert.names));
      const problem = hop.eop?.result.certificateProblem ?? null;
      if (hit && !hit.Enabled) reasons.push(`certificate ${certificateLabel(cert)} matches "${hit.Name}", but that connector is disabled`);
      else if (hit && problem) reasons.push(`${problem}, so it no longer matches "${hit.Name}" (${hit.TlsSenderCertificateName})`);
      else if (!hit) reasons.push(`certificate ${certificateLabel(cert)} (${cert.names.join(', ')}) matches no TlsSenderCertificateName of ${names}`);
    }
  }
  for (const c of scoped.filter((x) => x.SenderIPAddresses.length > 0)) reasons.push(ipReason(c, ip));
  return reasons.join('; ') || 'no connector matched';
}

function ipReason(c: InboundConnector, ip: string | null): string {
  if (ip === null) return `the source IP address is not in the case ("${c.Name}" lists ${c.SenderIPAddresses.join(', ')})`;
  const listed = parseIp(ip) !== null && ipInRanges(ip, c.SenderIPAddresses);
  if (listed && !c.Enabled) return `source IP ${ip} is in "${c.Name}", but that connector is disabled`;
  if (listed) return `source IP ${ip} is in "${c.Name}", but the MAIL FROM domain does not let it attribute (M3 step 2)`;
  return `source IP ${ip} is not in SenderIPAddresses of "${c.Name}" (${c.SenderIPAddresses.join(', ')})`;
}
