import { fileSource, type ByteSource } from '../ingest/byte-source.js';
import type { DecodedMessage } from '../model/message-headers.js';
import type { HeadersDocumentParts } from '../report/headers-document.js';
import { openReportOutput, type OutputTarget, type ReportOutput } from './output.js';
import { TextSpool } from './text-spool.js';

/** Messages' text is gathered up to this many characters before one write: thousands of small writes cost more than their text. */
const PIECE_CHARS = 1 << 18;

/**
 * The `headers` report written while its files are read (text, JSON, Markdown): memory holds a
 * piece of a few hundred KB, not the document — the JSON of a 500 MiB mbox is past what one
 * string may hold. Nothing is written, and the --output file is not created, until the first
 * piece is full or the reading has ended with messages found (`finish`): a run that finds no
 * message writes nothing. A document whose head states the number of messages (Markdown) is
 * kept in a TextSpool (a temporary file past a few MB) until that number is known.
 */
export class StreamedHeadersReport {
  private count = 0;
  private batch: string[] = [];
  private batchChars = 0;
  private started = false;
  /** The output, opened by the first write. */
  private output: Promise<ReportOutput> | null = null;
  /** Writes queued in order; `queuedChars` of text wait in them. */
  private writes: Promise<void> = Promise.resolve();
  private queuedChars = 0;
  private readonly spool: TextSpool | null;

  constructor(
    private readonly parts: HeadersDocumentParts,
    private readonly target: OutputTarget,
  ) {
    this.spool = parts.headNeedsCount ? new TextSpool() : null;
  }

  get messages(): number {
    return this.count;
  }

  /** One message, as the reader hands it over (synchronously). */
  add(m: DecodedMessage): void {
    const text = this.parts.message(m, this.count++);
    this.batch.push(text);
    this.batchChars += text.length;
    if (this.batchChars >= PIECE_CHARS) this.flushBatch();
  }

  /**
   * Resolves when the reader may read on: while more than a couple of pieces wait to be written
   * (a slow disk or pipe), the reading waits for them, so unwritten text never piles up. Throws a
   * failed write.
   */
  async ready(): Promise<void> {
    if (this.queuedChars > 2 * PIECE_CHARS) await this.writes;
  }

  /** A file read at the pace the report is written (`ready` before each read). */
  pacedSource(path: string): ByteSource {
    const file = fileSource(path);
    return {
      name: file.name,
      open: async () => {
        const handle = await file.open();
        return {
          size: handle.size,
          read: async (buffer, offset, length, position) => {
            await this.ready();
            return handle.read(buffer, offset, length, position);
          },
          close: () => handle.close(),
        };
      },
    };
  }

  /** Writes the rest of the document once every file is read; only when a message was found. */
  async finish(): Promise<void> {
    this.flushBatch();
    if (this.spool === null) {
      this.enqueue(this.started ? this.parts.tail() : this.parts.head(this.count) + this.parts.tail());
      await this.writes;
    } else {
      await this.writes;
      const output = await this.open();
      await output.write(this.parts.head(this.count));
      for (const text of this.spool.all()) await output.write(text);
      await output.write(this.parts.tail());
    }
    await (await this.open()).end();
  }

  /** Removes the spool's temporary file, if any. */
  close(): void {
    this.spool?.close();
  }

  private flushBatch(): void {
    if (this.batch.length === 0) return;
    let piece = this.batch.join('');
    this.batch = [];
    this.batchChars = 0;
    if (this.spool !== null) {
      this.spool.add(piece);
      return;
    }
    // A head that does not state the count goes out with the first messages.
    if (!this.started) piece = this.parts.head(this.count) + piece;
    this.started = true;
    this.enqueue(piece);
  }

  private enqueue(piece: string): void {
    this.queuedChars += piece.length;
    this.writes = this.writes.then(async () => {
      await (await this.open()).write(piece);
      this.queuedChars -= piece.length;
    });
    // A failure is thrown by `ready` or `finish`; this handler only keeps it from ending the process unhandled.
    this.writes.catch(() => undefined);
  }

  private open(): Promise<ReportOutput> {
    return (this.output ??= openReportOutput(this.target));
  }
}
