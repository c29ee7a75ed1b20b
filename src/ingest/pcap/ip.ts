import { be16, be32 } from './byte-order.js';
import type { IpFragmentReassembler } from './ip-fragments.js';

/**
 * IPv4 (RFC 791) and IPv6 (RFC 8200) headers, decoded into one reused object so that a capture of
 * millions of packets makes no garbage here.
 */

export const IP_OK = 0;
export const IP_OTHER_PROTOCOL = 1;
/** A fragment held until its datagram is whole. */
export const IP_FRAGMENT_HELD = 2;
export const IP_MALFORMED = 3;
export const IP_TRUNCATED = 4;

export const PROTOCOL_TCP = 6;

export class IpPacket {
  /** Capture time of the frame (ms since the epoch, NaN when unknown), kept here so no call passes it as an argument (see FrameSink.timestampMs). */
  time = Number.NaN;
  version = 4;
  protocol = 0;
  /** IPv4 addresses as unsigned 32-bit numbers. */
  src4 = 0;
  dst4 = 0;
  /** IPv6 addresses, copied (the frame's buffer is reused). */
  readonly src6 = Buffer.alloc(16);
  readonly dst6 = Buffer.alloc(16);
  /** Where the upper-layer payload is: `buf[start, end)` captured, `declaredLength` on the wire. */
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  declaredLength = 0;
  problem = '';
}

/** IPv6 extension headers walked to reach the upper layer (ESP is not: it encrypts what follows). */
const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTHENTICATION = 51;
const DESTINATION_OPTIONS = 60;
const MOBILITY = 135;
const HIP = 139;
const SHIM6 = 140;

/**
 * `end` is where the captured bytes stop, `originalEnd` where the frame stopped on the wire (beyond
 * `end` when the capture kept only the first bytes of each packet: those bytes are missing, not absent).
 */
export function decodeIp(b: Buffer, at: number, end: number, originalEnd: number, packet: number, out: IpPacket, fragments: IpFragmentReassembler): number {
  if (end - at < 1) return IP_TRUNCATED;
  const version = b[at]! >> 4;
  const result = version === 4 ? decodeIpv4(b, at, end, packet, out, fragments) : version === 6 ? decodeIpv6(b, at, end, packet, out, fragments) : -1;
  if (result === IP_OK && out.buf === b) {
    // A header claiming more than the frame held on the wire was written before segmentation offload split it.
    out.declaredLength = Math.max(out.end - out.start, Math.min(out.declaredLength, originalEnd - out.start));
  }
  if (result >= 0) return result;
  out.problem = `IP version ${version}`;
  return IP_MALFORMED;
}

function decodeIpv4(b: Buffer, at: number, end: number, packet: number, out: IpPacket, fragments: IpFragmentReassembler): number {
  if (end - at < 20) return IP_TRUNCATED;
  const headerLength = (b[at]! & 0x0f) * 4;
  let totalLength = be16(b, at + 2);
  if (headerLength < 20) {
    out.problem = `IPv4 header length ${headerLength}`;
    return IP_MALFORMED;
  }
  // A total length of 0 is what segmentation offload writes on the capturing host: the frame tells.
  if (totalLength === 0) totalLength = end - at;
  if (totalLength < headerLength) {
    out.problem = `IPv4 total length ${totalLength} shorter than its header`;
    return IP_MALFORMED;
  }
  if (end - at < headerLength) return IP_TRUNCATED;
  out.version = 4;
  out.protocol = b[at + 9]!;
  out.src4 = be32(b, at + 12);
  out.dst4 = be32(b, at + 16);
  const flagsOffset = be16(b, at + 6);
  const more = (flagsOffset & 0x2000) !== 0;
  const offset = (flagsOffset & 0x1fff) * 8;
  const payloadEnd = Math.min(end, at + totalLength);
  if (more || offset > 0) {
    if (payloadEnd < at + totalLength) return IP_TRUNCATED;
    const key = `4:${out.src4}:${out.dst4}:${out.protocol}:${b.readUInt16BE(at + 4)}`;
    const whole = fragments.add(key, offset, more, b, at + headerLength, payloadEnd, packet);
    if (!whole) return IP_FRAGMENT_HELD;
    return setPayload(out, whole, 0, whole.length, whole.length);
  }
  return setPayload(out, b, at + headerLength, payloadEnd, totalLength - headerLength);
}

function decodeIpv6(b: Buffer, at: number, end: number, packet: number, out: IpPacket, fragments: IpFragmentReassembler): number {
  if (end - at < 40) return IP_TRUNCATED;
  const payloadLength = b.readUInt16BE(at + 4);
  let next = b[at + 6]!;
  out.version = 6;
  b.copy(out.src6, 0, at + 8, at + 24);
  b.copy(out.dst6, 0, at + 24, at + 40);
  // Payload length 0 means a jumbogram or segmentation offload: take what the frame holds.
  const declaredEnd = payloadLength === 0 ? end : at + 40 + payloadLength;
  const payloadEnd = Math.min(end, declaredEnd);
  let p = at + 40;
  let fragment: { offset: number; more: boolean; id: number } | null = null;
  for (let hops = 0; hops < 16; hops++) {
    if (next === HOP_BY_HOP || next === ROUTING || next === DESTINATION_OPTIONS || next === MOBILITY || next === HIP || next === SHIM6) {
      if (payloadEnd - p < 8) return IP_TRUNCATED;
      const length = (b[p + 1]! + 1) * 8;
      next = b[p]!;
      p += length;
    } else if (next === AUTHENTICATION) {
      if (payloadEnd - p < 8) return IP_TRUNCATED;
      const length = (b[p + 1]! + 2) * 4;
      next = b[p]!;
      p += length;
    } else if (next === FRAGMENT) {
      if (payloadEnd - p < 8) return IP_TRUNCATED;
      const offsetFlags = b.readUInt16BE(p + 2);
      fragment = { offset: offsetFlags & 0xfff8, more: (offsetFlags & 1) !== 0, id: b.readUInt32BE(p + 4) };
      next = b[p]!;
      p += 8;
    } else break;
  }
  if (p > payloadEnd) return IP_TRUNCATED;
  out.protocol = next;
  if (fragment && (fragment.more || fragment.offset > 0)) {
    if (payloadEnd < declaredEnd) return IP_TRUNCATED;
    const key = `6:${out.src6.toString('hex')}:${out.dst6.toString('hex')}:${fragment.id}`;
    const whole = fragments.add(key, fragment.offset, fragment.more, b, p, payloadEnd, packet);
    if (!whole) return IP_FRAGMENT_HELD;
    return setPayload(out, whole, 0, whole.length, whole.length);
  }
  return setPayload(out, b, p, payloadEnd, declaredEnd - p);
}

function setPayload(out: IpPacket, buf: Buffer, start: number, end: number, declaredLength: number): number {
  out.buf = buf;
  out.start = start;
  out.end = end;
  out.declaredLength = Math.max(declaredLength, end - start);
  return out.protocol === PROTOCOL_TCP ? IP_OK : IP_OTHER_PROTOCOL;
}

export function ipv4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** RFC 5952 text: lower case, the longest run of zero groups (two or more) as `::`. */
export function ipv6Text(a: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((a[i]! << 8) | a[i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
