/**
 * The end of DATA content (RFC 5321 §4.1.1.4): the line holding only "." — CRLF "." CRLF, where
 * the CRLF before the dot ends the last content line, or the very first line when the message is
 * empty. Found by one native search per chunk, plus a look across chunk joins; content is never
 * kept or decoded.
 */

const END_OF_DATA = Buffer.from('\r\n.\r\n');
const LINE_START = Buffer.from('\r\n');

export class EndOfDataScanner {
  /** The last bytes of the content so far (at most 4), for a terminator split across chunks. */
  private carry: Buffer = LINE_START;

  /** Content starts: the first line may already be the terminating dot. */
  start(): void {
    this.carry = LINE_START;
  }

  /** Bytes went missing: whether a line ended just before them is unknown. */
  lost(): void {
    this.carry = Buffer.alloc(0);
  }

  /** Where the content in `b` from `i` ends (just after the terminator), or -1 when it goes on. */
  scan(b: Buffer, i: number): number {
    const carry = this.carry;
    if (carry.length > 0) {
      const join = Buffer.concat([carry, b.subarray(i, i + 4)]);
      const at = join.indexOf(END_OF_DATA);
      if (at >= 0) return i + at + END_OF_DATA.length - carry.length;
    }
    const at = b.indexOf(END_OF_DATA, i);
    if (at >= 0) return at + END_OF_DATA.length;
    const tail = Buffer.concat([carry, b.subarray(Math.max(i, b.length - 4))]);
    this.carry = Buffer.from(tail.subarray(Math.max(0, tail.length - 4)));
    return -1;
  }
}

/**
 * TLS records sent where SMTP belongs (a ClientHello to a plain SMTP port): skipped record by
 * record by their 5-byte headers (RFC 8446 §5.1), across chunks, so SMTP lines after them are read.
 */
export class TlsRecordSkipper {
  private header: number[] = [];
  private body = 0;

  start(): void {
    this.header = [];
    this.body = 0;
  }

  /** Where the records in `b` from `i` end, or -1 when they go on in the next chunk. */
  skip(b: Buffer, i: number): number {
    while (i < b.length) {
      if (this.body > 0) {
        const take = Math.min(this.body, b.length - i);
        this.body -= take;
        i += take;
        continue;
      }
      if (this.header.length === 0 && !(b[i]! >= 20 && b[i]! <= 24)) return i;
      this.header.push(b[i]!);
      i++;
      if (this.header.length === 2 && this.header[1] !== 3) return i;
      if (this.header.length === 5) {
        this.body = (this.header[3]! << 8) | this.header[4]!;
        this.header = [];
      }
    }
    return -1;
  }
}
