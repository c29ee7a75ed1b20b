/**
 * One direction of a TCP connection put back in order (RFC 9293 sequence space, modulo 2^32).
 *
 * Overlaps: the bytes seen first are kept. Data already handed on is never replaced (the receiving
 * application read that copy and acknowledged it), and a queued segment is not overwritten by a
 * later one covering the same sequence numbers — what Linux and Windows receivers do, and what
 * Wireshark's reassembly shows by default. Bytes the capture lacks (lost by the capture, cut by a
 * snap length) are reported as missing with their count, never filled in.
 */

export interface StreamReceiver {
  /** In-order bytes `b[start, end)`, the last of them from packet `packet`. */
  bytes(b: Buffer, start: number, end: number, packet: number): void;
  /** `count` bytes of the stream are not in the capture. */
  missing(count: number, packet: number): void;
}

/** Out-of-order bytes held per direction before the hole is declared missing. */
export const MAX_QUEUED_BYTES = 256 * 1024;

interface Queued {
  seq: number;
  data: Buffer;
  /** Length on the wire (more than data.length when the capture cut the packet short). */
  length: number;
  packet: number;
}

export class TcpStream {
  /** Whether `next` is known (a SYN or the first segment seen). */
  private known = false;
  /** The next sequence number expected. */
  private next = 0;
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;
  retransmittedBytes = 0;
  missingBytes = 0;
  missingRuns = 0;

  /** Out-of-order bytes are held, waiting for what comes before them. */
  get waiting(): boolean {
    return this.queue.length > 0;
  }

  syn(seq: number): void {
    this.known = true;
    this.next = (seq + 1) >>> 0;
  }

  /** A segment carrying `length` bytes on the wire, of which `b[start, end)` were captured. */
  segment(seq: number, b: Buffer, start: number, end: number, length: number, packet: number, rx: StreamReceiver): void {
    if (length === 0) return;
    if (!this.known) {
      // Joined an open connection: the first segment seen starts the stream.
      this.known = true;
      this.next = seq;
    }
    const ahead = (seq - this.next) | 0;
    if (ahead <= 0) {
      this.deliver(seq, b, start, end, length, packet, rx);
      this.drain(rx);
      return;
    }
    this.enqueue(seq, b, start, end, length, packet, rx);
  }

  /** The peer acknowledged `ack`: a hole below it was received by the peer, so the capture missed it. */
  acknowledged(ack: number, rx: StreamReceiver): void {
    const first = this.queue[0];
    if (first !== undefined && ((ack - first.seq) | 0) >= 0) this.skipToQueued(rx);
  }

  /** The connection is over: what is still queued follows holes the capture never filled. */
  finish(rx: StreamReceiver): void {
    while (this.queue.length > 0) this.skipToQueued(rx);
  }

  private deliver(seq: number, b: Buffer, start: number, end: number, length: number, packet: number, rx: StreamReceiver): void {
    const behind = (this.next - seq) | 0;
    if (behind >= length) {
      this.retransmittedBytes += length;
      return;
    }
    this.retransmittedBytes += behind;
    const from = start + behind;
    const captured = Math.max(0, end - from);
    if (captured > 0) rx.bytes(b, from, end, packet);
    const lost = length - behind - captured;
    if (lost > 0) this.reportMissing(lost, packet, rx);
    this.next = (seq + length) >>> 0;
  }

  private drain(rx: StreamReceiver): void {
    while (this.queue.length > 0 && ((this.queue[0]!.seq - this.next) | 0) <= 0) {
      const q = this.queue.shift()!;
      this.queuedBytes -= q.data.length;
      this.deliver(q.seq, q.data, 0, q.data.length, q.length, q.packet, rx);
    }
  }

  private enqueue(seq: number, b: Buffer, start: number, end: number, length: number, packet: number, rx: StreamReceiver): void {
    while (this.queuedBytes + (end - start) > MAX_QUEUED_BYTES && this.queue.length > 0) this.skipToQueued(rx);
    const ahead = (seq - this.next) | 0;
    if (ahead <= 0) {
      this.deliver(seq, b, start, end, length, packet, rx);
      this.drain(rx);
      return;
    }
    let i = this.queue.length;
    while (i > 0 && ((this.queue[i - 1]!.seq - this.next) | 0) > ahead) i--;
    const before = this.queue[i - 1];
    // The same bytes again (a retransmission of a queued segment): the first copy stays.
    if (before !== undefined && before.seq === seq && before.length >= length) {
      this.retransmittedBytes += length;
      return;
    }
    const data = Buffer.from(b.subarray(start, end));
    this.queue.splice(i, 0, { seq, data, length, packet });
    this.queuedBytes += data.length;
  }

  private skipToQueued(rx: StreamReceiver): void {
    const first = this.queue[0]!;
    const hole = (first.seq - this.next) | 0;
    if (hole > 0) {
      this.reportMissing(hole, first.packet, rx);
      this.next = first.seq;
    }
    this.drain(rx);
  }

  private reportMissing(count: number, packet: number, rx: StreamReceiver): void {
    this.missingBytes += count;
    this.missingRuns++;
    rx.missing(count, packet);
  }
}
