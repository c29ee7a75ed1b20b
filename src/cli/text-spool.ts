import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Text kept in memory before the spool moves to a temporary file: small reports never touch the disk. */
const IN_MEMORY_LIMIT = 8 << 20;

/**
 * Texts kept in order until a report can be written: for a document whose head states a total
 * known only at the end (the Markdown `headers` report counts its messages first). Past a few MB
 * the texts go to a private temporary file and only their byte lengths stay in memory, so memory
 * does not grow with the report. Texts are best added in large pieces (each costs one length).
 */
export class TextSpool {
  private readonly texts: string[] = [];
  private textChars = 0;
  /** Once spilled: byte length of each text in the file, in order. */
  private readonly lengths: number[] = [];
  private dir: string | null = null;
  private fd = -1;
  private written = 0;

  add(text: string): void {
    if (this.fd < 0) {
      this.texts.push(text);
      this.textChars += text.length;
      if (this.textChars > IN_MEMORY_LIMIT) this.spill();
      return;
    }
    this.append(text);
  }

  /** The texts in the order they were added, read back one at a time. */
  *all(): Generator<string> {
    if (this.fd < 0) {
      yield* this.texts;
      return;
    }
    let position = 0;
    let buffer = Buffer.allocUnsafe(0);
    for (const length of this.lengths) {
      if (length > buffer.length) buffer = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(this.fd, buffer, got, length - got, position + got);
        if (n === 0) throw new Error('the temporary file of the report ended early');
        got += n;
      }
      position += length;
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
    this.fd = openSync(join(this.dir, 'report.txt'), 'w+', 0o600);
    for (const text of this.texts) this.append(text);
    this.texts.length = 0;
    this.textChars = 0;
  }

  private append(text: string): void {
    const data = Buffer.from(text, 'utf8');
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, this.written + done);
    this.written += data.length;
    this.lengths.push(data.length);
  }
}
