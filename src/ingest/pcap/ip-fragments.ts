/**
 * IP fragment reassembly (RFC 791 for IPv4, RFC 8200 §4.5 for IPv6), bounded: a datagram whose
 * fragments do not all arrive within MAX_AGE_PACKETS packets, or beyond the number or size kept,
 * is dropped and counted, never invented.
 */

const MAX_DATAGRAMS = 256;
const MAX_DATAGRAM_BYTES = 65_535;
const MAX_AGE_PACKETS = 10_000;

interface Pending {
  fragments: { offset: number; data: Buffer }[];
  /** Known once the last fragment (more-fragments clear) arrived. */
  total: number;
  firstPacket: number;
  bytes: number;
}

export class IpFragmentReassembler {
  private readonly pending = new Map<string, Pending>();
  reassembled = 0;
  dropped = 0;

  /** Adds one fragment's payload; returns the whole payload once every fragment is there. */
  add(key: string, offset: number, more: boolean, b: Buffer, start: number, end: number, packet: number): Buffer | null {
    this.expire(packet);
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= MAX_DATAGRAMS) {
        // The oldest pending datagram gives way (Map keeps insertion order).
        const oldest = this.pending.keys().next().value as string;
        this.pending.delete(oldest);
        this.dropped++;
      }
      p = { fragments: [], total: -1, firstPacket: packet, bytes: 0 };
      this.pending.set(key, p);
    }
    const length = end - start;
    if (offset + length > MAX_DATAGRAM_BYTES || (!more && p.total >= 0 && p.total !== offset + length)) {
      this.pending.delete(key);
      this.dropped++;
      return null;
    }
    p.fragments.push({ offset, data: Buffer.from(b.subarray(start, end)) });
    p.bytes += length;
    if (!more) p.total = offset + length;
    if (p.total < 0) return null;
    const whole = this.assemble(p);
    if (whole) {
      this.pending.delete(key);
      this.reassembled++;
    }
    return whole;
  }

  private assemble(p: Pending): Buffer | null {
    const sorted = [...p.fragments].sort((x, y) => x.offset - y.offset);
    let covered = 0;
    for (const f of sorted) {
      if (f.offset > covered) return null;
      covered = Math.max(covered, f.offset + f.data.length);
    }
    if (covered < p.total) return null;
    const out = Buffer.alloc(p.total);
    // Where fragments overlap, the one that arrived first is kept: copy the latest first.
    for (let i = p.fragments.length - 1; i >= 0; i--) {
      const f = p.fragments[i]!;
      f.data.copy(out, f.offset, 0, Math.max(0, Math.min(f.data.length, p.total - f.offset)));
    }
    return out;
  }

  private expire(packet: number): void {
    for (const [key, p] of this.pending) {
      if (packet - p.firstPacket <= MAX_AGE_PACKETS) break;
      this.pending.delete(key);
      this.dropped++;
    }
  }

  /** At the end of the capture, what is still incomplete is dropped. */
  finish(): void {
    this.dropped += this.pending.size;
    this.pending.clear();
  }
}
