import { open, type FileHandle } from 'node:fs/promises';

/** Bytes read per system call: large enough that the per-call cost vanishes, small enough to stay cache-friendly. */
const CHUNK = 4 << 20;
/** No capture record is larger (pcapng blocks holding a key log may be big, packets never are). */
export const MAX_RECORD = 64 << 20;

/**
 * A window over a file read front to back in large chunks: parsers walk `buf[start, end)`
 * synchronously and call `more` only when a record straddles the end of the window, so memory is
 * one chunk plus the largest record whatever the file size.
 */
export class ChunkedFile {
  buf: Buffer = Buffer.allocUnsafe(CHUNK);
  start = 0;
  end = 0;
  /** File offset of `buf[0]`. */
  base = 0;
  eof = false;
  readonly size: number;
  /** Told the file offset reached after each read (progress bars). */
  onRead: ((bytesRead: number) => void) | null = null;

  private constructor(
    private readonly handle: FileHandle,
    size: number,
  ) {
    this.size = size;
  }

  static async open(path: string): Promise<ChunkedFile> {
    const handle = await open(path, 'r');
    try {
      const size = (await handle.stat()).size;
      return new ChunkedFile(handle, size);
    } catch (e) {
      await handle.close();
      throw e;
    }
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
    const kept = this.end - this.start;
    // A window grown for one large record goes back to the usual size once that record is consumed.
    if (need > this.buf.length || (this.buf.length > CHUNK && need <= CHUNK && kept <= CHUNK)) {
      const resized = Buffer.allocUnsafe(Math.max(need, CHUNK));
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
    this.onRead?.(this.base + this.end);
    return this.end - this.start >= need;
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
    await this.handle.close();
  }
}
