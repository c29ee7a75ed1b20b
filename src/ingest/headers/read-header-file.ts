import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import type { ReadProgress } from '../evidence/evidence-reader.js';
import { decodeText } from '../text-decoding.js';
import { CompoundFileError, fileSource } from './compound-file.js';
import { decodeMessage, type DecodedMessage } from './decode-message.js';
import { decodeLineBytes } from './header-text.js';
import { MessageSplitter, type RawMessage, type SplitMode } from './message-split.js';
import { addDiagnostics } from '../limits.js';
import { readMsgTransportHeaders } from './outlook-msg.js';

export const HEADERS_KIND = 'headers';

/** A line longer than this is cut (a binary file has no line ends); header lines are far shorter. */
const MAX_LINE_BYTES = 1 << 20;
/** Diagnostics listed one by one per file before the rest are only counted. */
const DIAGNOSTICS_LISTED = 20;

class Lines {
  private splitter: MessageSplitter | null = null;
  messages = 0;
  readonly diagnostics: Diagnostic[] = [];
  private listed = 0;
  private unlisted = 0;

  constructor(
    private readonly file: string,
    private readonly onMessage: (m: DecodedMessage) => void,
    private readonly fixedMode: SplitMode | null,
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

  /** True when the line is a body line that needs no decoding (it cannot start the next message). */
  skipsBodyLine(bytes: Buffer): boolean {
    const s = this.splitter;
    if (!s || !s.inBody) return false;
    if (bytes.length >= 5 && bytes[0] === 0x46 && bytes.toString('latin1', 0, 5) === 'From ') return false;
    let blank = true;
    for (const b of bytes) {
      if (b !== 0x20 && b !== 0x09 && b !== 0x0d) {
        blank = false;
        break;
      }
    }
    s.skipBodyLine(blank);
    return true;
  }

  /** A single message's headers have all been read: the rest of the file is body. */
  get finished(): boolean {
    return this.splitter?.finished ?? false;
  }

  push(text: string, line: number): void {
    if (!this.splitter) {
      if (text.trim() === '') return;
      const mode = this.fixedMode ?? (text.startsWith('From ') ? 'mbox' : 'single');
      this.splitter = new MessageSplitter(mode, (m) => this.message(m));
    }
    this.splitter.push(text, line);
  }

  private message(raw: RawMessage): void {
    for (const l of raw.junkLines) this.warn(l, 'not a header field and not the continuation of one; ignored');
    if (raw.garbled) this.warn(raw.line, 'these headers lost their formatting when copied (folding, indentation or blank lines); fields were recovered by their names');
    this.messages++;
    this.onMessage(decodeMessage(raw, this.file));
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

function feedText(text: string, lines: Lines): void {
  let line = 0;
  for (const l of text.split(/\r?\n|\r/)) lines.push(l, ++line);
}

/**
 * Reads one file of message headers — an .eml, an Outlook .msg, headers pasted into a text file,
 * or an mbox — handing each message to `onMessage` as soon as it is decoded. Never throws: what
 * cannot be read is a diagnostic in the report.
 */
export async function readHeaderFile(file: string, onMessage: (m: DecodedMessage) => void, progress?: ReadProgress): Promise<InputReport> {
  const report: InputReport = { file, kind: HEADERS_KIND, records: 0, skipped: 0, diagnostics: [] };
  const fail = (message: string): InputReport => {
    report.diagnostics.push({ severity: 'error', location: file, message: `${file}: ${message}` });
    return report;
  };
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    return fail(`cannot be read: ${(e as Error).message}`);
  }
  let size: number;
  let head: Buffer;
  try {
    size = (await handle.stat()).size;
    head = Buffer.alloc(Math.min(size, 8));
    await handle.read(head, 0, head.length, 0);
  } catch (e) {
    await handle.close();
    return fail(`cannot be read: ${(e as Error).message}`);
  }
  progress?.start(file, size);
  if (size === 0) {
    await handle.close();
    progress?.done();
    return fail('the file is empty: no message headers');
  }

  let lines: Lines;
  try {
    if (head.length === 8 && head.readUInt32LE(0) === 0xe011cfd0 && head.readUInt32LE(4) === 0xe11ab1a1) {
      lines = new Lines(file, onMessage, 'single');
      try {
        const msg = await readMsgTransportHeaders(fileSource(handle, size));
        if ('missing' in msg) {
          report.skipped = 1;
          return fail(msg.missing);
        }
        feedText(msg.text, lines);
      } catch (e) {
        if (e instanceof CompoundFileError) return fail(`not a readable Outlook message: ${e.message}`);
        throw e;
      }
    } else if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || (head.length >= 4 && head[0] !== 0 && head[1] === 0 && head[2] !== 0 && head[3] === 0)) {
      // Notepad's "Unicode" (UTF-16) for pasted headers: small, read whole.
      if (size > 64 << 20) return fail('a UTF-16 text file larger than 64 MiB; save pasted headers as UTF-8');
      const bytes = Buffer.alloc(size);
      await handle.read(bytes, 0, size, 0);
      lines = new Lines(file, onMessage, null);
      feedText(decodeText(bytes), lines);
    } else {
      lines = new Lines(file, onMessage, null);
      await streamLines(file, lines, progress);
    }
  } finally {
    await handle.close();
    progress?.done();
  }
  const { skipped } = lines.finish();
  report.records = lines.messages;
  report.skipped += skipped;
  addDiagnostics(report.diagnostics, lines.diagnostics, file);
  if (lines.messages === 0) {
    return fail('no message headers found (expected an .eml, an Outlook .msg, headers copied from Outlook or Outlook on the web, or an mbox)');
  }
  return report;
}

/** Streams the file line by line (LF or CRLF), decoding each line on its own (UTF-8, else Latin-1). */
async function streamLines(file: string, lines: Lines, progress?: ReadProgress): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;
  let bytesRead = 0;
  let first = true;
  let cut = false;
  const emit = (bytes: Buffer) => {
    let b = bytes;
    if (first) {
      first = false;
      if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    }
    if (b.length > 0 && b[b.length - 1] === 0x0d) b = b.subarray(0, b.length - 1);
    lineNumber++;
    if (lines.skipsBodyLine(b)) {
      cut = false;
      return;
    }
    if (cut) {
      lines.warn(lineNumber, `a line longer than ${MAX_LINE_BYTES} bytes; cut`);
      cut = false;
    }
    lines.push(decodeLineBytes(b), lineNumber);
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      const part = chunk.subarray(start, nl);
      if (pending.length > 0) {
        pending.push(part);
        emit(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
      } else emit(part);
      start = nl + 1;
    }
    // An .eml's body (attachments: megabytes) is never needed once its header block has ended.
    if (lines.finished) {
      pending = [];
      break;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (pendingBytes + rest.length <= MAX_LINE_BYTES) {
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      } else cut = true;
    }
    progress?.update(bytesRead);
  }
  if (pending.length > 0) emit(Buffer.concat(pending));
}
