import type { Finding } from './finding.js';
import { psIdentity } from './finding.js';
import type { Rule, RuleContext } from './rule.js';
import { clientIsExchangeOnline, describeSpan, endpointText, evidenceOf, exchangeOnlineRanges, groupBy, groupEvidence, isExchangeOnlineAddress, receiveConnectorNamed, spanOf } from './support/evidence.js';

/**
 * S4.2 (seed 004): a firewall or load balancer that NATs inbound SMTP replaces Exchange Online's
 * source address with its own. The receive connector scoped to Exchange Online's ranges no longer
 * matches; the connection lands on the default receive connector and hybrid mail arrives
 * anonymous (or is refused). Exchange Online is recognised by its EHLO name or certificate
 * (EXO-SEMANTICS M1) while the address is outside its published ranges (M7).
 */
export const rule: Rule = {
  id: 'eop-source-ip-not-preserved',
  title: "Exchange Online's connections arrive from an address outside its ranges (NAT)",
  severity: 'error',
  description: 'A NAT device hides Exchange Online’s source address, so its connections miss the receive connector scoped to Exchange Online.',
  run(ctx: RuleContext): Finding[] {
    // The server's view (receive logs) or the wire shows the address Exchange sees.
    const natted = evidenceOf(ctx.case).sessions.filter(({ sample: s }) => s.viewpoint !== 'client' && s.client.ip && clientIsExchangeOnline(s) && !isExchangeOnlineAddress(ctx.case, s.client.ip));
    return [...groupBy(natted, (g) => g.sample.client.ip!)].map(([ip, groups]) => {
      const sample = groups[0]!.sample;
      const { count, first, last } = spanOf(groups);
      const connectors = [...new Set(groups.map((g) => g.sample.connector).filter((c): c is string => c !== null))];
      const landed = connectors.map((id) => receiveConnectorNamed(ctx.case, id)).find((r) => r !== null) ?? null;
      return {
        rule: this.id,
        severity: this.severity,
        title: this.title,
        message: `${describeSpan(count, first, last, 'session')} from Exchange Online (EHLO ${sample.ehlo ?? '?'}) reached ${sample.server.ip ?? sample.serverName ?? 'the server'} from ${ip}, which is not in Exchange Online's published ranges: a device in front of Exchange replaces the source address.${connectors.length > 0 ? ` They landed on ${connectors.map((c) => `"${c}"`).join(', ')}` : ''}${connectors.length > 0 ? ' instead of the receive connector scoped to Exchange Online, so hybrid mail is treated as anonymous internet mail.' : ' The receive connector scoped to Exchange Online cannot match them, so hybrid mail is treated as anonymous internet mail.'}`,
        subjects: landed ? [{ type: 'ReceiveConnector', name: landed.connector.Name, organization: landed.org.Name }] : [{ type: 'Host', name: ip }],
        evidence: groups.flatMap((g) => groupEvidence(g, `${endpointText(g.sample.client)} → ${endpointText(g.sample.server)}: EHLO ${g.sample.ehlo ?? '?'}${g.sample.connector ? ` on ${g.sample.connector}` : ''}`).slice(0, 2)),
        fix: [
          { text: `Publish port 25 without source NAT (a route or destination NAT only), so Exchange sees Exchange Online's own addresses (${exchangeOnlineRanges(ctx.case).join(', ')}).`, where: 'firewall' },
          {
            text: 'Check that the hybrid receive connector lists those ranges.',
            command: `Get-ReceiveConnector${landed ? ` -Identity ${psIdentity(landed.connector.Name)}` : ''} | Format-List Name,RemoteIPRanges,TlsCertificateName`,
          },
        ],
        references: [
          'https://techcommunity.microsoft.com/t5/exchange-team-blog/demystifying-and-troubleshooting-hybrid-mail-flow-when-is-a/ba-p/1420838',
          'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges',
        ],
      };
    });
  },
};
