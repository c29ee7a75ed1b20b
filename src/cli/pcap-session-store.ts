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
  private batch: string[] = [];
  private batchBytes = 0;

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

  private append(json: string): void {
    const length = Buffer.byteLength(json, 'utf8');
    this.offsets.push(this.written + this.batchBytes);
    this.lengths.push(length);
    this.batch.push(json);
    this.batchBytes += length;
    if (this.batchBytes >= WRITE_BATCH) this.flush();
  }

  private flush(): void {
    if (this.fd < 0 || this.batch.length === 0) return;
    const data = Buffer.from(this.batch.join(''), 'utf8');
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, this.written + done);
    this.written += data.length;
    this.batch = [];
    this.batchBytes = 0;
  }
}
