import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Text kept in memory before the spool moves to a temporary file: small reports never touch the disk. */
const IN_MEMORY_LIMIT = 8 << 20;
/** Text gathered before one write to the temporary file. */
const WRITE_BATCH = 1 << 20;

/**
 * Texts kept until a report can be written, read back by their number: for a document whose
 * head states a total known only at the end (the Markdown `headers` report counts its messages
 * first), or whose parts come in another order than they are listed (`pcap` lists sessions by
 * first packet; they end in any order). Past a few MB the texts go to a private temporary file
 * and only their offsets and byte lengths stay in memory, so memory does not grow with the report.
 */
export class TextSpool {
  private readonly texts: string[] = [];
  private textChars = 0;
  private count = 0;
  /** Once spilled: byte offset and length of each text's UTF-8 in the file. */
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private dir: string | null = null;
  private fd = -1;
  private written = 0;
  /** UTF-8 of texts not yet written, `pending[0, pendingBytes)`. */
  private pending: Buffer | null = null;
  private pendingBytes = 0;

  /** Removes the temporary file when the process exits before `close` (a closed pipe ends a command with `process.exit`). */
  private readonly closeOnExit = (): void => this.close();

  /** `fileName`: the temporary file's name, for whoever finds it left behind by a killed process. */
  constructor(private readonly fileName = 'report.txt') {}

  /** How many texts were added. */
  get size(): number {
    return this.count;
  }

  add(text: string): void {
    this.count++;
    if (this.fd < 0) {
      this.texts.push(text);
      this.textChars += text.length;
      if (this.textChars > IN_MEMORY_LIMIT) this.spill();
      return;
    }
    this.append(text);
  }

  /** The texts in the order they were added, read back one at a time. */
  all(): Generator<string> {
    return this.inOrder(Array.from({ length: this.count }, (_, i) => i));
  }

  /** The texts numbered by `order` (0 is the first added), in that order. */
  *inOrder(order: Iterable<number>): Generator<string> {
    this.flush();
    if (this.fd < 0) {
      for (const i of order) yield this.texts[i]!;
      return;
    }
    for (const bytes of this.spilled(order)) yield bytes.toString('utf8');
  }

  /**
   * The same texts as `inOrder`, as their UTF-8 bytes: for a writer that copies them out as they
   * are, with no string made of them. Each buffer is valid only until the next one is asked for
   * (spilled texts are read into one buffer, reused).
   */
  *bytesInOrder(order: Iterable<number>): Generator<Uint8Array> {
    this.flush();
    if (this.fd < 0) {
      for (const i of order) yield Buffer.from(this.texts[i]!, 'utf8');
      return;
    }
    yield* this.spilled(order);
  }

  /** The spilled texts numbered by `order`, read into one reused buffer: each valid until the next. */
  private *spilled(order: Iterable<number>): Generator<Buffer> {
    let buffer = Buffer.allocUnsafe(64 * 1024);
    for (const i of order) {
      const length = this.lengths[i]!;
      if (length > buffer.length) buffer = Buffer.allocUnsafe(length);
      this.readAt(buffer, length, this.offsets[i]!);
      yield buffer.subarray(0, length);
    }
  }

  /** Removes the temporary file, if any. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    process.off('exit', this.closeOnExit);
  }

  private readAt(buffer: Buffer, length: number, offset: number): void {
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, buffer, got, length - got, offset + got);
      if (n === 0) throw new Error('the temporary file of the report ended early');
      got += n;
    }
  }

  private spill(): void {
    this.dir = mkdtempSync(join(tmpdir(), 'mailflow-doctor-'));
    this.fd = openSync(join(this.dir, this.fileName), 'w+', 0o600);
    process.on('exit', this.closeOnExit);
    for (const text of this.texts) this.append(text);
    this.texts.length = 0;
    this.textChars = 0;
  }

  /**
   * Each text is encoded into the write buffer as it comes, so the string dies young: texts held
   * in a list until a batch is full outlive a few minor collections and are copied by each (tens
   * of MB of them, more garbage-collector time than the rest of the `pcap` command's output).
   */
  private append(text: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8: `text.length * 3` bytes always hold the text.
    if (text.length * 3 > WRITE_BATCH - this.pendingBytes) this.flush();
    const pending = (this.pending ??= Buffer.allocUnsafe(WRITE_BATCH));
    this.offsets.push(this.written + this.pendingBytes);
    if (text.length * 3 <= WRITE_BATCH - this.pendingBytes) {
      const length = pending.write(text, this.pendingBytes, 'utf8');
      this.lengths.push(length);
      this.pendingBytes += length;
      return;
    }
    // Longer than a batch could hold: written on its own.
    const data = Buffer.from(text, 'utf8');
    this.lengths.push(data.length);
    this.writeAll(data, data.length);
  }

  private flush(): void {
    if (this.fd < 0 || this.pending === null || this.pendingBytes === 0) return;
    this.writeAll(this.pending, this.pendingBytes);
    this.pendingBytes = 0;
  }

  private writeAll(data: Buffer, length: number): void {
    let done = 0;
    while (done < length) done += writeSync(this.fd, data, done, length - done, this.written + done);
    this.written += length;
  }
}
