/**
 * One direction of an SMTP conversation cut into lines (RFC 5321 §2.3.8: CRLF ends a line; a bare
 * LF is accepted too), across the chunks TCP delivers. RFC 5321 §4.5.3.1 allows 512-byte command
 * and reply lines; extensions and broken peers go further, so a line is held up to MAX_LINE bytes
 * and a longer one is skipped whole.
 */

export const MAX_LINE = 16 * 1024;

const CR = 13;
const LF = 10;

export class LineSplitter {
  /** The start of a line that goes on in the next chunk. */
  private partial: Buffer | null = null;
  private skippingOverlong = false;

  constructor(private readonly overlong: () => void) {}

  /** Whether the next byte starts a line. */
  get atLineStart(): boolean {
    return this.partial === null && !this.skippingOverlong;
  }

  /** Forgets a partial line (bytes went missing, or the direction switched to TLS). */
  reset(): void {
    this.partial = null;
  }

  /** One line (without CR LF) from `b` at `i`, joined to what an earlier chunk left; null when the line goes on in the next chunk. */
  take(b: Buffer, i: number): { text: string | null; next: number } | null {
    const nl = b.indexOf(LF, i);
    const partial = this.partial;
    if (nl < 0) {
      const held = (partial?.length ?? 0) + b.length - i;
      if (held > MAX_LINE) {
        this.skippingOverlong = true;
        this.partial = null;
      } else if (!this.skippingOverlong) {
        this.partial = partial ? Buffer.concat([partial, b.subarray(i)]) : Buffer.from(b.subarray(i));
      }
      return null;
    }
    if (this.skippingOverlong) {
      this.skippingOverlong = false;
      this.overlong();
      return { text: null, next: nl + 1 };
    }
    let text: string;
    if (partial) {
      const whole = Buffer.concat([partial, b.subarray(i, nl)]);
      this.partial = null;
      text = whole.toString('utf8', 0, whole.length > 0 && whole[whole.length - 1] === CR ? whole.length - 1 : whole.length);
    } else {
      const end = nl > i && b[nl - 1] === CR ? nl - 1 : nl;
      text = b.toString('utf8', i, end);
    }
    return { text, next: nl + 1 };
  }
}
