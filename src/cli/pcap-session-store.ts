import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Text kept in memory before the store moves to a temporary file: small captures never touch the disk. */
const IN_MEMORY_LIMIT = 8 << 20;
/** Text gathered before one write to the temporary file. */
const WRITE_BATCH = 1 << 20;

/**
 * The serialised sessions of `pcap --format json`, kept until the capture is read: the report
 * lists them by first packet while the reader gives them as their connections end, and the
 * capture summary that comes first is known only at the end. Past a few MB the text goes to a
 * private temporary file and only its offsets stay in memory, so memory does not grow with the
 * capture (tens of MB of JSON for a capture of a few hundred MB).
 */
export class PcapSessionStore {
  private readonly firsts: number[] = [];
  private readonly texts: string[] = [];
  private textChars = 0;
  /** Once spilled: byte offset and length of each session's UTF-8 text in the file. */
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private dir: string | null = null;
  private fd = -1;
  private written = 0;
  /** UTF-8 of texts not yet written, `pending[0, pendingBytes)`. */
  private pending: Buffer | null = null;
  private pendingBytes = 0;

  get size(): number {
    return this.firsts.length;
  }

  /** One session's JSON text; `first` is its first packet number (the report's order). */
  add(first: number, json: string): void {
    this.firsts.push(first);
    if (this.fd < 0) {
      this.texts.push(json);
      this.textChars += json.length;
      if (this.textChars > IN_MEMORY_LIMIT) this.spill();
      return;
    }
    this.append(json);
  }

  /** The texts ordered by first packet (arrival order among equals, as a stable sort gives). */
  *sorted(): Generator<string> {
    this.flush();
    const order = Array.from(this.firsts.keys());
    order.sort((a, b) => this.firsts[a]! - this.firsts[b]! || a - b);
    if (this.fd < 0) {
      for (const i of order) yield this.texts[i]!;
      return;
    }
    let buffer = Buffer.allocUnsafe(64 * 1024);
    for (const i of order) {
      const length = this.lengths[i]!;
      if (length > buffer.length) buffer = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(this.fd, buffer, got, length - got, this.offsets[i]! + got);
        if (n === 0) throw new Error('the temporary file of sessions ended early');
        got += n;
      }
      yield buffer.toString('utf8', 0, length);
    }
  }

  /** Removes the temporary file, if any. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  private spill(): void {
    this.dir = mkdtempSync(join(tmpdir(), 'mailflow-doctor-'));
    this.fd = openSync(join(this.dir, 'sessions.json'), 'w+', 0o600);
    for (const text of this.texts) this.append(text);
    this.texts.length = 0;
    this.textChars = 0;
  }

  /**
   * Each text is encoded into the write buffer as it comes, so the string dies young: texts held
   * in a list until a batch is full outlive a few minor collections and are copied by each (tens
   * of MB of them, more garbage-collector time than the rest of the command's output).
   */
  private append(json: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8: `json.length * 3` bytes always hold the text.
    if (json.length * 3 > WRITE_BATCH - this.pendingBytes) this.flush();
    const pending = (this.pending ??= Buffer.allocUnsafe(WRITE_BATCH));
    this.offsets.push(this.written + this.pendingBytes);
    if (json.length * 3 <= WRITE_BATCH - this.pendingBytes) {
      const length = pending.write(json, this.pendingBytes, 'utf8');
      this.lengths.push(length);
      this.pendingBytes += length;
      return;
    }
    // Longer than a batch could hold: written on its own.
    const data = Buffer.from(json, 'utf8');
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
