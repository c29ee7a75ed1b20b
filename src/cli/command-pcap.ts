import { createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CaptureReadResult, CapturedSession } from '../ingest/pcap/capture-model.js';
import { readCaptureFile } from '../ingest/pcap/read-capture-file.js';
import { numbered, type PcapDocumentParts } from '../report/pcap-document.js';
import { PCAP_MARKDOWN_PARTS } from '../report/render-evidence-markdown.js';
import { indentedSessionJson, PCAP_JSON_FIRST_SESSION, PCAP_JSON_NEXT_SESSION, pcapJsonHead, pcapJsonParts, pcapJsonTail, pcapTextParts } from '../report/render-pcap.js';
import { FirstSessions } from './first-sessions.js';
import { PcapSessionStore } from './pcap-session-store.js';
import { parseCommon, REPORT_OPTIONS, UsageError, type CommonOptions } from './options.js';
import { emit, emitFinishedBytes, emitPieces, reportFinisher, styleFor } from './output.js';
import { terminalProgress } from './progress.js';

/** `pcap FILE|- [--keylog FILE]… --format text|json|markdown|html`: every SMTP session in a capture. */
export async function pcapCommand(args: string[]): Promise<number> {
  const o = parseCommon(args, { keylog: { type: 'string', multiple: true }, ...REPORT_OPTIONS }, ['text', 'json', 'markdown', 'html']);
  if (o.paths.length !== 1) throw new UsageError('pcap needs exactly one capture file (pcap or pcapng; - reads it from standard input), e.g. mailflow-doctor pcap smtp.pcapng --keylog keys.log');
  const given = o.paths[0]!;
  // A capture is read in chunks from a file it can seek in: standard input (`tcpdump -w - | …`) is spooled to a private temporary file first.
  const spool = given === '-' ? await spoolStandardInput() : null;
  try {
    return await report(o, spool?.file ?? given, spool ? (text) => text.split(spool.file).join('(standard input)') : (text) => text);
  } finally {
    await spool?.remove();
  }
}

async function report(o: CommonOptions, file: string, named: (text: string) => string): Promise<number> {
  const keyLogFiles = (o.values.keylog as string[] | undefined) ?? [];
  if (o.format === 'html') return page(o, file, keyLogFiles, named);
  if (o.format !== 'json') return document(o, file, keyLogFiles, named);
  // JSON for a capture of many sessions: each session is kept as its JSON text only (a fraction of
  // the objects' size), past a few MB in a temporary file, and the document is written in pieces
  // rather than built as one string — memory stays flat whatever the capture's size.
  //
  // Without --redact the finishing step (relative paths) is applied to each session as it is
  // serialised, and the spooled UTF-8 is copied to the output as it is: no string of the whole
  // document is read back, joined and encoded again. `--redact` reads its inputs and saves its
  // map only once the capture was read, so it finishes the pieces at the end, as other reports do.
  const finish = o.redact ? null : await reportFinisher(o);
  const store = new PcapSessionStore();
  try {
    const onSession = (s: CapturedSession): void => {
      const json = named(indentedSessionJson(s));
      store.add(s.packets.first, finish ? finish(json) : json);
    };
    const result = await readCaptureFile(file, { keyLogFiles, progress: terminalProgress(), onSession, keepSessions: false });
    if (result.error !== null) return fail(named(result.error));
    if (finish) await emitFinishedBytes(documentBytes(result, store, (text) => finish(named(text))), o.output);
    else await emitPieces(joined(pcapJsonParts(result, store.sorted(), true), named), o);
    return 0;
  } finally {
    store.close();
  }
}

const FIRST_SESSION = Buffer.from(PCAP_JSON_FIRST_SESSION);
const NEXT_SESSION = Buffer.from(PCAP_JSON_NEXT_SESSION);

/** The JSON document as UTF-8, from sessions spooled already finished; `finish` is for the head and tail. */
function* documentBytes(result: CaptureReadResult, store: PcapSessionStore, finish: (text: string) => string): Generator<Uint8Array> {
  yield Buffer.from(finish(pcapJsonHead(result)), 'utf8');
  let count = 0;
  for (const session of store.sortedBytes()) {
    yield count++ === 0 ? FIRST_SESSION : NEXT_SESSION;
    yield session;
  }
  yield Buffer.from(finish(pcapJsonTail(result, count)), 'utf8');
}

/** Pieces are joined up to this many characters before they are written: thousands of small writes cost more than their text. */
const PIECE_CHARS = 1 << 18;

/**
 * The document's pieces in fewer, larger ones. Each piece is whole JSON values or whole parts of a
 * text or Markdown document, so no path or name spans two of them and joining them changes nothing
 * the output step rewrites.
 */
function* joined(pieces: Iterable<string>, named: (text: string) => string): Generator<string> {
  let parts: string[] = [];
  let chars = 0;
  for (const piece of pieces) {
    const text = named(piece);
    parts.push(text);
    chars += text.length;
    if (chars >= PIECE_CHARS) {
      yield parts.join('');
      parts = [];
      chars = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}

/**
 * Text and Markdown, like JSON, from sessions kept as text: each session is rendered as its
 * connection ends, with its number (its place by first packet, known only at the end) left to
 * fill in, and the document is written in pieces once the capture is read, its head stating the
 * counts. The finishing step (relative paths, `--redact`) is applied part by part, as `emit` would
 * apply it to the whole: no path or name spans two parts.
 */
async function document(o: CommonOptions, file: string, keyLogFiles: string[], named: (text: string) => string): Promise<number> {
  const parts = o.format === 'markdown' ? PCAP_MARKDOWN_PARTS : pcapTextParts(styleFor(o.output));
  const store = new PcapSessionStore(parts.listings.map((_, i) => `sessions-${i}.${o.format === 'markdown' ? 'md' : 'txt'}`));
  // As for JSON: without --redact each part is finished as it is made and copied out as bytes;
  // `--redact` learns its names once the capture was read, so it finishes the pieces at the end.
  const finish = o.redact ? null : await reportFinisher(o);
  try {
    const onSession = (s: CapturedSession): void =>
      store.add(
        s.packets.first,
        ...parts.listings.map((listing) => {
          const text = named(listing.part(s));
          return finish ? finish(text) : text;
        }),
      );
    const result = await readCaptureFile(file, { keyLogFiles, progress: terminalProgress(), onSession, keepSessions: false });
    if (result.error !== null) return fail(named(result.error));
    if (finish) await emitFinishedBytes(numberedDocumentBytes(parts, result, store, (text) => finish(named(text))), o.output);
    else await emitPieces(joined(documentParts(parts, result, store), named), o);
    return 0;
  } finally {
    store.close();
  }
}

function* documentParts(parts: PcapDocumentParts, r: CaptureReadResult, store: PcapSessionStore): Generator<string> {
  const sessions = store.size;
  yield parts.head(r, sessions);
  for (const [i, listing] of parts.listings.entries()) {
    let n = 0;
    for (const part of store.sorted(i)) yield numbered(part, ++n, listing.slots);
    yield parts.after(i, sessions);
  }
}

/** The same document as UTF-8, from parts spooled already finished; `finish` is for the head and the text after each listing. */
function* numberedDocumentBytes(parts: PcapDocumentParts, r: CaptureReadResult, store: PcapSessionStore, finish: (text: string) => string): Generator<Uint8Array> {
  const sessions = store.size;
  yield Buffer.from(finish(parts.head(r, sessions)), 'utf8');
  for (const [i, listing] of parts.listings.entries()) {
    let n = 0;
    for (const part of store.sortedBytes(i)) yield* numberedBytes(part, ++n, listing.slots);
    yield Buffer.from(finish(parts.after(i, sessions)), 'utf8');
  }
}

/** `numbered` on a part's UTF-8: SESSION_NUMBER is the byte 0 there, and no other character's encoding holds one. */
function* numberedBytes(part: Uint8Array, n: number, slots: number): Generator<Uint8Array> {
  const bytes = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
  let from = 0;
  for (let i = 0; i < slots; i++) {
    const at = bytes.indexOf(0, from);
    if (at < 0) break;
    yield bytes.subarray(from, at);
    yield Buffer.from(String(n), 'latin1');
    from = at + 1;
  }
  yield bytes.subarray(from);
}

/**
 * A page lists the first sessions of the capture (the page builder's MAX_SESSIONS, by first
 * packet) and counts the rest: only those are kept while the capture is read, so the page of a
 * capture of any size is built in the same memory.
 */
async function page(o: CommonOptions, file: string, keyLogFiles: string[], named: (text: string) => string): Promise<number> {
  // The page builder is loaded only for a page: it is most of what the command would load otherwise.
  const [{ pcapHtml }, { MAX_SESSIONS }] = await Promise.all([import('../report/html/build.js'), import('../report/html/evidence-model.js')]);
  const first = new FirstSessions(MAX_SESSIONS);
  const result = await readCaptureFile(file, { keyLogFiles, progress: terminalProgress(), onSession: (s) => first.add(s), keepSessions: false });
  if (result.error !== null) return fail(named(result.error));
  await emit(named(pcapHtml({ ...result, sessions: first.sessions() }, o.at, first.total)), o);
  return 0;
}

async function spoolStandardInput(): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mailflow-doctor-'));
  const file = join(dir, 'stdin.pcap');
  // The copy may be as large as the capture: removed also when the process exits before `remove` (a closed pipe ends the command with `process.exit`).
  const removeOnExit = (): void => rmSync(dir, { recursive: true, force: true });
  process.on('exit', removeOnExit);
  await pipeline(process.stdin, createWriteStream(file, { mode: 0o600 }));
  return {
    file,
    remove: async () => {
      process.off('exit', removeOnExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function fail(message: string): number {
  process.stderr.write(`mailflow-doctor pcap: ${message}\n`);
  return 2;
}
