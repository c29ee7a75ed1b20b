import type { HeaderHop } from '../../model/evidence.js';
import type { DecodedHop } from '../../model/message-headers.js';
import type { HeaderField } from './header-fields.js';
import { classifyHop, type HopClassification } from './hop-kind.js';
import { markGatewaysInHybridPath, type PathHop } from './hop-path.js';
import { receivedParts, type ReceivedHead, type ReceivedParts } from './received.js';
import { stampResolutionMs } from './received-date.js';

export type { DecodedHop } from '../../model/message-headers.js';

/** classifyHop reads only a stamp's head: one classification per cached head (received.ts). */
const KIND_OF_HEAD = new WeakMap<ReceivedHead, HopClassification>();

function classified(head: ReceivedHead, shared: boolean): HopClassification {
  if (!shared) return classifyHop(head);
  let kind = KIND_OF_HEAD.get(head);
  if (kind === undefined) {
    kind = classifyHop(head);
    KIND_OF_HEAD.set(head, kind);
  }
  return kind;
}

/**
 * Received fields are prepended by each server (RFC 5321 §4.4), so the bottom one is the oldest:
 * hops are returned oldest first, each with its signed delay since the previous dated hop.
 */
export function buildHops(received: HeaderField[]): DecodedHop[] {
  const hops: DecodedHop[] = [];
  // The head may be shared with other hops (received.ts): its arrays and objects are copied.
  eachStampOldestFirst(received, (field, { head, date }, kind, delaySeconds) => {
    hops.push({
      number: hops.length + 1,
      from: head.from,
      by: head.by,
      with: head.with,
      ip: head.ip,
      tls: head.tls === null ? null : { version: head.tls.version, cipher: head.tls.cipher },
      date: date.date,
      delaySeconds,
      kind: kind.kind,
      serverBuild: head.serverBuild,
      fromHost: head.fromHost,
      byIp: head.byIp,
      id: head.id,
      via: head.via,
      for: head.for,
      dateText: date.dateText,
      dateNote: date.note,
      clockSkew: delaySeconds !== null && delaySeconds < 0,
      vendor: kind.vendor,
      kindBasis: kind.basis,
      byComments: head.byComments.slice(),
      line: field.line,
      raw: field.value,
    });
  });
  markGatewaysInHybridPath(hops);
  return hops;
}

/**
 * Each stamp oldest first (every server prepends its own, RFC 5321 §4.4), with its classification
 * and its signed delay since the previous dated stamp.
 */
function eachStampOldestFirst(
  received: HeaderField[],
  visit: (field: HeaderField, parts: ReceivedParts, kind: HopClassification, delaySeconds: number | null) => void,
): void {
  let previousTime: number | null = null;
  let previousText: string | null = null;
  for (let i = received.length - 1; i >= 0; i--) {
    const field = received[i]!;
    const parts = receivedParts(field.value);
    const time = parts.date.time;
    const delaySeconds = time === null || previousTime === null ? null : signedDelay(time - previousTime, previousText, parts.date.dateText);
    if (time !== null) {
      previousTime = time;
      previousText = parts.date.dateText;
    }
    visit(field, parts, classified(parts.head, parts.shared), delaySeconds);
  }
}

/**
 * The delay in seconds between two dated stamps, from the difference of their times. A stamp only
 * places its hop within its resolution: `10:00:05` (RFC 5322 §3.3, whole seconds) is some instant
 * of [10:00:05, 10:00:06), which holds the 10:00:05.412 of a stamp written in milliseconds before
 * it. A negative difference smaller than the coarser of the two resolutions is then no clock skew
 * but the same instant written less finely: 0 s. Between two stamps of one resolution any negative
 * difference is a whole step of it, so real skew stays negative.
 */
function signedDelay(differenceMs: number, previousText: string | null, text: string | null): number {
  // Resolutions are read only for the rare negative difference: most chains never need them.
  if (differenceMs >= 0) return differenceMs / 1000;
  const resolution = Math.max(stampResolutionMs(previousText) ?? 1000, stampResolutionMs(text) ?? 1000);
  return -differenceMs < resolution ? 0 : differenceMs / 1000;
}

/**
 * observedHop's object, keys in its order (reports list them as they were added). Built from an
 * empty object, not a literal: the first messages' observations are kept by the evidence
 * collector, and V8 then allocates every later object of a literal's site straight in the old
 * generation (allocation-site pretenuring; observe-message.ts `unsited`). An empty object has no
 * allocation site.
 */
function evidenceHop(head: ReceivedHead, date: string | null, delaySeconds: number | null, kind: HeaderHop['kind']): HeaderHop {
  const hop = {} as HeaderHop;
  hop.from = head.from;
  hop.by = head.by;
  hop.with = head.with;
  hop.ip = head.ip;
  if (head.tls === null) hop.tls = null;
  else {
    const tls = {} as NonNullable<HeaderHop['tls']>;
    tls.version = head.tls.version;
    tls.cipher = head.tls.cipher;
    hop.tls = tls;
  }
  hop.date = date;
  hop.delaySeconds = delaySeconds;
  hop.kind = kind;
  return hop;
}

/**
 * The evidence of each hop: observedHop of every buildHops hop, in the same order and with the
 * same keys, built straight from the stamps (the evidence path reads a mailbox of thousands of
 * messages; the DecodedHop the headers report shows is never made).
 */
export function observedHops(received: HeaderField[]): HeaderHop[] {
  const hops: HeaderHop[] = [];
  const classes: HopClassification[] = [];
  const heads: ReceivedHead[] = [];
  let anyOther = false;
  eachStampOldestFirst(received, (_field, { head, date }, kind, delaySeconds) => {
    const hop = evidenceHop(head, date.date, delaySeconds, kind.kind);
    if (delaySeconds !== null && delaySeconds < 0) hop.clockSkew = true;
    if (head.serverBuild) hop.serverBuild = head.serverBuild;
    hops.push(hop);
    classes.push(kind);
    heads.push(head);
    if (kind.kind === 'other') anyOther = true;
  });
  // markGatewaysInHybridPath changes only runs of `other` hops: without one it does nothing.
  if (anyOther) {
    const path: PathHop[] = hops.map((h, k) => ({ kind: h.kind, vendor: classes[k]!.vendor, kindBasis: classes[k]!.basis, by: h.by, byIp: heads[k]!.byIp, ip: h.ip, byComments: heads[k]!.byComments }));
    markGatewaysInHybridPath(path);
    path.forEach((p, k) => (hops[k]!.kind = p.kind));
  }
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
  // Only a gateway hop is ever listed: most messages have none, and need no more than this look.
  if (!hops.some((h) => h.kind === 'gateway')) return [];
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
