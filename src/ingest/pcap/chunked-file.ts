import type { ByteSource, OpenByteSource } from '../byte-source.js';

/**
 * Bytes read per system call: large enough that the per-call cost vanishes (a few hundred calls
 * per 500 MB), small enough that a chunk read ahead is still in the CPU cache when the parsers
 * walk it: with 4 MiB chunks the first touch of each packet's header missed the cache.
 */
const CHUNK = 1 << 20;
/** No capture record is larger (pcapng blocks holding a key log may be big, packets never are). */
export const MAX_RECORD = 64 << 20;
/**
 * Room kept before a chunk read ahead, for the part of a record left at the end of the previous
 * window: packets are at most 256 KiB, so the next window is that chunk with no copy of it.
 */
const HEADROOM = 256 << 10;
/** The usual window: a chunk and the room before it. */
const WINDOW = CHUNK + HEADROOM;

/** A chunk being read into the spare window while the parsers walk the current one. */
interface ReadAhead {
  /** File offset of the chunk's first byte. */
  at: number;
  bytesRead: Promise<number>;
}

/**
 * A window over a file read front to back in large chunks: parsers walk `buf[start, end)`
 * synchronously and call `more` only when a record straddles the end of the window, so memory is
 * one chunk plus the largest record whatever the file size.
 */
export class ChunkedFile {
  buf: Buffer = Buffer.allocUnsafe(WINDOW);
  start = 0;
  end = 0;
  /** File offset of `buf[0]`. */
  base = 0;
  eof = false;
  readonly size: number;
  /** Told the file offset reached after each read (progress bars). */
  onRead: ((bytesRead: number) => void) | null = null;
  /** The other window, which the next chunk is read into ahead of time (the disk works while the parsers do). */
  private spare: Buffer | null = null;
  private ahead: ReadAhead | null = null;

  private constructor(
    private readonly handle: OpenByteSource,
    size: number,
  ) {
    this.size = size;
  }

  static async open(source: ByteSource): Promise<ChunkedFile> {
    const handle = await source.open();
    return new ChunkedFile(handle, handle.size);
  }

  /** File offset of the window's start. */
  get position(): number {
    return this.base + this.start;
  }

  get available(): number {
    return this.end - this.start;
  }

  /** Makes at least `need` bytes available from `start`; false when the file ends first. */
  async more(need: number): Promise<boolean> {
    if (this.end - this.start >= need) return true;
    if (need > MAX_RECORD) return false;
    if (await this.takeReadAhead()) {
      if (this.end - this.start >= need || this.eof) {
        this.readAhead();
        this.onRead?.(this.base + this.end);
        return this.end - this.start >= need;
      }
    }
    const kept = this.end - this.start;
    // A window grown for one large record goes back to the usual size once that record is consumed.
    if (need > this.buf.length || (this.buf.length > WINDOW && need <= WINDOW && kept <= WINDOW)) {
      const resized = Buffer.allocUnsafe(Math.max(need, WINDOW));
      this.buf.copy(resized, 0, this.start, this.end);
      this.buf = resized;
    } else if (this.start > 0) {
      this.buf.copy(this.buf, 0, this.start, this.end);
    }
    this.base += this.start;
    this.start = 0;
    this.end = kept;
    while (this.end < need && !this.eof) {
      const { bytesRead } = await this.handle.read(this.buf, this.end, this.buf.length - this.end, this.base + this.end);
      if (bytesRead === 0) this.eof = true;
      this.end += bytesRead;
    }
    this.readAhead();
    this.onRead?.(this.base + this.end);
    return this.end - this.start >= need;
  }

  /** Starts reading the chunk after the window into the spare one (a usual-size window only, not at the end). */
  private readAhead(): void {
    const at = this.base + this.end;
    if (this.eof || this.ahead !== null || this.buf.length !== WINDOW || at >= this.size) return;
    this.spare ??= Buffer.allocUnsafe(WINDOW);
    const bytesRead = this.handle.read(this.spare, HEADROOM, CHUNK, at).then((r) => r.bytesRead);
    // Awaited by the next `more` (which sees a failure) or by `close`; never left unhandled.
    bytesRead.catch(() => undefined);
    this.ahead = { at, bytesRead };
  }

  /**
   * Makes the chunk read ahead the window, with the bytes left in the current one just before it.
   * False when there is none, or it is not what comes next (a skip went past it) or there is no
   * room for what is left (then the window is read as usual).
   */
  private async takeReadAhead(): Promise<boolean> {
    const ahead = this.ahead;
    if (ahead === null) return false;
    this.ahead = null;
    const bytesRead = await ahead.bytesRead;
    const kept = this.end - this.start;
    if (ahead.at !== this.base + this.end || kept > HEADROOM || this.buf.length !== WINDOW) return false;
    const next = this.spare!;
    this.buf.copy(next, HEADROOM - kept, this.start, this.end);
    this.spare = this.buf;
    this.buf = next;
    this.base = ahead.at - HEADROOM;
    this.start = HEADROOM - kept;
    this.end = HEADROOM + bytesRead;
    if (bytesRead === 0) this.eof = true;
    return true;
  }

  /** Skips `count` bytes, possibly beyond the window. */
  skip(count: number): void {
    const inWindow = Math.min(count, this.end - this.start);
    this.start += inWindow;
    if (count > inWindow) {
      this.base += this.end + (count - inWindow);
      this.start = 0;
      this.end = 0;
    }
  }

  async close(): Promise<void> {
    await this.ahead?.bytesRead.catch(() => undefined);
    this.ahead = null;
    await this.handle.close();
  }
}
