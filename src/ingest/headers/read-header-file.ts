import { sourceChunks, toByteSource, type ByteSource as InputSource } from '../byte-source.js';
import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import type { ReadProgress } from '../evidence/evidence-reader.js';
import { byteOrderMark, decodeText, utf16ByFirstBytes } from '../text-decoding.js';
import { bufferSource, CompoundFileError, fileSource, type ByteSource } from './compound-file.js';
import { decodeMessage, type DecodedMessage } from './decode-message.js';
import { decodeLineBytes } from './header-text.js';
import { MessageSplitter, type RawMessage, type SplitMode } from './message-split.js';
import { addDiagnostics } from '../limits.js';
import { arcDuplicates } from './authentication-results.js';
import { ByteLines } from './byte-lines.js';
import { readMsgTransportHeaders } from './outlook-msg.js';

export const HEADERS_KIND = 'headers';

/** How much of a file is read at a time. */
const CHUNK_BYTES = 1 << 18;
/** A line longer than this is cut (a binary file has no line ends); header lines are far shorter. */
const MAX_LINE_BYTES = 1 << 20;
/**
 * Turns one message's header block into what the caller wants of it (decodeMessage by default).
 * `readsField`, when set, names the fields it reads: the others are left out of its RawMessage
 * (HeaderBlock), their lines undecoded.
 */
export type MessageDecoder<T> = ((raw: RawMessage, file: string) => T) & { readsField?: (name: string) => boolean };

/** Diagnostics listed one by one per file before the rest are only counted. */
const DIAGNOSTICS_LISTED = 20;

class Lines<T = DecodedMessage> {
  private splitter: MessageSplitter | null = null;
  messages = 0;
  readonly diagnostics: Diagnostic[] = [];
  private listed = 0;
  private unlisted = 0;

  constructor(
    private readonly file: string,
    private readonly onMessage: (m: T) => void,
    private readonly fixedMode: SplitMode | null,
    private readonly decode: MessageDecoder<T>,
  ) {}

  warn(line: number | null, message: string): void {
    if (this.listed >= DIAGNOSTICS_LISTED) {
      this.unlisted++;
      return;
    }
    this.listed++;
    const location = line === null ? this.file : `${this.file}:${line}`;
    this.diagnostics.push({ severity: 'warning', location, message: `${location}: ${message}` });
  }

  /** True when the line (`bytes[start, end)`) is a body line that needs no decoding (it cannot start the next message). */
  skipsBodyLine(bytes: Buffer, start = 0, end = bytes.length): boolean {
    const s = this.splitter;
    if (!s || !s.inBody) return false;
    if (end - start >= 5 && bytes[start] === 0x46 && bytes[start + 1] === 0x72 && bytes[start + 2] === 0x6f && bytes[start + 3] === 0x6d && bytes[start + 4] === 0x20) return false;
    let blank = true;
    // Indexed: a Buffer's iterator costs far more per byte, and every body line passes here.
    for (let i = start; i < end; i++) {
      const b = bytes[i];
      if (b !== 0x20 && b !== 0x09 && b !== 0x0d) {
        blank = false;
        break;
      }
    }
    s.skipBodyLine(blank);
    return true;
  }

  /** True when the line (`bytes[start, end)`) was taken from its bytes as a header field or folded line (MessageSplitter.pushBytes). */
  takesHeaderBytes(bytes: Buffer, start: number, end: number, encoding: 'latin1' | 'utf8', line: number): boolean {
    return this.splitter !== null && this.splitter.pushBytes(bytes, start, end, encoding, line);
  }

  /** A single message's headers have all been read: the rest of the file is body. */
  get finished(): boolean {
    return this.splitter?.finished ?? false;
  }

  push(text: string, line: number): void {
    if (!this.splitter) {
      if (text.trim() === '') return;
      const mode = this.fixedMode ?? (text.startsWith('From ') ? 'mbox' : 'single');
      this.splitter = new MessageSplitter(mode, (m) => this.message(m), this.decode.readsField ?? null);
    }
    this.splitter.push(text, line);
  }

  private message(raw: RawMessage): void {
    for (const l of raw.junkLines) this.warn(l, 'not a header field and not the continuation of one; ignored');
    if (raw.resumedAfterBlank !== null) {
      this.warn(
        raw.resumedAfterBlank,
        'header fields go on after a blank line; read as headers because this is a paste (the block before the blank line has no From or Date field) — make sure they are not a quoted message\'s',
      );
    } else if (raw.garbled) {
      this.warn(raw.line, 'these headers lost their formatting when copied (folding, indentation or blank lines); fields were recovered by their names');
    }
    if (raw.bodyStartsWithField !== null) {
      this.warn(
        raw.bodyStartsWithField,
        'the body begins with a header field (a forwarded or quoted header block?); a body is never read as this message\'s headers — if these are the rest of pasted headers, remove the blank line above them',
      );
    }
    // RFC 8617 §5.2 step 2: an ARC set that does not hold exactly one of each ARC header makes the
    // chain fail. Every such header is still shown (buildArcSets); this says why there are two sets.
    for (const d of arcDuplicates(raw.fields)) {
      this.warn(
        d.lines[1]!,
        `the ARC chain has a duplicate instance i=${d.instance} (${d.header} on lines ${d.lines.join(', ')}); a chain with a repeated instance is failed (cv=fail) per RFC 8617 §5.2 — each is shown as its own ARC set`,
      );
    }
    this.messages++;
    this.onMessage(this.decode(raw, this.file));
  }

  finish(): { skipped: number } {
    this.splitter?.end();
    const s = this.splitter;
    if (s && s.strayLines.length > 0) this.warn(s.strayLines[0]!, `${s.strayLines.length} line(s) before the first "From " separator of the mbox; ignored`);
    for (const l of s?.emptyBlocks ?? []) this.warn(l, 'a message without any header field; skipped');
    if (this.unlisted > 0) this.diagnostics.push({ severity: 'warning', location: this.file, message: `${this.file}: ${this.unlisted} more warning(s) not listed` });
    return { skipped: s?.emptyBlocks.length ?? 0 };
  }
}

function feedText<T>(text: string, lines: Lines<T>): void {
  let line = 0;
  for (const l of text.split(/\r?\n|\r/)) lines.push(l, ++line);
}

/** The path that names standard input (`headers -`), and how reports name it. */
export const STDIN_PATH = '-';
export const STDIN_LABEL = '<stdin>';

/** Where the bytes come from: a file (random access for .msg) or standard input (a stream). */
interface HeaderInput {
  label: string;
  /** The first bytes (up to 8), to tell an Outlook .msg and UTF-16 text from the rest. */
  head: Buffer;
  size: number | null;
  /** The whole input: .msg and UTF-16 text are read whole. */
  whole(limit: number): Promise<Buffer | null>;
  source(): Promise<ByteSource>;
  chunks(): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

const isMsgHead = (head: Buffer) => head.length === 8 && head.readUInt32LE(0) === 0xe011cfd0 && head.readUInt32LE(4) === 0xe11ab1a1;
/** UTF-16 by its BOM (`FF FE 00 00` too: decodeText reads it as UTF-16LE), or UTF-16LE by its first bytes. */
const isUtf16Head = (head: Buffer) => {
  const bom = byteOrderMark(head)?.encoding;
  return bom === 'utf-16le' || bom === 'utf-16be' || bom === 'utf-32le' || utf16ByFirstBytes(head) === 'utf-16le';
};

/** UTF-16 text and .msg files are read whole; larger ones are refused. */
const WHOLE_LIMIT = 64 << 20;

async function openSource(input: InputSource): Promise<HeaderInput> {
  const handle = await input.open();
  try {
    const size = handle.size;
    const head = Buffer.alloc(Math.min(size, 8));
    await handle.read(head, 0, head.length, 0);
    return {
      label: input.name,
      head,
      size,
      whole: async (limit) => {
        if (size > limit) return null;
        const bytes = Buffer.alloc(size);
        await handle.read(bytes, 0, size, 0);
        return bytes;
      },
      source: async () => fileSource(handle, size),
      // 256 KiB reads: a quarter of the per-read cost of 64 KiB on a large mbox (each read is a
      // round trip to the thread pool), still far below MAX_LINE_BYTES (byte-lines.ts reads a
      // chunk's lines in place only up to that).
      chunks: () => sourceChunks(input, CHUNK_BYTES),
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Standard input, streamed: its first bytes are held back for the .msg / UTF-16 test, then replayed. */
async function openStdin(): Promise<HeaderInput> {
  const iterator = (process.stdin as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const held: Buffer[] = [];
  let heldBytes = 0;
  let ended = false;
  while (heldBytes < 8) {
    const r = await iterator.next();
    if (r.done) {
      ended = true;
      break;
    }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    held.push(b);
    heldBytes += b.length;
  }
  const start = Buffer.concat(held);
  async function* chunks(): AsyncIterable<Buffer> {
    if (start.length > 0) yield start;
    if (ended) return;
    for (;;) {
      const r = await iterator.next();
      if (r.done) return;
      yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    }
  }
  const whole = async (limit: number): Promise<Buffer | null> => {
    const parts: Buffer[] = [];
    let total = 0;
    for await (const c of chunks()) {
      total += c.length;
      if (total > limit) return null;
      parts.push(c);
    }
    return Buffer.concat(parts);
  };
  return {
    label: STDIN_LABEL,
    head: start.subarray(0, 8),
    size: ended ? start.length : null,
    whole,
    source: async () => bufferSource((await whole(WHOLE_LIMIT)) ?? Buffer.alloc(0)),
    chunks,
    close: async () => undefined,
  };
}

/**
 * Reads one file of message headers — an .eml, an Outlook .msg, headers pasted into a text file,
 * or an mbox; `-` reads standard input (a pasted block is the most common input) — handing each
 * message to `onMessage` as soon as it is decoded. Never throws: what cannot be read is a
 * diagnostic in the report.
 */
export async function readHeaderFile(source: InputSource | string, onMessage: (m: DecodedMessage) => void, progress?: ReadProgress): Promise<InputReport>;
/**
 * The same, each message decoded by `decode` instead of decodeMessage: the evidence path
 * (observe-message.ts) builds only what the rules read.
 */
export async function readHeaderFile<T>(source: InputSource | string, onMessage: (m: T) => void, progress: ReadProgress | undefined, decode: MessageDecoder<T>): Promise<InputReport>;
export async function readHeaderFile<T>(
  source: InputSource | string,
  onMessage: (m: T) => void,
  progress?: ReadProgress,
  decode: MessageDecoder<T> = decodeMessage as unknown as MessageDecoder<T>,
): Promise<InputReport> {
  const file = typeof source === 'string' ? source : source.name;
  const label = file === STDIN_PATH ? STDIN_LABEL : file;
  const report: InputReport = { file: label, kind: HEADERS_KIND, records: 0, skipped: 0, diagnostics: [] };
  const fail = (message: string): InputReport => {
    report.diagnostics.push({ severity: 'error', location: label, message: `${label}: ${message}` });
    return report;
  };
  let input: HeaderInput;
  try {
    input = source === STDIN_PATH ? await openStdin() : await openSource(toByteSource(source));
  } catch (e) {
    return fail(`cannot be read: ${(e as Error).message}`);
  }
  const { head } = input;
  progress?.start(label, input.size ?? 0);
  if (head.length === 0) {
    await input.close();
    progress?.done();
    return fail(file === STDIN_PATH ? 'standard input is empty: no message headers' : 'the file is empty: no message headers');
  }

  let lines: Lines<T>;
  try {
    if (isMsgHead(head)) {
      lines = new Lines(label, onMessage, 'single', decode);
      try {
        const msg = await readMsgTransportHeaders(await input.source());
        if ('missing' in msg) {
          report.skipped = 1;
          return fail(msg.missing);
        }
        feedText(msg.text, lines);
      } catch (e) {
        if (e instanceof CompoundFileError) return fail(`not a readable Outlook message: ${e.message}`);
        throw e;
      }
    } else if (isUtf16Head(head)) {
      // Notepad's "Unicode" (UTF-16) for pasted headers: small, read whole.
      const bytes = await input.whole(WHOLE_LIMIT);
      if (bytes === null) return fail('UTF-16 text larger than 64 MiB; save pasted headers as UTF-8');
      lines = new Lines(label, onMessage, null, decode);
      feedText(decodeText(bytes), lines);
    } else {
      lines = new Lines(label, onMessage, null, decode);
      await streamLines(input.chunks(), lines, progress);
    }
  } finally {
    await input.close();
    progress?.done();
  }
  const { skipped } = lines.finish();
  report.records = lines.messages;
  report.skipped += skipped;
  addDiagnostics(report.diagnostics, lines.diagnostics, label);
  if (lines.messages === 0) {
    return fail('no message headers found (expected an .eml, an Outlook .msg, headers copied from Outlook or Outlook on the web, or an mbox)');
  }
  return report;
}

/**
 * Feeds a byte stream to `lines` line by line (LF, CRLF or CR alone: byte-lines.ts), decoding each
 * line on its own (UTF-8, else Latin-1). A chunk that is ASCII or valid UTF-8 is checked once and
 * its lines decoded straight from it (no Buffer and no check per line); other chunks go line by
 * line. Body lines are skipped undecoded; a single message's body is not read at all once its
 * header block has ended.
 */
async function streamLines<T>(chunks: AsyncIterable<Buffer>, lines: Lines<T>, progress?: ReadProgress): Promise<void> {
  let lineNumber = 0;
  let bytesRead = 0;
  let first = true;
  const splitter = new ByteLines(MAX_LINE_BYTES, (bytes, cut) => {
    let b = bytes;
    if (first) {
      first = false;
      if (byteOrderMark(b)?.encoding === 'utf-8') b = b.subarray(3);
    }
    lineNumber++;
    if (lines.skipsBodyLine(b)) return;
    if (cut) lines.warn(lineNumber, `a line longer than ${MAX_LINE_BYTES} bytes; cut`);
    lines.push(decodeLineBytes(b), lineNumber);
  }, (chunk, start, end, encoding) => {
    // Never the first line (byte-lines.ts): its byte order mark is dropped above.
    lineNumber++;
    if (lines.skipsBodyLine(chunk, start, end) || lines.takesHeaderBytes(chunk, start, end, encoding, lineNumber)) return;
    // A line decoded alone as UTF-8 loses a leading byte order mark (decodeUtf8OrLatin1).
    const bom = encoding === 'utf8' && end - start >= 3 && chunk[start] === 0xef && chunk[start + 1] === 0xbb && chunk[start + 2] === 0xbf;
    lines.push(chunk.toString(encoding, bom ? start + 3 : start, end), lineNumber);
  });
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    let pending = iterator.next();
    for (;;) {
      const r = await pending;
      if (r.done) break;
      // The next chunk is asked for before this one is split: its read runs in the thread pool
      // meanwhile instead of after. (Awaited below, or left when the reading stops early: marked
      // handled so that a failure nobody waits for is no unhandled rejection.)
      pending = iterator.next();
      pending.catch(() => undefined);
      const chunk = r.value;
      bytesRead += chunk.length;
      splitter.push(chunk);
      // An .eml's body (attachments: megabytes) is never needed once its header block has ended.
      if (lines.finished) return;
      progress?.update(bytesRead);
    }
  } finally {
    // As for-await on leaving early: the source is closed (a no-op once it has ended).
    await iterator.return?.(undefined);
  }
  splitter.end();
}
