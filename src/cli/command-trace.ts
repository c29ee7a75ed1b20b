import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { detectTrace } from '../ingest/trace/detect-trace.js';
import { readTraceFile, type TraceFileReport } from '../ingest/trace/read-trace.js';
import { TraceSummarizer, type TraceFilters } from '../ingest/trace/trace-summary.js';
import { listInputFiles } from '../ingest/walk-inputs.js';
import { renderTraceText } from '../report/render-trace.js';
import { renderTraceMarkdown } from '../report/render-evidence-markdown.js';
import { renderTraceCsv } from '../report/render-trace-csv.js';
import { renderTraceJson, type TraceReport } from '../report/render-trace-json.js';
import { InputError } from './input-error.js';
import { REPORT_OPTIONS, UsageError, parseCommon } from './options.js';
import { emit, styleFor } from './output.js';
import { terminalProgress } from './progress.js';

/** Messages kept for --list unless --limit says otherwise (each costs memory; the counts do not). */
const DEFAULT_LIST_LIMIT = 10_000;

/**
 * `mailflow-doctor trace FILE…`: reads Exchange Online message traces (every format the trace
 * reader knows) and summarises the messages by connector, tenant, direction, sender domain and
 * day, or lists them. Filters apply while the files stream.
 */
export async function traceCommand(args: string[]): Promise<number> {
  const o = parseCommon(
    args,
    {
      connector: { type: 'string', multiple: true },
      'sender-domain': { type: 'string', multiple: true },
      since: { type: 'string' },
      until: { type: 'string' },
      list: { type: 'boolean' },
      limit: { type: 'string' },
      ...REPORT_OPTIONS,
    },
    ['text', 'json', 'markdown', 'csv', 'html'],
  );
  if (o.paths.length === 0) throw new UsageError('name at least one message-trace file (or a folder of them).');
  const filters: TraceFilters = {
    connectors: (o.values.connector as string[] | undefined) ?? [],
    senderDomains: (o.values['sender-domain'] as string[] | undefined) ?? [],
    since: bound(o.values.since, 'since'),
    until: bound(o.values.until, 'until'),
  };
  let limit: number | null = null;
  if (o.values.list === true) {
    limit = DEFAULT_LIST_LIMIT;
    if (typeof o.values.limit === 'string') {
      limit = Number(o.values.limit);
      if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit must be a whole number, 0 for no limit (got "${o.values.limit}").`);
    }
  } else if (o.values.limit !== undefined) throw new UsageError('--limit goes with --list.');

  const files = await traceFiles(o.paths);
  const summarizer = new TraceSummarizer(filters, limit);
  const progress = terminalProgress();
  const inputs: TraceFileReport[] = [];
  for (const file of files) inputs.push(await readTraceFile(file, (m) => summarizer.add(m), { progress }));
  const report: TraceReport = { inputs, filters, summary: summarizer.finish() };
  const text = o.format === 'json' ? renderTraceJson(report) : o.format === 'html' ? (await import('../report/html/build.js')).traceHtml(report, o.at) : o.format === 'csv' ? renderTraceCsv(report) : o.format === 'markdown' ? renderTraceMarkdown(report) : renderTraceText(report, styleFor(o.output));
  await emit(text, o);
  if (o.format !== 'text') {
    // Problems with the files go to standard error too, so that piped JSON/CSV output stays data.
    for (const i of inputs) for (const d of i.diagnostics) process.stderr.write(`${d.severity}: ${d.location}: ${d.message}\n`);
  }
  const readable = inputs.some((i) => i.format !== null && !(i.records === 0 && i.diagnostics.some((d) => d.severity === 'error')));
  return readable ? 0 : 2;
}

/** `2026-11-17` as --until means the end of that day; any other ISO 8601 time as written. */
function bound(value: unknown, name: 'since' | 'until'): string | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--${name} must be an ISO 8601 time such as 2026-11-17 or 2026-11-17T08:00:00Z (got "${value}").`);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value.trim());
  return new Date(dateOnly && name === 'until' ? t + 86_399_999 : t).toISOString();
}

/** Files named are read as traces; files found in a named folder only when they look like one. */
async function traceFiles(paths: string[]): Promise<string[]> {
  const listing = await listInputFiles(paths);
  if (listing.missing.length > 0) throw new InputError(listing.missing.map((m) => `${m.path}: ${m.reason}`).join('\n'));
  const named = new Set(paths.map((p) => resolve(p)));
  const out: string[] = [];
  for (const file of listing.files) {
    if (named.has(resolve(file)) || (await looksLikeTrace(file))) out.push(file);
  }
  if (out.length === 0) throw new InputError(`no message-trace file in ${paths.join(', ')}`);
  return out;
}

async function looksLikeTrace(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'r');
    try {
      const sample = Buffer.alloc(1 << 20);
      const { bytesRead } = await handle.read(sample, 0, sample.length, 0);
      return detectTrace(sample.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
