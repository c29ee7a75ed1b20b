/**
 * The TLS record layer (RFC 8446 §5, RFC 5246 §6.2) of one direction: 5-byte headers (content
 * type, legacy version, length) framing fragments that may be split across TCP segments. Records
 * the reader cannot use (application data without keys) are skipped by their length, never held.
 */

export const CONTENT_CHANGE_CIPHER_SPEC = 20;
export const CONTENT_ALERT = 21;
export const CONTENT_HANDSHAKE = 22;
export const CONTENT_APPLICATION_DATA = 23;
const CONTENT_HEARTBEAT = 24;

/** RFC 5246 §6.2.3: a ciphertext fragment is at most 2^14 + 2048 bytes. */
const MAX_FRAGMENT = 16384 + 2048;

export interface RecordHandler {
  /** Whether a record of this type would be used; if not it is skipped without being buffered. */
  wants(contentType: number): boolean;
  record(contentType: number, fragment: Buffer, packet: number): void;
  /** Bytes that are not TLS records (the rest of this direction is ignored). */
  notTls(reason: string, packet: number): void;
}

export class TlsRecordReader {
  private readonly header = Buffer.alloc(5);
  private headerHave = 0;
  private type = 0;
  private length = 0;
  private body: Buffer | null = null;
  private bodyHave = 0;
  private skipping = false;
  /** The framing was lost (bytes missing, or not TLS): nothing more is read in this direction. */
  stopped = false;
  records = 0;

  constructor(private readonly handler: RecordHandler) {}

  feed(b: Buffer, packet: number): void {
    let i = 0;
    while (i < b.length && !this.stopped) {
      if (this.headerHave < 5) {
        const take = Math.min(5 - this.headerHave, b.length - i);
        b.copy(this.header, this.headerHave, i, i + take);
        this.headerHave += take;
        i += take;
        if (this.headerHave < 5) return;
        this.type = this.header[0]!;
        this.length = this.header.readUInt16BE(3);
        if (this.type < CONTENT_CHANGE_CIPHER_SPEC || this.type > CONTENT_HEARTBEAT || this.header[1] !== 3 || this.length > MAX_FRAGMENT) {
          this.stopped = true;
          this.handler.notTls(`bytes that are not a TLS record (type ${this.type}, version ${this.header[1]}.${this.header[2]}, length ${this.length})`, packet);
          return;
        }
        this.skipping = !this.handler.wants(this.type);
        this.bodyHave = 0;
        if (!this.skipping && b.length - i >= this.length) {
          // The whole record is in this segment (the usual case): handed on in place, not copied.
          // Handlers copy what they keep, since `b` is only valid during this call.
          const at = i;
          i += this.length;
          this.headerHave = 0;
          this.records++;
          this.handler.record(this.type, b.subarray(at, i), packet);
          continue;
        }
        // Not from the shared pool: a record is short-lived, and pool slabs are kept whole by any small buffer a lingering session holds in them.
        this.body = this.skipping ? null : Buffer.allocUnsafeSlow(this.length);
      }
      const take = Math.min(this.length - this.bodyHave, b.length - i);
      if (this.body) b.copy(this.body, this.bodyHave, i, i + take);
      this.bodyHave += take;
      i += take;
      if (this.bodyHave === this.length) {
        this.headerHave = 0;
        this.records++;
        const body = this.body;
        this.body = null;
        if (body) this.handler.record(this.type, body, packet);
      }
    }
  }

  /** `count` bytes missing from the capture: inside a skipped record that costs nothing, elsewhere the record boundaries are lost. */
  missing(count: number): void {
    if (this.headerHave === 5 && this.skipping && this.length - this.bodyHave > count) {
      this.bodyHave += count;
      return;
    }
    this.stopped = true;
    this.body = null;
  }

  /** True between records (nothing half-read), so the bytes that follow start a record. */
  get atBoundary(): boolean {
    return this.headerHave === 0;
  }
}
