import type { HeaderHop } from '../../model/evidence.js';
import type { DecodedHop } from '../../model/message-headers.js';
import type { HeaderField } from './header-fields.js';
import { classifyHop } from './hop-kind.js';
import { markGatewaysInHybridPath } from './hop-path.js';
import { parseReceived, type ReceivedStamp } from './received.js';

export type { DecodedHop } from '../../model/message-headers.js';


/**
 * Received fields are prepended by each server (RFC 5321 §4.4), so the bottom one is the oldest:
 * hops are returned oldest first, each with its signed delay since the previous dated hop.
 */
export function buildHops(received: HeaderField[]): DecodedHop[] {
  const hops: DecodedHop[] = [];
  let previousTime: number | null = null;
  for (let i = received.length - 1; i >= 0; i--) {
    const field = received[i]!;
    const stamp: ReceivedStamp = parseReceived(field.value);
    const kind = classifyHop(stamp);
    const time = stamp.date === null ? null : Date.parse(stamp.date);
    const delaySeconds = time === null || previousTime === null ? null : (time - previousTime) / 1000;
    if (time !== null) previousTime = time;
    hops.push({
      number: hops.length + 1,
      from: stamp.from,
      by: stamp.by,
      with: stamp.with,
      ip: stamp.ip,
      tls: stamp.tls,
      date: stamp.date,
      delaySeconds,
      kind: kind.kind,
      serverBuild: stamp.serverBuild,
      fromHost: stamp.fromHost,
      byIp: stamp.byIp,
      id: stamp.id,
      via: stamp.via,
      for: stamp.for,
      dateText: stamp.dateText,
      dateNote: stamp.dateNote,
      clockSkew: delaySeconds !== null && delaySeconds < 0,
      vendor: kind.vendor,
      kindBasis: kind.basis,
      byComments: stamp.byComments,
      line: field.line,
      raw: field.value,
    });
  }
  markGatewaysInHybridPath(hops);
  return hops;
}

const TLS_ORDER = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** The weakest TLS version any hop names, null when none names one. */
export function lowestTlsVersion(hops: readonly HeaderHop[]): string | null {
  let lowest: string | null = null;
  for (const h of hops) {
    const v = h.tls?.version;
    if (!v || !TLS_ORDER.includes(v)) continue;
    if (lowest === null || TLS_ORDER.indexOf(v) < TLS_ORDER.indexOf(lowest)) lowest = v;
  }
  return lowest;
}

/**
 * Gateway hops that sit between an Exchange Online hop and an on-premises Exchange hop (in either
 * direction): a third-party SMTP gateway in the hybrid path, which Microsoft does not support —
 * only an Edge Transport server may sit there (seed 004, SCENARIOS S4 item 5).
 */
export function gatewayHopsInHybridPath(hops: readonly HeaderHop[]): number[] {
  const isOnPremises = (k: string) => k === 'exchange-on-premises' || k === 'exchange-edge';
  // Linear in the number of hops: a header of 10,000 Received lines stays cheap.
  const cloudAfter: boolean[] = new Array(hops.length + 1).fill(false);
  const onPremAfter: boolean[] = new Array(hops.length + 1).fill(false);
  for (let i = hops.length - 1; i >= 0; i--) {
    cloudAfter[i] = cloudAfter[i + 1]! || hops[i]!.kind === 'exchange-online';
    onPremAfter[i] = onPremAfter[i + 1]! || isOnPremises(hops[i]!.kind);
  }
  const found: number[] = [];
  let cloudBefore = false;
  let onPremBefore = false;
  hops.forEach((h, i) => {
    if (h.kind === 'gateway' && ((onPremBefore && cloudAfter[i + 1]) || (cloudBefore && onPremAfter[i + 1]))) found.push(i + 1);
    cloudBefore ||= h.kind === 'exchange-online';
    onPremBefore ||= isOnPremises(h.kind);
  });
  return found;
}
