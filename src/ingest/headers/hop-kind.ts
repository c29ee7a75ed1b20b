import type { HopKind } from '../../model/evidence.js';
import type { ReceivedHead } from './received.js';

/**
 * Exchange Online's own server names (FORMATS.md §5; EXO-SEMANTICS M1): mailbox and hub servers
 * under `*.prod.outlook.com` (`*.eurprd05.prod.outlook.com`, `*.namprd…`), EOP front ends under
 * `*.protection.outlook.com` (`*.mail.protection.outlook.com`, `*.eop-*.prod.protection.outlook.com`),
 * `*.outlook.office365.com`, the newer `*.mx.microsoft`, and the sovereign clouds' equivalents
 * (`*.office365.us`, `*.outlook.cn` operated by 21Vianet).
 */
const EXCHANGE_ONLINE_HOST = /\.(outlook\.com|outlook\.office365\.com|mx\.microsoft|office365\.us|outlook\.cn)\.?$/i;

export function isExchangeOnlineHost(host: string | null): boolean {
  return host !== null && EXCHANGE_ONLINE_HOST.test(host);
}

/**
 * Third-party gateways by the host names their services stamp (each vendor's documented MX or
 * relay host names) — the `by` side of a hosted gateway is always under the vendor's domain.
 */
const GATEWAY_HOSTS: { vendor: string; host: RegExp }[] = [
  { vendor: 'Mimecast', host: /(^|\.)mimecast(-offshore)?\.(com|co\.za)\.?$/i },
  { vendor: 'Proofpoint', host: /(^|\.)(pphosted|ppe-hosted|ppops)\.(com|net)\.?$/i },
  { vendor: 'Proofpoint', host: /(^|\.)proofpoint\.com\.?$/i },
  { vendor: 'Barracuda', host: /(^|\.)(barracudanetworks|cudamail|cuda-inc)\.com\.?$/i },
  { vendor: 'Cisco Secure Email (IronPort)', host: /(^|\.)(iphmx|iphmx-eu)\.com\.?$/i },
  { vendor: 'Sophos', host: /(^|\.)hydra\.sophos\.com\.?$/i },
  { vendor: 'Trend Micro', host: /(^|\.)(tmes\.trendmicro\.(com|eu)|trendmicro\.(com|eu))\.?$/i },
  { vendor: 'Symantec/Broadcom Email Security.cloud', host: /(^|\.)messagelabs\.(com|net)\.?$/i },
  { vendor: 'Google Postini', host: /(^|\.)(postini|psmtp)\.com\.?$/i },
  { vendor: 'Hornetsecurity', host: /(^|\.)(hornetsecurity\.com|antispameurope\.com)\.?$/i },
  { vendor: 'Forcepoint', host: /(^|\.)mailcontrol\.com\.?$/i },
  { vendor: 'Retarus', host: /(^|\.)retarus\.(com|net)\.?$/i },
  { vendor: 'SEPPmail', host: /(^|\.)seppmail\.cloud\.?$/i },
];

/** On-premises appliances name themselves in the `by` comment or their stamp, not in their host name. */
const GATEWAY_STAMPS: { vendor: string; stamp: RegExp }[] = [
  { vendor: 'Proofpoint', stamp: /proofpoint/i },
  { vendor: 'Mimecast', stamp: /mimecast/i },
  { vendor: 'Barracuda', stamp: /barracuda/i },
  { vendor: 'Cisco Secure Email (IronPort)', stamp: /ironport|cisco secure email/i },
  { vendor: 'Sophos', stamp: /sophos/i },
  { vendor: 'Trend Micro', stamp: /trend ?micro|imss|interscan/i },
  { vendor: 'Fortinet FortiMail', stamp: /fortimail/i },
  { vendor: 'Symantec/Broadcom Email Security.cloud', stamp: /messagelabs|symantec/i },
];

export interface HopClassification {
  kind: HopKind;
  /** The gateway product when `kind` is `gateway`. */
  vendor: string | null;
  /** Why: the signal the classification rests on, for the reader of the report. */
  basis: string;
}

/** Microsoft's stamp: Exchange Server and Exchange Online both write `with Microsoft SMTP Server`. */
function isExchangeStamp(r: ReceivedHead): boolean {
  const w = (r.with ?? '').toLowerCase();
  // `mapi` is mailbox submission, written only by Exchange; Exchange's transaction id is its build (`15.2.1544.4`).
  return w.startsWith('microsoft smtp server') || w === 'mapi' || (w === 'https' && /^\d+\.\d+\.\d+\.\d+$/.test(r.id ?? ''));
}

/**
 * The system that stamped a Received header: its `by` side (CONTRACT: a hop's `kind`).
 *
 * Edge Transport writes the same stamp as any Exchange server, so headers alone cannot prove a
 * server is an Edge. A hop is called `exchange-edge` only on two signals together: the Exchange
 * host's first label names it an edge (`edge01`, `ex-edge`, `mailedge`), and the stamp has no
 * `via Frontend Transport` / `via Mailbox Transport` — services that exist on Mailbox servers
 * (Exchange 2013 and later) and never on an Edge Transport server. Otherwise, an Exchange hop
 * outside Microsoft's names is `exchange-on-premises`; the case's topology (Servers with
 * `Role: Edge`) can say more.
 */
export function classifyHop(r: ReceivedHead): HopClassification {
  const by = r.by;
  const exchange = isExchangeStamp(r);
  if (isExchangeOnlineHost(by)) {
    return { kind: 'exchange-online', vendor: null, basis: `${by} is an Exchange Online server name` };
  }
  for (const g of GATEWAY_HOSTS) {
    if (by !== null && g.host.test(by)) return { kind: 'gateway', vendor: g.vendor, basis: `${by} is a ${g.vendor} host` };
  }
  for (const comment of r.byComments) {
    for (const g of GATEWAY_STAMPS) {
      if (g.stamp.test(comment)) return { kind: 'gateway', vendor: g.vendor, basis: `the stamp names ${g.vendor} ("${comment}")` };
    }
  }
  // AsyncOS (IronPort / Cisco Secure Email) writes its protocol as `ESMTP/TLS/<cipher>` — no other MTA does.
  if (/^E?SMTP\/TLS\//i.test(r.with ?? '')) {
    return { kind: 'gateway', vendor: 'Cisco Secure Email (IronPort)', basis: `the stamp "with ${r.with}" is Cisco AsyncOS's` };
  }
  if (exchange) {
    const firstLabel = (by ?? '').split('.')[0]!.toLowerCase();
    const mailboxService = /^(frontend|mailbox) transport$/i.test(r.via ?? '');
    if (/edge/.test(firstLabel) && !mailboxService) {
      return { kind: 'exchange-edge', vendor: null, basis: `Exchange stamp by ${by}, named as an Edge, without a Mailbox server's transport service` };
    }
    return { kind: 'exchange-on-premises', vendor: null, basis: `Exchange stamp ("with ${r.with}") by ${by ?? 'an unnamed server'} outside Microsoft's names` };
  }
  return { kind: 'other', vendor: null, basis: by === null ? 'no by clause' : `${by} is neither Exchange nor a known gateway` };
}
