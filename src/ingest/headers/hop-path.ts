import type { HopKind } from '../../model/evidence.js';

/**
 * Hop kinds that need the whole path: a host that names no gateway product by itself (Postfix,
 * Sendmail, Exim…) is a gateway when it sits in the organization's own path between on-premises
 * Exchange and Exchange Online — the hybrid path, where Microsoft supports only Exchange, Edge
 * Transport included (seed 004, SCENARIOS S4 item 5; RULES `third-party-gateway-in-hybrid-path`).
 *
 * Between the two Exchange sides a relay is the organization's by position: mail leaves on-premises
 * Exchange (or Exchange Online) for it, and it hands the mail to the other side. Outside that span
 * the same stamps say nothing — a sender's own Postfix before Exchange Online looks the same — so
 * such hops stay `other`.
 *
 * One gateway often stamps several Received headers (docs/headers.md): a content filter on the
 * same machine takes the mail over loopback and gives it back, e.g. Postfix → amavisd-new on
 * 127.0.0.1:10024 → Postfix again on :10025:
 *   from exch01.contoso.com (…[192.0.2.10]) by gw.contoso.com (Postfix) with ESMTPS id A …
 *   from gw.contoso.com ([127.0.0.1]) by localhost (amavisd-new, port 10024) with ESMTP id B …
 *   from localhost (localhost [127.0.0.1]) by gw.contoso.com (Postfix) with ESMTP id C …
 * Those hops are one machine: a hop joins the one before it when it came over loopback, when its
 * receiver is `localhost` (or a loopback address), or when the same host stamped both.
 */
export interface PathHop {
  kind: HopKind;
  vendor: string | null;
  kindBasis: string;
  by: string | null;
  byIp: string | null;
  ip: string | null;
  byComments: readonly string[];
}

/** MTAs and content filters by what they write in the `by` comment (their own names; none names a gateway product). */
const MTA_STAMPS: { product: string; stamp: RegExp }[] = [
  // Postfix's smtpd writes `by host (Postfix)`; pickup writes `(Postfix, from userid 0)`.
  { product: 'Postfix', stamp: /^Postfix\b/ },
  // amavisd-new: `by localhost (amavisd-new, port 10024)`; newer releases `(amavis, port 10024)`.
  { product: 'amavisd-new', stamp: /^amavis(?:d-new)?\b/i },
  { product: 'Exim', stamp: /^Exim \d/ },
  // Sendmail: `(8.18.1/8.18.1)`, `(8.14.7/8.14.7/Submit)` — its version, then the config's.
  { product: 'Sendmail', stamp: /^\d{1,2}\.\d{1,2}\.\d{1,2}(?:\.\d{1,2})?\/\d{1,2}\.\d{1,2}\.\d{1,2}/ },
  { product: 'OpenSMTPD', stamp: /^OpenSMTPD\b/ },
  { product: 'Haraka', stamp: /^Haraka\// },
];

/** The MTA or content filter a hop's `by` comments name, null when none does. */
export function mtaProduct(byComments: readonly string[]): string | null {
  for (const comment of byComments) {
    for (const m of MTA_STAMPS) if (m.stamp.test(comment)) return m.product;
  }
  return null;
}

function isLoopback(ip: string | null): boolean {
  if (ip === null) return false;
  return /^127\./.test(ip) || ip === '::1' || /^::ffff:127\./i.test(ip);
}

const LOCALHOST = /^localhost(?:\.localdomain)?\.?$/i;

/** This hop was stamped on the machine that stamped the hop before it. */
function sameMachine(previous: PathHop, hop: PathHop): boolean {
  if (isLoopback(hop.ip) || isLoopback(hop.byIp)) return true;
  if (hop.by !== null && LOCALHOST.test(hop.by)) return true;
  return hop.by !== null && previous.by !== null && hop.by.toLowerCase() === previous.by.toLowerCase();
}

const isOnPremises = (k: HopKind): boolean => k === 'exchange-on-premises' || k === 'exchange-edge';

/**
 * Marks as `gateway` the non-Microsoft hops between on-premises Exchange and Exchange Online (either
 * way), with every hop of the same machine. Hops are oldest first; linear in their number.
 */
export function markGatewaysInHybridPath<H extends PathHop>(hops: H[]): void {
  const n = hops.length;
  // Nearest Exchange hop of each side, before and after each position.
  const lastCloud: number[] = new Array(n).fill(-1);
  const lastOnPrem: number[] = new Array(n).fill(-1);
  const nextCloud: number[] = new Array(n).fill(-1);
  const nextOnPrem: number[] = new Array(n).fill(-1);
  for (let i = 0, c = -1, o = -1; i < n; i++) {
    lastCloud[i] = c;
    lastOnPrem[i] = o;
    if (hops[i]!.kind === 'exchange-online') c = i;
    if (isOnPremises(hops[i]!.kind)) o = i;
  }
  for (let i = n - 1, c = -1, o = -1; i >= 0; i--) {
    nextCloud[i] = c;
    nextOnPrem[i] = o;
    if (hops[i]!.kind === 'exchange-online') c = i;
    if (isOnPremises(hops[i]!.kind)) o = i;
  }
  let i = 0;
  while (i < n) {
    if (hops[i]!.kind !== 'other') {
      i++;
      continue;
    }
    // The run of hops stamped by one machine, starting at i.
    let end = i + 1;
    while (end < n && hops[end]!.kind === 'other' && sameMachine(hops[end - 1]!, hops[end]!)) end++;
    const run = hops.slice(i, end);
    // The nearest Exchange hop before the run is one side, an Exchange hop of the other side follows it.
    const onPremThenCloud = lastOnPrem[i]! > lastCloud[i]! && nextCloud[end - 1]! >= 0;
    const cloudThenOnPrem = lastCloud[i]! > lastOnPrem[i]! && nextOnPrem[end - 1]! >= 0;
    if (onPremThenCloud || cloudThenOnPrem) {
      const from = onPremThenCloud ? lastOnPrem[i]! : lastCloud[i]!;
      const to = onPremThenCloud ? nextCloud[end - 1]! : nextOnPrem[end - 1]!;
      const products = [...new Set(run.map((h) => mtaProduct(h.byComments)).filter((p): p is string => p !== null))];
      const vendor = products.length > 0 ? products.join(' + ') : null;
      const sides = onPremThenCloud ? ['on-premises Exchange', 'Exchange Online'] : ['Exchange Online', 'on-premises Exchange'];
      const host = run[0]!.by ?? 'an unnamed host';
      const stamps = run.length > 1 ? `; ${run.length} stamps by the same machine (a content filter over loopback or a re-injection)` : '';
      for (const h of run) {
        h.kind = 'gateway';
        h.vendor = vendor;
        h.kindBasis = `${host}${vendor ? ` (${vendor})` : ''} is not Microsoft's and sits between ${sides[0]} (hop ${from + 1}) and ${sides[1]} (hop ${to + 1})${stamps}`;
      }
    }
    i = end;
  }
}
