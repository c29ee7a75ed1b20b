import { toByteSource, type ByteSource, type OpenByteSource } from '../byte-source.js';
import type { TraceFileReport } from '../../model/message-trace.js';
import type { StatusObservation } from '../../model/evidence.js';
import type { ReadProgress } from '../evidence/evidence-reader.js';
import { CsvTokenizer } from './csv-tokenizer.js';
import { traceShape } from './detect-trace.js';
import { DiagnosticLog } from './diagnostic-log.js';
import { WINDOW } from './event-grouping.js';
import { JsonElementSplitter } from './json-elements.js';
import { FORMAT_TITLES, type TraceField, type TraceFormat, type TraceLayout } from './trace-columns.js';
import { chunkDecoder, sniffEncoding } from './trace-encoding.js';
import type { TraceMessage } from './trace-message.js';
import { TraceConsumer } from './trace-consumer.js';

export interface TraceReadOptions {
  progress?: ReadProgress;
  /** Bytes read at a time (default 1 MiB). */
  chunkBytes?: number;
  /** Messages an event report keeps open while gathering their events (event-grouping.ts). */
  window?: number;
  /** Receives the statuses (NDR-CATALOG) of events that did not deliver, each with its row. */
  onStatus?: (o: StatusObservation) => void;
  /** The messages only become observations (trace-rows.ts RowContext.observationOnly). */
  observationOnly?: boolean;
}

export type { TraceFileReport } from '../../model/message-trace.js';

const CHUNK_BYTES = 1024 * 1024;
/** Bytes decoded into one string (UTF-16: 32 KiB of text), well under V8's large-object size. */
const DECODE_BYTES = 32 * 1024;
/** Enough for the header row or first object of every format. */
const DETECTION_BYTES = 256 * 1024;

/**
 * Streams one message-trace file (any format of FORMATS.md 1, recognised by its header or its
 * first object, in UTF-8 or UTF-16) and hands each message to `onMessage` as it is complete.
 * Never throws: a file that cannot be read, an unknown encoding or a file that is no trace is an
 * error diagnostic; each unreadable row is counted as skipped with its line.
 */
export async function readTraceFile(input: ByteSource | string, onMessage: (m: TraceMessage) => void, options: TraceReadOptions = {}): Promise<TraceFileReport> {
  const source = toByteSource(input);
  const file = source.name;
  const report: TraceFileReport = { file, kind: 'message-trace', records: 0, skipped: 0, diagnostics: [], format: null, encoding: null, messages: 0 };
  const log = new DiagnosticLog(file);
  const done = (): TraceFileReport => {
    report.diagnostics = log.finish();
    return report;
  };
  let handle: OpenByteSource;
  try {
    handle = await source.open();
  } catch (e) {
    log.add('error', null, `cannot be read: ${(e as Error).message}`);
    return done();
  }
  const progress = options.progress;
  /** The read of the chunk after the one being parsed. */
  let ahead: Promise<{ bytesRead: number }> | null = null;
  try {
    const size = handle.size;
    // Two buffers: the next chunk is read while this one is decoded and parsed (decoders copy what they keep).
    const buffers = [Buffer.allocUnsafe(options.chunkBytes ?? CHUNK_BYTES), Buffer.allocUnsafe(options.chunkBytes ?? CHUNK_BYTES)];
    let turn = 0;
    let position = 0;
    const readChunk = async (): Promise<Buffer> => {
      const buffer = buffers[turn]!;
      const { bytesRead } = await (ahead ?? handle.read(buffer, 0, buffer.length, position));
      position += bytesRead;
      turn ^= 1;
      const next = buffers[turn]!;
      ahead = bytesRead === 0 ? null : handle.read(next, 0, next.length, position);
      // A read still running when reading stops early must not surface as an unhandled rejection.
      ahead?.catch(() => undefined);
      return buffer.subarray(0, bytesRead);
    };
    // Detection looks at a sample; the stream then starts again from the first byte after the BOM.
    const sample = Buffer.alloc(Math.min(size, DETECTION_BYTES));
    const { bytesRead: sampled } = await handle.read(sample, 0, sample.length, 0);
    const first = sample.subarray(0, sampled);
    if (first.length === 0) {
      log.add('error', null, 'the file is empty');
      return done();
    }
    const sniff = sniffEncoding(first);
    if (!sniff.encoding) {
      log.add('error', null, `unknown encoding: ${sniff.unknown}. Message traces are read as UTF-8 or UTF-16 (with or without a byte-order mark); save the file again in one of them (Export-Csv -Encoding UTF8)`);
      return done();
    }
    report.encoding = sniff.encoding;
    if (sniff.note) log.add('warning', null, sniff.note);
    const sampleText = chunkDecoder(sniff.encoding).write(first.subarray(sniff.bomBytes));
    const shape = traceShape(sampleText);
    if (!shape) {
      const firstLine = sampleText.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
      log.add('error', 1, `not a message trace this reader knows: ${firstLine.slice(0, 200)}${firstLine.length > 200 ? '…' : ''}. Expected the header of a Get-MessageTrace / Get-MessageTraceDetail (or V2) export, an admin center trace report or a historical search report, or their ConvertTo-Json output`);
      return done();
    }
    report.format = shape.layout.format;
    if (shape.syntax === 'format-list') {
      log.add('error', 1, formatListMessage(shape.layout.format));
      return done();
    }
    const consumer = new TraceConsumer(file, shape.syntax, log, report, onMessage, options.window ?? WINDOW, options.onStatus ?? null, options.observationOnly ?? false);
    progress?.start(file, size);
    const feed = shape.syntax === 'csv' ? csvFeed(consumer, shape.delimiter) : jsonFeed(consumer);
    const decoder = chunkDecoder(sniff.encoding);
    position = sniff.bomBytes;
    while (!consumer.stopped) {
      const chunk = await readChunk();
      if (chunk.length === 0) break;
      // Decoded in small slices: strings over ~128 KB go to V8's large-object space, freed only by
      // full collections, and a multi-GB read would let that space (and RSS) grow with the file.
      for (let at = 0; at < chunk.length; at += DECODE_BYTES) feed.push(decoder.write(chunk.subarray(at, at + DECODE_BYTES)));
      progress?.update(position);
    }
    if (!consumer.stopped) {
      const rest = decoder.end();
      if (rest) feed.push(rest);
      feed.end();
    }
    consumer.finish();
    return done();
  } catch (e) {
    log.add('error', null, `reading stopped: ${(e as Error).message}`);
    return done();
  } finally {
    // Set inside readChunk, which the compiler does not follow.
    await (ahead as Promise<{ bytesRead: number }> | null)?.catch(() => undefined);
    progress?.done();
    await handle.close();
  }
}

/**
 * FORMATS.md 4.3b: Format-List text is made for the screen (long values cut with `...`, lists
 * shortened) and is no export; the admin is told what to run instead. The cmdlets' objects go
 * through `Export-Csv` (FORMATS.md 1a, 4.4); the admin center's reports are CSV files already
 * (1c, 1d), read as downloaded (or saved again with `Import-Csv -Encoding Unicode`, 1d).
 */
function formatListMessage(format: TraceFormat): string {
  const report = 'keep the CSV file the admin center downloaded and give it as it is, or save it again with: Import-Csv -Encoding Unicode <report>.csv | Export-Csv -NoTypeInformation -Encoding UTF8 report.csv';
  const how: Record<TraceFormat, string> = {
    'get-messagetrace': 'Get-MessageTrace -StartDate <start> -EndDate <end> | Export-Csv -NoTypeInformation -Encoding UTF8 trace.csv',
    'get-messagetrace-v2': 'Get-MessageTraceV2 -StartDate <start> -EndDate <end> | Export-Csv -NoTypeInformation -Encoding UTF8 trace.csv',
    'get-messagetracedetail': 'Get-MessageTrace -MessageId <id> | Get-MessageTraceDetail | Export-Csv -NoTypeInformation -Encoding UTF8 trace-detail.csv',
    'get-messagetracedetail-v2': 'Get-MessageTraceDetailV2 -MessageTraceId <id> -RecipientAddress <address> | Export-Csv -NoTypeInformation -Encoding UTF8 trace-detail.csv',
    'graph-messagetrace': 'save the Graph response (messageTraces) as JSON, as it came',
    'eac-summary': 'the admin center\'s "Export results", kept as the CSV file it downloads',
    'enhanced-summary': report,
    extended: report,
  };
  return `Format-List output of ${FORMAT_TITLES[format]} objects: text formatted for the screen, which cuts long values with "..." and shortens lists, so it is not read as a message trace; nothing in it is used. Export instead with: ${how[format]}`;
}

interface Feed {
  push(text: string): void;
  end(): void;
}

function csvFeed(consumer: TraceConsumer, delimiter: string): Feed {
  let layout: TraceLayout | null = null;
  let ending = false;
  let tok: CsvTokenizer;
  const view = {
    get(field: TraceField): string | null {
      const i = layout!.columns[field];
      if (i === undefined) return null;
      const v = tok.field(i);
      // Most cells need no trimming; checking the ends is cheaper than trim() on every one.
      if (v.length === 0) return null;
      const a = v.charCodeAt(0);
      const b = v.charCodeAt(v.length - 1);
      if (a > 32 && b > 32) return v;
      const t = v.trim();
      return t === '' ? null : t;
    },
  };
  tok = new CsvTokenizer(
    {
      row(t, line) {
        if (consumer.stopped) return;
        if (layout === null) {
          // `#TYPE Deserialized.…MessageTrace` (Windows PowerShell 5.1 Export-Csv) before the header.
          if (t.count === 1 && t.field(0).startsWith('#')) return;
          const header: string[] = [];
          for (let i = 0; i < t.count; i++) header.push(t.field(i));
          layout = consumer.header(header, line);
          return;
        }
        consumer.report.records++;
        if (t.count !== layout.width) {
          let extraEmpty = t.count > layout.width;
          for (let i = layout.width; extraEmpty && i < t.count; i++) extraEmpty = t.isEmpty(i);
          // Trailing empty cells (a re-save in Excel) do no harm.
          if (!extraEmpty) {
            consumer.skip(line, ending && t.count < layout.width ? `the last row is cut short: ${t.count} of ${layout.width} fields` : `${t.count} fields where the header has ${layout.width}`);
            return;
          }
        }
        consumer.row(view, line);
      },
      malformed(line, reason) {
        if (layout === null) {
          consumer.fatal(line, `the header row cannot be read: ${reason}`);
          return;
        }
        consumer.report.records++;
        consumer.skip(line, reason);
      },
    },
    delimiter,
  );
  return {
    push: (text) => tok.push(text),
    end() {
      ending = true;
      tok.end();
    },
  };
}

function jsonFeed(consumer: TraceConsumer): Feed {
  const splitter = new JsonElementSplitter({
    element(text, line, parsed) {
      if (consumer.stopped) return;
      let value: unknown = parsed;
      try {
        if (value === undefined) value = JSON.parse(text);
      } catch (e) {
        consumer.report.records++;
        consumer.skip(line, `not valid JSON (${(e as Error).message})`);
        return;
      }
      // Windows PowerShell 5.1 may wrap the array: {"value":[…],"Count":n}.
      const wrapped = value && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as Record<string, unknown>).value) && 'Count' in value;
      const items = wrapped ? ((value as Record<string, unknown>).value as unknown[]) : [value];
      for (const item of items) {
        consumer.report.records++;
        if (!item || typeof item !== 'object' || Array.isArray(item)) {
          consumer.skip(line, 'an array item that is not an object');
          continue;
        }
        consumer.jsonObject(item as Record<string, unknown>, line);
      }
    },
    fatal(line, reason) {
      consumer.report.records++;
      consumer.skip(line, reason);
    },
  });
  return { push: (text) => splitter.push(text), end: () => splitter.end() };
}
