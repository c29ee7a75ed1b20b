import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CaptureReadResult, CapturedSession } from '../ingest/pcap/capture-model.js';
import { readCaptureFile } from '../ingest/pcap/read-capture-file.js';
import { renderPcapMarkdown } from '../report/render-evidence-markdown.js';
import { indentedSessionJson, PCAP_JSON_FIRST_SESSION, PCAP_JSON_NEXT_SESSION, pcapJsonHead, pcapJsonParts, pcapJsonTail, renderPcapText } from '../report/render-pcap.js';
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
  if (o.format !== 'json') {
    const result = await readCaptureFile(file, { keyLogFiles, progress: terminalProgress() });
    if (result.error !== null) return fail(named(result.error));
    await emit(named(await render(result, o)), o);
    return 0;
  }
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
 * The document's pieces in fewer, larger ones. Each piece is whole JSON values, so no path or name
 * spans two of them and joining them changes nothing the output step rewrites.
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

async function render(result: CaptureReadResult, o: CommonOptions): Promise<string> {
  // The page builder is loaded only for a page: it is most of what the command would load otherwise.
  if (o.format === 'html') return (await import('../report/html/build.js')).pcapHtml(result, o.at);
  if (o.format === 'markdown') return renderPcapMarkdown(result);
  return renderPcapText(result, styleFor(o.output));
}

async function spoolStandardInput(): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mailflow-doctor-'));
  const file = join(dir, 'stdin.pcap');
  await pipeline(process.stdin, createWriteStream(file, { mode: 0o600 }));
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

function fail(message: string): number {
  process.stderr.write(`mailflow-doctor pcap: ${message}\n`);
  return 2;
}
