import type { Diagnostic, InputReport } from '../../model/diagnostics.js';
import type { SmtpSessionObservation, StatusObservation } from '../../model/evidence.js';
import { toByteSource, type ByteSource } from '../byte-source.js';
import type { EvidenceReader, EvidenceReadOptions } from '../evidence/evidence-reader.js';
import { fieldValue, headerOfText, logTypeOf, readExchangeLog, type LogHeader, type LogReadResult } from './exchange-log-file.js';
import { sampleText } from './log-lines.js';
import { IDLE_EVICTION_MS, isoTimeMs, SessionTable, type SessionTableCounts } from './session-table.js';
import type { ProtocolRow } from './smtp-session.js';

/** Exchange protocol and tracking logs start `#Software: Microsoft Exchange Server` (FORMATS.md 2, 3). */
export function exchangeLogTypeOfSample(sample: Uint8Array): ReturnType<typeof logTypeOf> | null {
  const { software, logType } = headerOfText(sampleText(sample));
  if (!software || !/^Microsoft Exchange Server\b/i.test(software)) return null;
  return logTypeOf(logType);
}

interface Columns {
  time: number;
  connector: number;
  session: number;
  sequence: number;
  local: number;
  remote: number;
  event: number;
  data: number;
  context: number;
}

function columnsOf(header: LogHeader): Columns {
  const at = (name: string) => header.fields.indexOf(name);
  return {
    time: at('date-time'),
    connector: at('connector-id'),
    session: at('session-id'),
    sequence: at('sequence-number'),
    local: at('local-endpoint'),
    remote: at('remote-endpoint'),
    event: at('event'),
    data: at('data'),
    context: at('context'),
  };
}

export interface ProtocolLogRead {
  report: InputReport;
  sessions: SessionTableCounts;
}

/**
 * Reads an SMTP receive or send protocol log and hands out each rebuilt session. A file may hold
 * several header blocks (the service restarted its log, or files were appended): each `#Fields`
 * line gives the columns of the rows below it, but does not end a session. A session is its
 * `session-id` with `sequence-number` counting on from 0 and ends at its `-` row (FORMATS.md 3), so
 * sessions open under one block go on under the next block of the same log type; one table per
 * type (receive, send) keeps them, closed at the end of the file.
 */
export async function readProtocolLog(
  input: ByteSource | string,
  onSession: (o: SmtpSessionObservation) => void,
  options: EvidenceReadOptions = {},
  onStatus: ((o: StatusObservation) => void) | null = null,
): Promise<ProtocolLogRead> {
  const source = toByteSource(input);
  const file = source.name;
  const counts: SessionTableCounts = { sessions: 0, evicted: 0, evictedSamples: [], openAtEnd: 0 };
  /** The table of the current header block's type; `tables` keeps each type's open sessions across blocks. */
  let table: SessionTable | null = null;
  const tables = new Map<'smtp-receive' | 'smtp-send', SessionTable>();
  let columns: Columns | null = null;
  let notProtocolRows = 0;
  let firstNotProtocolLine = 0;
  const diagnostics: Diagnostic[] = [];
  const scratch: ProtocolRow = { time: '', timeMs: NaN, connector: '', sessionId: '', sequence: NaN, local: '', remote: '', event: '', data: '', context: '', line: 0 };
  const closeTables = () => {
    for (const t of tables.values()) {
      t.flush();
      const c = t.counts;
      counts.sessions += c.sessions;
      counts.evicted += c.evicted;
      counts.openAtEnd += c.openAtEnd;
      for (const s of c.evictedSamples) if (counts.evictedSamples.length < 5) counts.evictedSamples.push(s);
    }
    tables.clear();
    table = null;
  };
  const result = await readExchangeLog(
    source,
    {
      header(header) {
        // Open sessions are kept: a repeated header block does not end them (see above).
        table = null;
        columns = null;
        if (header.type !== 'smtp-receive' && header.type !== 'smtp-send') return;
        const c = columnsOf(header);
        if (c.session < 0 || c.event < 0) {
          diagnostics.push({
            severity: 'error',
            location: `${file}:${header.line}`,
            message: `#Fields names no ${c.session < 0 ? 'session-id' : 'event'} column: the rows below cannot be grouped into SMTP sessions`,
          });
          return;
        }
        columns = c;
        let t = tables.get(header.type);
        if (!t) tables.set(header.type, (t = new SessionTable(header.type === 'smtp-receive' ? 'server' : 'client', file, onSession, onStatus)));
        table = t;
      },
      unquotedRow(text, starts, line) {
        const c = columns;
        if (!c || !table) {
          if (notProtocolRows++ === 0) firstNotProtocolLine = line;
          return;
        }
        // Connector, endpoints, time and id text matter only on a session's first rows: not sliced for the others.
        const full = table.lookup(text, starts[c.session]!, starts[c.session + 1]! - 1);
        const sessionId = full ? column(text, starts, c.session) : '';
        // One row object for every fast-path row: the table copies it when it has to keep it.
        const row = scratch;
        row.time = full ? column(text, starts, c.time) : '';
        row.timeMs = c.time >= 0 && table.wantsTime ? isoTimeMs(text, starts[c.time]!) : NaN;
        row.connector = full ? column(text, starts, c.connector) : '';
        row.sessionId = sessionId;
        row.sequence = c.sequence >= 0 ? digitsAt(text, starts[c.sequence]!, starts[c.sequence + 1]! - 1) : NaN;
        row.local = full ? column(text, starts, c.local) : '';
        row.remote = full ? column(text, starts, c.remote) : '';
        row.event = column(text, starts, c.event);
        row.data = column(text, starts, c.data);
        row.context = column(text, starts, c.context);
        row.line = line;
        table.add(row);
      },
      quotedRow(text, fields, line) {
        const c = columns;
        if (!c || !table) {
          if (notProtocolRows++ === 0) firstNotProtocolLine = line;
          return;
        }
        // An id written with `""` inside is found by its text in add(), not by its raw range.
        const full = fields.escaped[c.session] === 1 || table.lookup(text, fields.starts[c.session]!, fields.ends[c.session]!);
        const row = scratch;
        // A quoted row keeps its date-time whatever its place in the session: a status found in it
        // is dated by its own row (session-statuses.ts).
        row.time = fieldValue(text, fields, c.time);
        row.timeMs = c.time >= 0 && table.wantsTime ? isoTimeMs(row.time) : NaN;
        row.connector = full ? fieldValue(text, fields, c.connector) : '';
        row.sessionId = full ? fieldValue(text, fields, c.session) : '';
        row.sequence = c.sequence >= 0 ? digitsAt(text, fields.starts[c.sequence]!, fields.ends[c.sequence]!) : NaN;
        row.local = full ? fieldValue(text, fields, c.local) : '';
        row.remote = full ? fieldValue(text, fields, c.remote) : '';
        row.event = fieldValue(text, fields, c.event);
        row.data = fieldValue(text, fields, c.data);
        row.context = fieldValue(text, fields, c.context);
        row.line = line;
        table.add(row);
      },
      row(values, line) {
        const c = columns;
        if (!c || !table) {
          if (notProtocolRows++ === 0) firstNotProtocolLine = line;
          return;
        }
        const row: ProtocolRow = {
          time: c.time >= 0 ? values[c.time]! : '',
          timeMs: c.time >= 0 ? isoTimeMs(values[c.time]!) : NaN,
          connector: c.connector >= 0 ? values[c.connector]! : '',
          sessionId: values[c.session]!,
          sequence: c.sequence >= 0 ? sequenceNumber(values[c.sequence]!) : NaN,
          local: c.local >= 0 ? values[c.local]! : '',
          remote: c.remote >= 0 ? values[c.remote]! : '',
          event: values[c.event]!,
          data: c.data >= 0 ? values[c.data]! : '',
          context: c.context >= 0 ? values[c.context]! : '',
          line,
        };
        table.add(row);
      },
    },
    options.progress,
  );
  closeTables();
  diagnostics.push(...commonDiagnostics(file, result));
  if (notProtocolRows > 0) {
    diagnostics.push({
      severity: 'warning',
      location: `${file}:${firstNotProtocolLine}`,
      message: `${notProtocolRows} row(s) under a header that is not an SMTP protocol log header (or whose #Fields lacks session-id/event) were not read as sessions`,
    });
  }
  if (counts.evicted > 0) {
    const where = counts.evictedSamples.map((s) => `${s.sessionId} (line ${s.line})`).join(', ');
    diagnostics.push({
      severity: 'warning',
      location: file,
      message: `${counts.evicted} session(s) had no row for ${IDLE_MINUTES} minutes of log time and no disconnect row; they were closed as they stood: ${where}`,
    });
  }
  return {
    report: { file, kind: 'protocol-log', records: result.rows - notProtocolRows, skipped: result.malformed.count + notProtocolRows, diagnostics },
    sessions: counts,
  };
}

const IDLE_MINUTES = IDLE_EVICTION_MS / 60_000;

/** Column `i` of a fast-path row (exchange-log-file.ts `unquotedRow`); '' for a column the file lacks. */
function column(text: string, starts: Int32Array, i: number): string {
  return i >= 0 ? text.slice(starts[i]!, starts[i + 1]! - 1) : '';
}

function sequenceNumber(text: string): number {
  return digitsAt(text, 0, text.length);
}

/** The decimal number in `text[from, to)`, NaN when empty or not all digits. */
function digitsAt(text: string, from: number, to: number): number {
  if (to <= from) return NaN;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** Diagnostics every Exchange log read shares: encoding, missing header, malformed lines. */
export function commonDiagnostics(file: string, result: LogReadResult): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (result.unsupportedEncoding !== null) {
    out.push({
      severity: 'error',
      location: file,
      message: `unsupported text encoding ${result.unsupportedEncoding}: Exchange writes its logs as UTF-8; save the file as UTF-8 (or UTF-16 with a byte-order mark) and read it again`,
    });
    return out;
  }
  if (result.firstInvalidUtf8Line !== null) {
    out.push({
      severity: 'warning',
      location: `${file}:${result.firstInvalidUtf8Line}`,
      message: 'the file is not valid UTF-8 from this line on (re-saved in a legacy code page?): characters that do not decode are read as U+FFFD',
    });
  }
  if (result.headers.length === 0) {
    out.push({ severity: 'error', location: file, message: 'no #Fields header line: the columns of the rows are unknown, nothing was read' });
  }
  for (const m of result.malformed.kept) {
    out.push({ severity: 'warning', location: `${file}:${m.line}`, message: `line skipped: ${m.reason}: ${m.text}` });
  }
  if (result.malformed.count > result.malformed.kept.length) {
    out.push({
      severity: 'warning',
      location: file,
      message: `${result.malformed.count - result.malformed.kept.length} more malformed line(s) skipped (the first ${result.malformed.kept.length} are listed)`,
    });
  }
  return out;
}

export const protocolLogReader: EvidenceReader = {
  kind: 'protocol-log',
  detect(sample) {
    const type = exchangeLogTypeOfSample(sample);
    return type === 'smtp-receive' || type === 'smtp-send';
  },
  async read(source, sink, options) {
    return (await readProtocolLog(source, (o) => sink.session(o), options, (o) => sink.status?.(o))).report;
  },
};
