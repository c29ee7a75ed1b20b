import type { Duplex } from 'node:stream';
import { MAX_LINE, ReplyAssembler, type AssembledReply } from './smtp-reply.js';

/**
 * The line layer of the probe's SMTP client: reads CRLF-terminated reply lines from whichever
 * stream currently carries the session (the TCP socket, then the TLS socket after STARTTLS) and
 * hands complete replies to the dialogue, each wait bounded by the probe's timeout.
 */
export class WireError extends Error {
  constructor(
    readonly kind: 'timeout' | 'closed' | 'protocol' | 'error',
    message: string,
  ) {
    super(message);
  }
}

export class SmtpWire {
  private stream: Duplex | null = null;
  private buffer = '';
  private readonly assembler = new ReplyAssembler();
  private readonly ready: AssembledReply[] = [];
  private waiter: ((r: AssembledReply | WireError) => void) | null = null;
  private ended: WireError | null = null;
  private readonly onData = (d: Buffer) => this.data(d);
  private readonly onEnd = () => this.fail(new WireError('closed', 'the server closed the connection'));
  private readonly onError = (e: Error) => this.fail(new WireError('error', e.message));

  constructor(private readonly timeoutMs: number) {}

  /** Reads from `stream` from now on (STARTTLS hands the session to the TLS socket). */
  attach(stream: Duplex): void {
    this.detach();
    this.stream = stream;
    this.ended = null;
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  /** Stops reading (before the stream is handed to TLS, which must see the next bytes itself). */
  detach(): void {
    const s = this.stream;
    if (!s) return;
    s.off('data', this.onData);
    s.off('end', this.onEnd);
    s.off('close', this.onEnd);
    s.off('error', this.onError);
    this.stream = null;
  }

  /** Bytes read but not yet taken as a reply: after `220 ready to start TLS` there must be none. */
  get pending(): number {
    return this.buffer.length + this.ready.length;
  }

  write(line: string): void {
    this.stream?.write(`${line}\r\n`);
  }

  /** The next complete reply, or a WireError when the server closes, errs or stays silent too long. */
  async reply(): Promise<AssembledReply> {
    const r = this.ready.shift();
    if (r) return r;
    if (this.ended) throw this.ended;
    const got = await new Promise<AssembledReply | WireError>((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(new WireError('timeout', `no reply within ${Math.round(this.timeoutMs / 1000)} s`));
      }, this.timeoutMs);
      this.waiter = (x) => {
        clearTimeout(timer);
        this.waiter = null;
        resolve(x);
      };
    });
    if (got instanceof WireError) throw got;
    return got;
  }

  private data(d: Buffer): void {
    this.buffer += d.toString('latin1');
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl < 0) {
        if (this.buffer.length > MAX_LINE * 4) this.fail(new WireError('protocol', 'the server sent a line longer than any SMTP reply'));
        return;
      }
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      const r = this.assembler.feed(line);
      if (r === null) continue;
      if ('error' in r) {
        this.fail(new WireError('protocol', r.error));
        return;
      }
      if (this.waiter) this.waiter(r);
      else this.ready.push(r);
    }
  }

  private fail(e: WireError): void {
    if (this.ended) return;
    this.ended = e;
    this.waiter?.(e);
  }
}
